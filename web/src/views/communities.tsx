// Communities: the map of a community analysis (WebGL), clusters coloured, nodes sized by
// influence; zoom, pan and search; a cluster's panel; a click on a node opens its customer.

import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { BrandFilter, ChannelFilter, LevelFilter, scopeOf, WindowFilter } from "../filters";
import type { Route } from "../hooks";
import { href, setParams, useDebounced, useQuery } from "../hooks";
import type { MapData, MapHandle } from "../map";
import { clusterColor, drawMap, webglAvailable } from "../map";
import type { Person } from "../ui";
import { Bar, Empty, ErrorBox, Field, fmt, Loaded, Loading, PersonLink, Platform, Sentiment } from "../ui";

interface Cluster {
  key: string;
  size: number;
  density: number;
  brandSentiment: number | null;
  sentimentPosts: number;
  topHashtags: { tag: string; count: number }[];
  channels: { platform: string; count: number }[];
  leaders: Person[];
}
interface Clusters {
  clusters: null | {
    graphId: string;
    algorithm: string;
    modularity: number | null;
    clusterCount: number | null;
    nodeCount: number;
    edgeCount: number;
    clusters: { totalCount: number; nodes: Cluster[] };
  };
}
interface MapAnswer {
  communityMap: MapData & { edgeCount: number };
}

const ARGS =
  "$brand: ID, $platform: String, $since: DateTime, $until: DateTime, $level: Level!, $algorithm: ClusterAlgorithm!";
const SCOPE =
  "brand: $brand, platform: $platform, since: $since, until: $until, level: $level, algorithm: $algorithm";
const CLUSTERS = `query Clusters(${ARGS}) {
  clusters(${SCOPE}) {
    graphId algorithm modularity clusterCount nodeCount edgeCount
    clusters(first: 100) { totalCount nodes {
      key size density brandSentiment sentimentPosts
      topHashtags { tag count } channels { platform count }
      leaders { __typename graphId ... on Account { handle name platform } ... on Customer { name } }
    } }
  }
}`;
const MAP = `query CommunityMap(${ARGS}, $maxEdges: Int!) {
  communityMap(${SCOPE}, maxEdges: $maxEdges) {
    level edgeCount nodeIds labels platforms clusters influence edgeSources edgeTargets edgeWeights
  }
}`;
const MAX_EDGES = 30000;

export function Communities(props: { route: Route }) {
  const { route } = props;
  const variables = {
    ...scopeOf(route),
    level: route.params.get("level") ?? "ACCOUNT",
    algorithm: route.params.get("algorithm") ?? "LEIDEN",
  };
  const clusters = useQuery<Clusters>(CLUSTERS, variables);
  const selected = route.params.get("cluster");
  const run = clusters.data?.clusters;
  const positions = useMemo(() => new Map((run?.clusters.nodes ?? []).map((c, i) => [c.key, i])), [run]);
  const colorOf = (key: string) => clusterColor(positions.get(key) ?? -1);
  return (
    <section aria-labelledby="communities-title">
      <h1 id="communities-title">Communities</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <BrandFilter route={route} />
        <ChannelFilter route={route} />
        <WindowFilter route={route} />
        <LevelFilter route={route} />
        <Field label="Algorithm">
          <select
            name="algorithm"
            value={variables.algorithm}
            onChange={(e) => setParams(route, { algorithm: e.currentTarget.value, cluster: null })}
          >
            <option value="LEIDEN">Leiden</option>
            <option value="LOUVAIN">Louvain</option>
            <option value="LABEL_PROPAGATION">Label propagation</option>
          </select>
        </Field>
      </form>
      <Loaded q={clusters} what="the community analysis">
        {(data) =>
          data.clusters === null ? (
            <Empty>Nothing to cluster: no engagement or follows match these filters.</Empty>
          ) : (
            <>
              <p class="summary">
                {fmt.int(data.clusters.nodeCount)} {variables.level === "CUSTOMER" ? "customers" : "accounts"},{" "}
                {fmt.int(data.clusters.edgeCount)} links, {fmt.int(data.clusters.clusterCount)} clusters
                (modularity {fmt.num(data.clusters.modularity)}, {data.clusters.algorithm})
              </p>
              <div class="columns map-columns">
                <div class="main-column">
                  <MapPanel variables={variables} colorOf={colorOf} selected={selected} route={route} />
                </div>
                <aside class="side-column" aria-label="Clusters">
                  {selected ? (
                    <ClusterPanel
                      cluster={data.clusters.clusters.nodes.find((c) => c.key === selected)}
                      color={colorOf(selected)}
                      close={() => setParams(route, { cluster: null })}
                    />
                  ) : null}
                  <ClusterList clusters={data.clusters.clusters.nodes} colorOf={colorOf} route={route} />
                </aside>
              </div>
            </>
          )
        }
      </Loaded>
    </section>
  );
}

