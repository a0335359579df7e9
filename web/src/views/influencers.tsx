// Influencers: the leaderboard by brand, channel and time window, each score's breakdown,
// advocates and detractors side by side, and the list as CSV.

import { useState } from "preact/hooks";
import { ApiError, gql } from "../api";
import { download, toCsv } from "../csv";
import { BrandFilter, ChannelFilter, LevelFilter, scopeOf, WindowFilter } from "../filters";
import type { Route } from "../hooks";
import { useQuery } from "../hooks";
import type { Person } from "../ui";
import { Bar, Empty, ErrorBox, fmt, Loaded, Loading, PersonLink, personName, Platform, Sentiment } from "../ui";

interface Score {
  rank: number;
  score: number;
  kind: string;
  node: Person;
  breakdown: {
    pagerank: number;
    pagerankPart: number;
    reachPart: number;
    followers: number;
    channels: string[];
    brandSentiment: number | null;
    sentimentPosts: number;
    advocacy: number;
    engagementReceived: { replies: number; shares: number; quotes: number; likes: number; mentions: number };
  };
}
interface Page {
  influencers: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: Score[];
  };
}
interface Sides {
  advocates: { totalCount: number; nodes: Score[] };
  detractors: { totalCount: number; nodes: Score[] };
}

const SCORE = `fragment Score on InfluenceScore {
  rank score kind
  node { __typename graphId ... on Account { handle name platform } ... on Customer { name } }
  breakdown { pagerank pagerankPart reachPart followers channels brandSentiment sentimentPosts advocacy
    engagementReceived { replies shares quotes likes mentions } }
}`;
const ARGS = "$brand: ID, $platform: String, $since: DateTime, $until: DateTime, $level: Level!";
const SCOPE = "brand: $brand, platform: $platform, since: $since, until: $until, level: $level";
const PAGE = `query Influencers(${ARGS}, $first: Int, $after: String) {
  influencers(${SCOPE}, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { ...Score } }
}
${SCORE}`;
const SIDES = `query AdvocatesAndDetractors(${ARGS}) {
  advocates: influencers(${SCOPE}, order: ADVOCACY, first: 10) { totalCount nodes { ...Score } }
  detractors: influencers(${SCOPE}, order: DETRACTION, first: 10) { totalCount nodes { ...Score } }
}
${SCORE}`;

const PAGE_SIZE = 25;
const EXPORT_LIMIT = 5000;

function variablesOf(route: Route): Record<string, unknown> {
  return { ...scopeOf(route), level: route.params.get("level") ?? "ACCOUNT" };
}

export function Influencers(props: { route: Route }) {
  const { route } = props;
  const variables = variablesOf(route);
  const scopeKey = JSON.stringify(variables);
  return (
    <section aria-labelledby="influencers-title">
      <h1 id="influencers-title">Influencers</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <BrandFilter route={route} />
        <ChannelFilter route={route} />
        <WindowFilter route={route} />
        <LevelFilter route={route} />
        <ExportButton variables={variables} />
      </form>
      <div class="columns">
        <div class="main-column">
          <Leaderboard key={scopeKey} variables={variables} />
        </div>
        <aside class="side-column" aria-label="Advocates and detractors">
          <AdvocatesAndDetractors variables={variables} />
        </aside>
      </div>
    </section>
  );
}

function Leaderboard(props: { variables: Record<string, unknown> }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <div class="table-wrap">
      <table class="leaderboard">
        <caption>Ranked by influence: PageRank on engagement and follows, plus reach</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Who</th>
            <th scope="col" class="num">Score</th>
            <th scope="col" class="num hide-narrow">Followers</th>
            <th scope="col" class="hide-narrow">Channels</th>
            <th scope="col" class="num">Brand sentiment</th>
          </tr>
        </thead>
        {cursors.map((after, i) => (
          <LeaderboardPage
            key={after ?? "first"}
            variables={props.variables}
            after={after}
            open={open}
            toggle={(id) => setOpen(open === id ? null : id)}
            more={i === cursors.length - 1 ? (next) => setCursors([...cursors, next]) : undefined}
          />
        ))}
      </table>
    </div>
  );
}

