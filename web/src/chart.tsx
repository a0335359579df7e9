// The sentiment-over-time chart: mentions per bucket stacked by sentiment class, with the
// mean sentiment as a line.  Plain SVG, scaled to its box; the numbers also as a table.

export interface Bucket {
  start: string;
  mentions: number;
  positive: number;
  neutral: number;
  negative: number;
  averageSentiment: number | null;
}

const W = 720;
const H = 260;
const PAD = { left: 44, right: 44, top: 12, bottom: 28 };

export function SentimentChart(props: { buckets: Bucket[]; title: string }) {
  const { buckets } = props;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const most = Math.max(1, ...buckets.map((b) => b.mentions));
  const step = plotW / Math.max(1, buckets.length);
  const barW = Math.max(1, step * 0.8);
  const y = (n: number) => PAD.top + plotH - (n / most) * plotH;
  const ys = (s: number) => PAD.top + ((1 - s) / 2) * plotH; // sentiment -1..1
  const line = buckets
    .map((b, i) => (b.averageSentiment == null ? null : `${PAD.left + step * i + step / 2},${ys(b.averageSentiment)}`))
    .filter(Boolean)
    .join(" ");
  const ticks = tickIndexes(buckets.length, 6);
  const total = buckets.reduce((n, b) => n + b.mentions, 0);
  const negative = buckets.reduce((n, b) => n + b.negative, 0);
  const summary = `${props.title}: ${total} mentions in ${buckets.length} buckets, ${negative} negative.`;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary} preserveAspectRatio="none">
        <line x1={PAD.left} x2={W - PAD.right} y1={ys(0)} y2={ys(0)} class="zero" />
        {buckets.map((b, i) => {
          const x = PAD.left + step * i + (step - barW) / 2;
          let top = y(0);
          const parts: [number, string][] = [
            [b.negative, "neg"],
            [b.neutral, "neu"],
            [b.positive, "pos"],
          ];
          return (
            <g>
              <title>
                {b.start.slice(0, 10)}: {b.mentions} mentions ({b.positive} positive, {b.neutral} neutral, {b.negative}{" "}
                negative), mean sentiment {b.averageSentiment?.toFixed(2) ?? "–"}
              </title>
              {parts.map(([n, cls]) => {
                const h = (n / most) * plotH;
                top -= h;
                return n > 0 ? <rect x={x} y={top} width={barW} height={h} class={cls} /> : null;
              })}
            </g>
          );
        })}
        {line ? <polyline points={line} class="mean" /> : null}
        <text x={PAD.left - 6} y={PAD.top + 10} class="axis" text-anchor="end">
          {most}
        </text>
        <text x={PAD.left - 6} y={PAD.top + plotH} class="axis" text-anchor="end">
          0
        </text>
        <text x={W - PAD.right + 6} y={ys(1) + 10} class="axis">
          +1
        </text>
        <text x={W - PAD.right + 6} y={ys(-1)} class="axis">
          −1
        </text>
        {ticks.map((i) => (
          <text x={PAD.left + step * i + step / 2} y={H - 8} class="axis" text-anchor="middle">
            {buckets[i].start.slice(0, 10)}
          </text>
        ))}
      </svg>
      <figcaption>
        <span class="key pos">positive</span> <span class="key neu">neutral</span> <span class="key neg">negative</span>{" "}
        <span class="key mean">mean sentiment (right axis)</span>
      </figcaption>
      <details>
        <summary>Show as a table</summary>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">From</th>
                <th scope="col" class="num">Mentions</th>
                <th scope="col" class="num">Positive</th>
                <th scope="col" class="num">Neutral</th>
                <th scope="col" class="num">Negative</th>
                <th scope="col" class="num">Mean sentiment</th>
              </tr>
            </thead>
            <tbody>
              {buckets.map((b) => (
                <tr>
                  <td>{b.start.slice(0, 10)}</td>
                  <td class="num">{b.mentions}</td>
                  <td class="num">{b.positive}</td>
                  <td class="num">{b.neutral}</td>
                  <td class="num">{b.negative}</td>
                  <td class="num">{b.averageSentiment?.toFixed(3) ?? "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

function tickIndexes(n: number, most: number): number[] {
  if (n === 0) return [];
  const every = Math.max(1, Math.ceil(n / most));
  const out: number[] = [];
  for (let i = 0; i < n; i += every) out.push(i);
  return out;
}