function MapPanel(props: {
  variables: Record<string, unknown>;
  colorOf: (key: string) => string;
  selected: string | null;
  route: Route;
}) {
  const q = useQuery<MapAnswer>(MAP, { ...props.variables, maxEdges: MAX_EDGES });
  const container = useRef<HTMLDivElement>(null);
  const handle = useRef<MapHandle | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const data = q.data?.communityMap;

  useEffect(() => {
    if (!data || !container.current) return;
    if (!webglAvailable()) {
      setFailure("This browser cannot draw the map: WebGL is not available. The clusters are listed beside.");
      return;
    }
    try {
      const level = data.level;
      handle.current = drawMap(container.current, data, props.colorOf, (id) => {
        location.hash = href([level === "customer" ? "customer" : "account", id]);
      });
      setFailure(null);
    } catch (error) {
      setFailure(`The map could not be drawn: ${String(error)}`);
    }
    (window as unknown as { scrmMap?: MapHandle | null }).scrmMap = handle.current;
    return () => {
      handle.current?.kill();
      handle.current = null;
    };
  }, [data]);

  useEffect(() => handle.current?.select(props.selected), [props.selected, data]);

  const onKey = (e: KeyboardEvent) => {
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-40, 0],
      ArrowRight: [40, 0],
      ArrowUp: [0, 40],
      ArrowDown: [0, -40],
    };
    const move = moves[e.key];
    if (move) {
      e.preventDefault();
      handle.current?.pan(move[0] / 400, move[1] / 400);
    } else if (e.key === "+" || e.key === "=") handle.current?.zoom(1);
    else if (e.key === "-") handle.current?.zoom(-1);
  };

  return (
    <div class="map-panel">
      <div class="map-tools">
        {data ? <NodeSearch data={data} onPick={(id) => pick(id, data, props.route, handle.current)} /> : null}
        <div class="zoom" role="group" aria-label="Zoom">
          <button type="button" class="secondary" onClick={() => handle.current?.zoom(1)} aria-label="Zoom in">
            +
          </button>
          <button type="button" class="secondary" onClick={() => handle.current?.zoom(-1)} aria-label="Zoom out">
            −
          </button>
          <button type="button" class="secondary" onClick={() => handle.current?.reset()}>
            Reset view
          </button>
        </div>
      </div>
      {q.error ? <ErrorBox error={q.error} what="the community map" retry={q.reload} /> : null}
      {!data && !q.error ? <Loading what="the community map" /> : null}
      {failure ? <div class="error" role="alert">{failure}</div> : null}
      {data ? (
        <p class="map-note">
          {fmt.int(data.nodeIds.length)} nodes, {fmt.int(data.edgeSources.length)}
          {data.edgeCount > data.edgeSources.length ? ` strongest of ${fmt.int(data.edgeCount)}` : ""} links.
          Drag to pan, scroll to zoom; click a node to open its customer.
        </p>
      ) : null}
      <div
        ref={container}
        class="map"
        tabIndex={0}
        role="application"
        aria-roledescription="community map"
        aria-label="Community map: arrow keys pan, plus and minus zoom"
        onKeyDown={onKey}
        hidden={!data || Boolean(failure)}
      />
    </div>
  );
}

function pick(id: string, data: MapData, route: Route, handle: MapHandle | null) {
  const index = data.nodeIds.indexOf(id);
  if (index >= 0 && data.clusters[index]) setParams(route, { cluster: data.clusters[index] });
  handle?.focus(id);
}