function LeaderboardPage(props: {
  variables: Record<string, unknown>;
  after: string | null;
  open: string | null;
  toggle: (id: string) => void;
  more?: (cursor: string) => void;
}) {
  const q = useQuery<Page>(PAGE, { ...props.variables, first: PAGE_SIZE, after: props.after });
  const colspan = 6;
  if (!q.data) {
    return (
      <tbody>
        <tr>
          <td colSpan={colspan}>
            {q.error ? (
              <ErrorBox error={q.error} what="the influencer ranking" retry={q.reload} />
            ) : (
              <Loading what="the influencer ranking" />
            )}
          </td>
        </tr>
      </tbody>
    );
  }
  const { nodes, pageInfo, totalCount } = q.data.influencers;
  return (
    <tbody>
      {props.after === null && nodes.length === 0 ? (
        <tr>
          <td colSpan={colspan}>
            <Empty>Nobody to rank: no engagement or follows match these filters.</Empty>
          </td>
        </tr>
      ) : null}
      {nodes.map((s) => {
        const expanded = props.open === s.node.graphId;
        const detailId = `breakdown-${s.rank}`;
        return [
          <tr class={expanded ? "expanded" : undefined}>
            <td class="num">{s.rank}</td>
            <td>
              <PersonLink person={s.node} />{" "}
              <button
                type="button"
                class="link small"
                aria-expanded={expanded}
                aria-controls={detailId}
                onClick={() => props.toggle(s.node.graphId)}
              >
                {expanded ? "Hide" : "Why?"}
                <span class="visually-hidden"> score breakdown of {personName(s.node)}</span>
              </button>
            </td>
            <td class="num">
              {fmt.num(s.score)}
              <Bar value={s.score} label={`score ${fmt.num(s.score)}`} />
            </td>
            <td class="num hide-narrow">{fmt.int(s.breakdown.followers)}</td>
            <td class="hide-narrow">
              {s.breakdown.channels.map((c) => (
                <Platform name={c} />
              ))}
            </td>
            <td class="num">
              <Sentiment value={s.breakdown.brandSentiment} />
            </td>
          </tr>,
          expanded ? (
            <tr class="breakdown-row">
              <td colSpan={colspan} id={detailId}>
                <Breakdown score={s} />
              </td>
            </tr>
          ) : null,
        ];
      })}
      <tr class="pager">
        <td colSpan={colspan}>
          <span>
            {fmt.int(Math.min(totalCount, (nodes[nodes.length - 1]?.rank ?? 0)))} of {fmt.int(totalCount)} ranked
          </span>
          {pageInfo.hasNextPage && props.more && pageInfo.endCursor ? (
            <button type="button" class="secondary" onClick={() => props.more?.(pageInfo.endCursor!)}>
              Show {PAGE_SIZE} more
            </button>
          ) : null}
        </td>
      </tr>
    </tbody>
  );
}

function Breakdown(props: { score: Score }) {
  const { score, breakdown: b } = props.score;
  const e = b.engagementReceived;
  const share = score > 0 ? b.pagerankPart / score : 0;
  return (
    <div class="breakdown">
      <p>
        Score <strong>{fmt.num(score)}</strong> = attention (PageRank) part{" "}
        <strong>{fmt.num(b.pagerankPart)}</strong> + reach part <strong>{fmt.num(b.reachPart)}</strong>
      </p>
      <div class="split-bar" role="img" aria-label={`${fmt.pct(share)} of the score from attention`}>
        <span class="attention" style={{ width: `${share * 100}%` }} />
        <span class="reach" style={{ width: `${(1 - share) * 100}%` }} />
      </div>
      <dl class="facts">
        <div>
          <dt>PageRank</dt>
          <dd>{b.pagerank.toExponential(2)}</dd>
        </div>
        <div>
          <dt>Followers</dt>
          <dd>{fmt.int(b.followers)}</dd>
        </div>
        <div>
          <dt>Replies received</dt>
          <dd>{fmt.int(e.replies)}</dd>
        </div>
        <div>
          <dt>Shares</dt>
          <dd>{fmt.int(e.shares)}</dd>
        </div>
        <div>
          <dt>Quotes</dt>
          <dd>{fmt.int(e.quotes)}</dd>
        </div>
        <div>
          <dt>Likes</dt>
          <dd>{fmt.int(e.likes)}</dd>
        </div>
        <div>
          <dt>Mentions</dt>
          <dd>{fmt.int(e.mentions)}</dd>
        </div>
        <div>
          <dt>Brand sentiment</dt>
          <dd>
            <Sentiment value={b.brandSentiment} /> over {fmt.int(b.sentimentPosts)} posts
          </dd>
        </div>
        <div>
          <dt>Advocacy</dt>
          <dd>{fmt.num(b.advocacy)}</dd>
        </div>
      </dl>
    </div>
  );
}

