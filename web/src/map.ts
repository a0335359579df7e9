// The community map: a graphology graph drawn by sigma.js (WebGL), clusters packed as
// bubbles (circle packing by cluster), node size by influence, colour by cluster.

import Graph from "graphology";
import circlepack from "graphology-layout/circlepack";
import Sigma from "sigma";

export interface MapData {
  level: string;
  nodeIds: string[];
  labels: string[];
  platforms: string[];
  clusters: string[];
  influence: number[];
  edgeSources: number[];
  edgeTargets: number[];
  edgeWeights: number[];
}

export interface MapHandle {
  select(cluster: string | null): void;
  focus(nodeId: string): void;
  zoom(direction: 1 | -1): void;
  pan(dx: number, dy: number): void;
  reset(): void;
  /** Where a node is drawn, in pixels of the map's box (null: not on the map). */
  viewportOf(nodeId: string): { x: number; y: number } | null;
  kill(): void;
}

const PALETTE = [
  "#2563eb", "#db2777", "#16a34a", "#ea580c", "#7c3aed", "#0891b2", "#ca8a04", "#dc2626",
  "#4f46e5", "#059669", "#c026d3", "#65a30d", "#0284c7", "#e11d48", "#9333ea", "#d97706",
];
const OTHER = "#94a3b8";
const FADED = "#e2e8f0";

export function clusterColor(position: number): string {
  return position >= 0 && position < PALETTE.length ? PALETTE[position] : OTHER;
}

/** A seeded random number generator (mulberry32), so a map lays out the same each time. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Whether this browser can draw the map. */
export function webglAvailable(): boolean {
  try {
    const canvas = document.createElement("canvas");
    return Boolean(canvas.getContext("webgl2") ?? canvas.getContext("webgl"));
  } catch {
    return false;
  }
}

export function drawMap(
  container: HTMLElement,
  data: MapData,
  colorOf: (cluster: string) => string,
  onClick: (nodeId: string) => void,
): MapHandle {
  const graph = new Graph({ type: "undirected", multi: false });
  const top = Math.max(...data.influence, 1e-9);
  data.nodeIds.forEach((id, i) => {
    const cluster = data.clusters[i] || "none";
    graph.addNode(id, {
      label: data.labels[i],
      cluster,
      size: 2 + 12 * Math.sqrt(data.influence[i] / top),
      color: colorOf(cluster),
      x: 0,
      y: 0,
    });
  });
  const heaviest = Math.max(...data.edgeWeights, 1e-9);
  for (let j = 0; j < data.edgeSources.length; j++) {
    const source = data.nodeIds[data.edgeSources[j]];
    const target = data.nodeIds[data.edgeTargets[j]];
    graph.addEdge(source, target, { size: 0.3 + 1.5 * (data.edgeWeights[j] / heaviest), color: "#cbd5e1" });
  }
  circlepack.assign(graph, { hierarchyAttributes: ["cluster"], rng: seeded(7) });

  let selected: string | null = null;
  let focused: string | null = null;
  const renderer = new Sigma(graph, container, {
    labelRenderedSizeThreshold: 9,
    // While the camera moves only nodes are drawn: big maps stay fluid on weak GPUs.
    hideEdgesOnMove: true,
    hideLabelsOnMove: true,
    labelFont: 'system-ui, "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif',
    defaultEdgeColor: "#cbd5e1",
    zIndex: true,
    nodeReducer: (node, attrs) => {
      if (node === focused) return { ...attrs, highlighted: true, forceLabel: true, zIndex: 2 };
      if (selected && attrs.cluster !== selected) return { ...attrs, color: FADED, label: "", zIndex: 0 };
      return { ...attrs, zIndex: 1 };
    },
    edgeReducer: (edge, attrs) => {
      if (!selected) return attrs;
      const [s, t] = graph.extremities(edge);
      const inside = graph.getNodeAttribute(s, "cluster") === selected && graph.getNodeAttribute(t, "cluster") === selected;
      return inside ? attrs : { ...attrs, hidden: true };
    },
  });
  renderer.on("clickNode", ({ node }) => onClick(node));
  renderer.on("enterNode", () => container.classList.add("pointing"));
  renderer.on("leaveNode", () => container.classList.remove("pointing"));
  const camera = renderer.getCamera();

  return {
    select(cluster) {
      selected = cluster;
      renderer.refresh({ skipIndexation: true });
    },
    focus(nodeId) {
      if (!graph.hasNode(nodeId)) return;
      focused = nodeId;
      renderer.refresh({ skipIndexation: true });
      const at = renderer.getNodeDisplayData(nodeId);
      if (at) void camera.animate({ x: at.x, y: at.y, ratio: 0.12 }, { duration: 400 });
    },
    zoom(direction) {
      void (direction > 0 ? camera.animatedZoom({ duration: 200 }) : camera.animatedUnzoom({ duration: 200 }));
    },
    pan(dx, dy) {
      const state = camera.getState();
      camera.setState({ x: state.x + dx * state.ratio, y: state.y + dy * state.ratio });
    },
    reset() {
      focused = null;
      renderer.refresh({ skipIndexation: true });
      void camera.animatedReset({ duration: 300 });
    },
    viewportOf(nodeId) {
      const at = graph.hasNode(nodeId) ? renderer.getNodeDisplayData(nodeId) : undefined;
      return at ? renderer.framedGraphToViewport(at) : null;
    },
    kill() {
      renderer.kill();
    },
  };
}