function NodeSearch(props: { data: MapData; onPick: (id: string) => void }) {
  const [text, setText] = useState("");
  const query = useDebounced(text.trim().toLowerCase(), 120);
  const matches = useMemo(() => {
    if (!query) return [];
    const found: number[] = [];
    for (let i = 0; i < props.data.labels.length && found.length < 8; i++) {
      if (props.data.labels[i].toLowerCase().includes(query) || props.data.nodeIds[i].toLowerCase() === query) found.push(i);
    }
    return found;
  }, [query, props.data]);
  return (
    <div class="node-search">
      <Field label="Find on the map">
        <input
          type="search"
          name="find"
          value={text}
          placeholder="handle or name"
          autocomplete="off"
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && matches.length) props.onPick(props.data.nodeIds[matches[0]]);
          }}
        />
      </Field>
      {query ? (
        <ul class="matches" aria-label="Matches on the map">
          {matches.length === 0 ? <li class="empty">No node matches “{text}”.</li> : null}
          {matches.map((i) => (
            <li>
              <button type="button" class="link" onClick={() => props.onPick(props.data.nodeIds[i])}>
                {props.data.labels[i]} <Platform name={props.data.platforms[i]} /> <small>{props.data.clusters[i]}</small>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function ClusterList(props: { clusters: Cluster[]; colorOf: (key: string) => string; route: Route }) {
  const selected = props.route.params.get("cluster");
  return (
    <div class="cluster-list">
      <h2 id="cluster-list-title">Clusters</h2>
      <ul aria-labelledby="cluster-list-title">
        {props.clusters.map((c) => (
          <li>
            <button
              type="button"
              class={selected === c.key ? "cluster-button current" : "cluster-button"}
              aria-pressed={selected === c.key}
              onClick={() => setParams(props.route, { cluster: selected === c.key ? null : c.key })}
            >
              <span class="swatch" style={{ background: props.colorOf(c.key) }} aria-hidden="true" />
              <span class="ckey">{c.key}</span>
              <span class="size">{fmt.int(c.size)}</span>
              <span class="tags">{c.topHashtags.slice(0, 2).map((h) => `#${h.tag}`).join(" ")}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function ClusterPanel(props: { cluster?: Cluster; color: string; close: () => void }) {
  const c = props.cluster;
  if (!c) return <Empty>That cluster is not in this analysis.</Empty>;
  const members = c.channels.reduce((n, ch) => n + ch.count, 0) || 1;
  return (
    <div class="cluster-panel" aria-labelledby="cluster-title" style={{ borderColor: props.color }}>
      <div class="panel-head">
        <h2 id="cluster-title">
          <span class="swatch" style={{ background: props.color }} aria-hidden="true" /> Cluster {c.key}
        </h2>
        <button type="button" class="secondary small" onClick={props.close}>
          Close
        </button>
      </div>
      <dl class="facts">
        <div>
          <dt>Size</dt>
          <dd>{fmt.int(c.size)}</dd>
        </div>
        <div>
          <dt>Density</dt>
          <dd>{fmt.num(c.density)}</dd>
        </div>
        <div>
          <dt>Brand sentiment</dt>
          <dd>
            <Sentiment value={c.brandSentiment} /> <small>({fmt.int(c.sentimentPosts)} posts)</small>
          </dd>
        </div>
      </dl>
      <h3>Leaders</h3>
      <ol class="leaders">
        {c.leaders.map((p) => (
          <li>
            <PersonLink person={p} />
          </li>
        ))}
      </ol>
      <h3>Hashtags</h3>
      {c.topHashtags.length ? (
        <ul class="tags">
          {c.topHashtags.map((h) => (
            <li>
              #{h.tag} <small>{fmt.int(h.count)}</small>
            </li>
          ))}
        </ul>
      ) : (
        <Empty>No hashtags.</Empty>
      )}
      <h3>Channel mix</h3>
      <ul class="channel-mix">
        {c.channels.map((ch) => (
          <li>
            <Platform name={ch.platform} /> <Bar value={ch.count / members} label={`${ch.platform} ${fmt.pct(ch.count / members)}`} />{" "}
            {fmt.int(ch.count)}
          </li>
        ))}
      </ul>
    </div>
  );
}
