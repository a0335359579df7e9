// Advocacy paths: pick a target customer (search as you type) and see the k strongest
// paths advocacy takes to them, each with its strength and every hop's evidence.

import { globalId } from "../api";
import { BrandFilter } from "../filters";
import type { Route } from "../hooks";
import { setParams, useQuery } from "../hooks";
import { PersonSearch } from "../search";
import type { Person } from "../ui";
import { Empty, Field, fmt, Loaded, PersonLink, personName } from "../ui";

interface Evidence {
  replies: number;
  shares: number;
  quotes: number;
  likes: number;
  mentions: number;
  interactions: number;
  follows: boolean;
  weight: number;
  attention: number;
  lastContact: string | null;
}
interface Hop {
  fromId: string;
  toId: string;
  probability: number;
  evidence: Evidence;
}
interface Path {
  strength: number;
  nodeIds: string[];
  nodes: (Person | null)[];
  hops: Hop[];
}
interface Answer {
  target: Person | null;
  advocacyPaths: { level: string; k: number; maxHops: number; sourceIds: string[]; reason: string | null; paths: Path[] };
}

const PERSON = "__typename graphId ... on Account { handle name platform } ... on Customer { name }";
const PATHS = `query AdvocacyPaths($target: ID!, $targetNode: ID!, $brand: ID, $k: Int!, $maxHops: Int!) {
  target: node(id: $targetNode) { ${PERSON} }
  advocacyPaths(target: $target, brand: $brand, k: $k, maxHops: $maxHops) {
    level k maxHops sourceIds reason
    paths { strength nodeIds nodes { ${PERSON} }
      hops { fromId toId probability
        evidence { replies shares quotes likes mentions interactions follows weight attention lastContact } } }
  }
}`;

export function Paths(props: { route: Route }) {
  const { route } = props;
  const target = route.params.get("target");
  const kind = route.params.get("kind") === "account" ? "Account" : "Customer";
  const k = Number(route.params.get("k") ?? 3);
  const maxHops = Number(route.params.get("hops") ?? 5);
  const variables = target
    ? {
        target,
        targetNode: globalId(kind, target),
        brand: route.params.get("brand") || undefined,
        k,
        maxHops,
      }
    : null;
  const q = useQuery<Answer>(PATHS, variables);
  return (
    <section aria-labelledby="paths-title">
      <h1 id="paths-title">Advocacy paths</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Path search">
        <PersonSearch
          label="Target customer"
          onPick={(hit) =>
            setParams(route, { target: hit.node.graphId, kind: hit.node.__typename === "Account" ? "account" : "customer" })
          }
        />
        <BrandFilter route={route} label="From advocates of" />
        <Field label="Paths (k)">
          <select name="k" value={String(k)} onChange={(e) => setParams(route, { k: e.currentTarget.value })}>
            {[1, 2, 3, 5, 8, 10].map((n) => (
              <option value={String(n)}>{n}</option>
            ))}
          </select>
        </Field>
        <Field label="At most hops">
          <select name="hops" value={String(maxHops)} onChange={(e) => setParams(route, { hops: e.currentTarget.value })}>
            {[2, 3, 4, 5, 6, 8].map((n) => (
              <option value={String(n)}>{n}</option>
            ))}
          </select>
        </Field>
      </form>
      {variables === null ? (
        <Empty>Search for a customer above to see how advocacy reaches them.</Empty>
      ) : (
        <Loaded q={q} what="advocacy paths">
          {(data) => <Results data={data} />}
        </Loaded>
      )}
    </section>
  );
}

function Results(props: { data: Answer }) {
  const { target, advocacyPaths: result } = props.data;
  const strongest = Math.max(...result.paths.map((p) => p.strength), 1e-12);
  return (
    <div class="paths">
      <h2>
        {result.paths.length} strongest path{result.paths.length === 1 ? "" : "s"} to{" "}
        {target ? <PersonLink person={target} /> : "the target"}
      </h2>
      {result.reason ? <p class="note">{result.reason}</p> : null}
      {result.paths.length === 0 && !result.reason ? <Empty>No path reaches this person.</Empty> : null}
      <ol class="path-list">
        {result.paths.map((path, i) => (
          <li class="path-card">
            <div class="path-head">
              <strong>Path {i + 1}</strong>
              <span>
                strength <strong>{formatStrength(path.strength)}</strong>
              </span>
              <span class="bar" role="meter" aria-label={`relative strength of path ${i + 1}`} aria-valuenow={Math.round((path.strength / strongest) * 100)} aria-valuemin={0} aria-valuemax={100}>
                <span style={{ width: `${(path.strength / strongest) * 100}%` }} />
              </span>
              <span class="note">
                {path.hops.length} hop{path.hops.length === 1 ? "" : "s"}
              </span>
            </div>
            <PathDrawing path={path} />
            <HopTable path={path} />
          </li>
        ))}
      </ol>
    </div>
  );
}

function formatStrength(s: number): string {
  return s >= 0.001 ? fmt.pct(s) : s.toExponential(2);
}

function nameOf(path: Path, index: number): string {
  const node = path.nodes[index];
  return node ? personName(node) : path.nodeIds[index];
}

function PathDrawing(props: { path: Path }) {
  const { path } = props;
  return (
    <ol class="path-drawing" aria-label="the path, source first">
      {path.nodeIds.map((id, i) => {
        const node = path.nodes[i];
        const hop = path.hops[i];
        return (
          <li>
            <span class={i === 0 ? "chip source" : i === path.nodeIds.length - 1 ? "chip target" : "chip"}>
              {node ? <PersonLink person={node} /> : id}
            </span>
            {hop ? (
              <span class="arrow" title={`influences with probability ${hop.probability.toFixed(3)}`}>
                <span class="line" style={{ height: `${1 + Math.round(hop.probability * 6)}px` }} />
                <span class="p">{fmt.pct(hop.probability)}</span>
              </span>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}

function HopTable(props: { path: Path }) {
  const { path } = props;
  return (
    <details class="evidence">
      <summary>Evidence for each hop</summary>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Influencer → influenced</th>
              <th scope="col" class="num">Probability</th>
              <th scope="col" class="num">Replies</th>
              <th scope="col" class="num">Shares</th>
              <th scope="col" class="num">Quotes</th>
              <th scope="col" class="num">Likes</th>
              <th scope="col" class="num">Mentions</th>
              <th scope="col">Follows</th>
              <th scope="col" class="num">Weight / attention</th>
              <th scope="col">Last contact</th>
            </tr>
          </thead>
          <tbody>
            {path.hops.map((hop, i) => (
              <tr>
                <td>
                  {nameOf(path, i)} → {nameOf(path, i + 1)}
                </td>
                <td class="num">{fmt.pct(hop.probability)}</td>
                <td class="num">{hop.evidence.replies}</td>
                <td class="num">{hop.evidence.shares}</td>
                <td class="num">{hop.evidence.quotes}</td>
                <td class="num">{hop.evidence.likes}</td>
                <td class="num">{hop.evidence.mentions}</td>
                <td>{hop.evidence.follows ? "yes" : "no"}</td>
                <td class="num">
                  {fmt.num(hop.evidence.weight, 1)} / {fmt.num(hop.evidence.attention, 1)}
                </td>
                <td>{fmt.date(hop.evidence.lastContact)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