function AdvocatesAndDetractors(props: { variables: Record<string, unknown> }) {
  const q = useQuery<Sides>(SIDES, props.variables);
  return (
    <Loaded q={q} what="advocates and detractors">
      {(data) => (
        <div class="sides">
          <SideList
            title="Advocates"
            tone="positive"
            total={data.advocates.totalCount}
            scores={data.advocates.nodes}
          />
          <SideList
            title="Detractors"
            tone="negative"
            total={data.detractors.totalCount}
            scores={data.detractors.nodes}
          />
        </div>
      )}
    </Loaded>
  );
}

function SideList(props: { title: string; tone: string; total: number; scores: Score[] }) {
  const id = `side-${props.tone}`;
  return (
    <div class={`side ${props.tone}`}>
      <h2 id={id}>
        {props.title} <small>({fmt.int(props.total)})</small>
      </h2>
      {props.scores.length === 0 ? (
        <Empty>None in this scope.</Empty>
      ) : (
        <ol aria-labelledby={id}>
          {props.scores.map((s) => (
            <li>
              <PersonLink person={s.node} />
              <span class="advocacy" title="influence × brand sentiment">
                {s.breakdown.advocacy > 0 ? "+" : ""}
                {s.breakdown.advocacy.toFixed(3)}
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function ExportButton(props: { variables: Record<string, unknown> }) {
  const [state, setState] = useState<{ busy: boolean; note?: string; error?: ApiError }>({ busy: false });
  const run = async () => {
    setState({ busy: true, note: "Exporting…" });
    const rows: Score[] = [];
    let after: string | null = null;
    try {
      for (;;) {
        const page: Page = await gql<Page>(PAGE, { ...props.variables, first: 100, after });
        rows.push(...page.influencers.nodes);
        setState({ busy: true, note: `Exporting ${rows.length} of ${page.influencers.totalCount}…` });
        after = page.influencers.pageInfo.endCursor;
        if (!page.influencers.pageInfo.hasNextPage || !after || rows.length >= EXPORT_LIMIT) break;
      }
    } catch (error) {
      setState({ busy: false, error: error instanceof ApiError ? error : new ApiError("network", String(error)) });
      return;
    }
    download(fileName(props.variables), csvOf(rows));
    setState({ busy: false, note: `Exported ${rows.length} rows.` });
  };
  return (
    <div class="export">
      <button type="button" onClick={run} disabled={state.busy}>
        Export CSV
      </button>
      <span role="status" aria-live="polite" class="note">
        {state.note}
      </span>
      {state.error ? <ErrorBox error={state.error} what="the CSV export" /> : null}
    </div>
  );
}

function fileName(v: Record<string, unknown>): string {
  const part = (x: unknown) => (typeof x === "string" && x ? x.slice(0, 10).replace(/[^\w-]+/g, "-") : "all");
  return `influencers-${part(v.brand)}-${part(v.platform)}-${part(v.since)}-${String(v.level).toLowerCase()}.csv`;
}

function csvOf(rows: Score[]): string {
  const header = [
    "rank", "kind", "id", "name", "channels", "score", "pagerank", "pagerank_part", "reach_part",
    "followers", "replies", "shares", "quotes", "likes", "mentions", "brand_sentiment",
    "sentiment_posts", "advocacy",
  ];
  return toCsv(
    header,
    rows.map((s) => {
      const b = s.breakdown;
      const e = b.engagementReceived;
      return [
        s.rank, s.kind, s.node.graphId, personName(s.node), b.channels.join(" "), s.score, b.pagerank,
        b.pagerankPart, b.reachPart, b.followers, e.replies, e.shares, e.quotes, e.likes, e.mentions,
        b.brandSentiment, b.sentimentPosts, b.advocacy,
      ];
    }),
  );
}
