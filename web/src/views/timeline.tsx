// A person's timeline of interactions, newest first, a page at a time.

import { useState } from "preact/hooks";
import { useQuery } from "../hooks";
import type { Person } from "../ui";
import { Empty, ErrorBox, Field, fmt, Loading, Platform, Sentiment, personName } from "../ui";

interface PostRef {
  graphId: string;
  text: string;
  platform: string;
  sentiment: number | null;
  author: Person | null;
}
interface Event {
  at: string | null;
  kind: string;
  account: Person | null;
  post: PostRef | null;
  target: PostRef | null;
  order: { total: number; currency: string | null } | null;
  community: { name: string | null; graphId: string } | null;
}
interface Answer {
  interactions: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Event[] };
}

const POST = "graphId text platform sentiment author { graphId handle name platform }";
const TIMELINE = `query Timeline($person: ID!, $kinds: [InteractionKind!], $after: String) {
  interactions(person: $person, kinds: $kinds, first: 20, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { at kind account { graphId handle name platform } post { ${POST} } target { ${POST} }
      order { total currency } community { graphId name } }
  }
}`;
const FILTERS: Record<string, { label: string; kinds?: string[] }> = {
  all: { label: "Everything" },
  posts: { label: "Posts, replies, shares", kinds: ["POST", "REPLY", "SHARE", "QUOTE"] },
  likes: { label: "Likes", kinds: ["LIKE"] },
  mentions: { label: "Mentions of them", kinds: ["MENTIONED"] },
  orders: { label: "Orders", kinds: ["ORDER"] },
};
const VERBS: Record<string, string> = {
  POST: "posted",
  REPLY: "replied",
  SHARE: "shared",
  QUOTE: "quoted",
  LIKE: "liked",
  MENTIONED: "was mentioned",
  ORDER: "ordered",
  JOINED: "joined",
};

export function Timeline(props: { person: string; who?: string }) {
  const [filter, setFilter] = useState("all");
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return (
    <div class="card wide timeline">
      <div class="panel-head">
        <h3>Timeline of interactions</h3>
        <Field label="Show">
          <select
            name="timeline-kinds"
            value={filter}
            onChange={(e) => {
              setFilter(e.currentTarget.value);
              setCursors([null]);
            }}
          >
            {Object.entries(FILTERS).map(([key, f]) => (
              <option value={key}>{f.label}</option>
            ))}
          </select>
        </Field>
      </div>
      <ol class="events">
        {cursors.map((after, i) => (
          <TimelinePage
            key={`${filter}:${after}`}
            person={props.person}
            who={props.who}
            kinds={FILTERS[filter].kinds}
            after={after}
            more={i === cursors.length - 1 ? (c) => setCursors([...cursors, c]) : undefined}
          />
        ))}
      </ol>
    </div>
  );
}

function TimelinePage(props: { person: string; who?: string; kinds?: string[]; after: string | null; more?: (cursor: string) => void }) {
  const q = useQuery<Answer>(TIMELINE, { person: props.person, kinds: props.kinds, after: props.after });
  if (q.error) return <li><ErrorBox error={q.error} what="the timeline" retry={q.reload} /></li>;
  if (!q.data) return <li><Loading what="the timeline" /></li>;
  const { nodes, pageInfo, totalCount } = q.data.interactions;
  return (
    <>
      {props.after === null && nodes.length === 0 ? <li><Empty>Nothing on the timeline.</Empty></li> : null}
      {nodes.map((e) => (
        <li class={`event k-${e.kind.toLowerCase()}`}>
          <time dateTime={e.at ?? undefined}>{e.at ? fmt.time(e.at) : "undated"}</time>
          <div>
            <span class="what">
              {e.account ? <Platform name={e.account.platform ?? ""} /> : null}{" "}
              <strong>{e.account ? personName(e.account) : (props.who ?? "The customer")}</strong> {VERBS[e.kind] ?? e.kind.toLowerCase()}
              {e.kind === "MENTIONED" && e.post?.author ? ` by ${personName(e.post.author)}` : ""}
              {e.target?.author ? ` ${personName(e.target.author)}’s post` : ""}
              {e.kind === "LIKE" && e.post?.author ? ` ${personName(e.post.author)}’s post` : ""}
              {e.community ? ` ${e.community.name ?? e.community.graphId}` : ""}
              {e.order ? ` ${e.order.total.toFixed(2)} ${e.order.currency ?? ""}` : ""}
            </span>
            {e.post ? (
              <blockquote>
                {e.post.text} <Sentiment value={e.post.sentiment} />
              </blockquote>
            ) : null}
            {e.target ? <blockquote class="quoted">{e.target.text}</blockquote> : null}
          </div>
        </li>
      ))}
      {props.more ? (
        <li class="pager">
          <span class="note">
            {fmt.int(totalCount)} event{totalCount === 1 ? "" : "s"} in all
          </span>
          {pageInfo.hasNextPage && pageInfo.endCursor ? (
            <button type="button" class="secondary" onClick={() => props.more?.(pageInfo.endCursor!)}>
              Show older
            </button>
          ) : null}
        </li>
      ) : null}
    </>
  );
}
