// Listening: a brand's sentiment over time, its recent negative mentions, and new
// mentions as they arrive (the brandMentions subscription).

import { useEffect, useState } from "preact/hooks";
import type { Bucket } from "../chart";
import { SentimentChart } from "../chart";
import { BrandFilter, ChannelFilter, scopeOf, useBrands, WindowFilter } from "../filters";
import type { LiveStatus } from "../live";
import { subscribe } from "../live";
import type { Route } from "../hooks";
import { href, setParams, useAuthEpoch, useQuery } from "../hooks";
import type { Person } from "../ui";
import { Empty, Field, fmt, Loaded, PersonLink, Platform, Sentiment } from "../ui";

interface Mention {
  sentiment: number | null;
  createdAt: string | null;
  post: { graphId: string; text: string; platform: string; url: string | null; author: Person | null };
}
interface Answer {
  sentimentTimeline: Bucket[];
  negative: { totalCount: number; nodes: Mention[] };
}

const MENTION = "sentiment createdAt post { graphId text platform url author { graphId handle name platform } }";
const LISTENING = `query Listening($brand: ID!, $interval: Interval!, $platform: String, $since: DateTime, $until: DateTime) {
  sentimentTimeline(brand: $brand, interval: $interval, platform: $platform, since: $since, until: $until) {
    start mentions positive neutral negative averageSentiment }
  negative: mentions(brand: $brand, sentiment: NEGATIVE, platform: $platform, since: $since, until: $until, first: 15) {
    totalCount nodes { ${MENTION} } }
}`;
const LIVE = `subscription LiveMentions($brand: ID!) { brandMentions(brand: $brand) { ${MENTION} } }`;

export function Listening(props: { route: Route }) {
  const { route } = props;
  const brands = useBrands();
  const brand = route.params.get("brand");
  const first = brands.data?.brands.nodes[0]?.graphId;
  useEffect(() => {
    if (!brand && first) location.replace(href(route.path, { ...Object.fromEntries(route.params), brand: first }));
  }, [brand, first]);
  const interval = route.params.get("interval") ?? "WEEK";
  const scope = scopeOf(route);
  const q = useQuery<Answer>(LISTENING, brand ? { ...scope, brand, interval } : null);
  return (
    <section aria-labelledby="listening-title">
      <h1 id="listening-title">Listening</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <BrandFilter route={route} required />
        <ChannelFilter route={route} />
        <WindowFilter route={route} />
        <Field label="Per">
          <select name="interval" value={interval} onChange={(e) => setParams(route, { interval: e.currentTarget.value })}>
            <option value="DAY">Day</option>
            <option value="WEEK">Week</option>
            <option value="MONTH">Month</option>
          </select>
        </Field>
      </form>
      {!brand ? (
        <Loaded q={brands} what="brands">
          {(data) => (data.brands.nodes.length ? null : <Empty>No brands yet: add one with `scrm brand add`.</Empty>)}
        </Loaded>
      ) : (
        <div class="columns">
          <div class="main-column">
            <Loaded q={q} what="the sentiment timeline">
              {(data) => (
                <>
                  {data.sentimentTimeline.length ? (
                    <SentimentChart buckets={data.sentimentTimeline} title={`Mentions of ${brand}`} />
                  ) : (
                    <Empty>No mentions of this brand in this scope.</Empty>
                  )}
                  <h2>
                    Recent negative mentions <small>({fmt.int(data.negative.totalCount)})</small>
                  </h2>
                  <MentionList mentions={data.negative.nodes} empty="No negative mentions in this scope." />
                </>
              )}
            </Loaded>
          </div>
          <aside class="side-column" aria-label="Live mentions">
            <LiveFeed brand={brand} onMention={q.reload} />
          </aside>
        </div>
      )}
    </section>
  );
}

function MentionList(props: { mentions: Mention[]; empty: string }) {
  if (props.mentions.length === 0) return <Empty>{props.empty}</Empty>;
  return (
    <ul class="mentions">
      {props.mentions.map((m) => (
        <li>
          <div class="mention-head">
            <Sentiment value={m.sentiment} />
            {m.post.author ? <PersonLink person={m.post.author} /> : <Platform name={m.post.platform} />}
            <time dateTime={m.createdAt ?? undefined}>{fmt.time(m.createdAt)}</time>
          </div>
          <p>{m.post.text}</p>
        </li>
      ))}
    </ul>
  );
}

const STATUS_TEXT: Record<LiveStatus, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Connection lost; reconnecting…",
  refused: "Live updates refused",
};

function LiveFeed(props: { brand: string; onMention: () => void }) {
  const epoch = useAuthEpoch();
  const [status, setStatus] = useState<{ status: LiveStatus; detail?: string }>({ status: "connecting" });
  const [mentions, setMentions] = useState<Mention[]>([]);
  useEffect(() => {
    setMentions([]);
    let refresh: number | undefined;
    const stop = subscribe<{ brandMentions: Mention }>(
      LIVE,
      { brand: props.brand },
      (data) => {
        setMentions((list) => [data.brandMentions, ...list].slice(0, 50));
        window.clearTimeout(refresh);
        refresh = window.setTimeout(props.onMention, 1500);
      },
      (s, detail) => setStatus({ status: s, detail }),
    );
    return () => {
      window.clearTimeout(refresh);
      stop();
    };
  }, [props.brand, epoch]);
  return (
    <div class="live">
      <h2>
        New mentions{" "}
        <span class={`live-status ${status.status}`} role="status" aria-live="polite">
          {STATUS_TEXT[status.status]}
          {status.detail ? `: ${status.detail}` : ""}
        </span>
      </h2>
      {mentions.length === 0 ? (
        <Empty>Waiting for new mentions; they appear here as they are loaded.</Empty>
      ) : (
        <MentionList mentions={mentions} empty="" />
      )}
    </div>
  );
}
