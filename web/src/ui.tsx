// Small pieces every view uses: loading and error states, labelled fields, links to
// people, badges and number formats.

import type { ComponentChildren } from "preact";
import type { QueryState } from "./hooks";
import { href, RETRY_MS } from "./hooks";

/** Loading and error states of a query; renders ``children`` only once data is there. */
export function Loaded<T>(props: {
  q: QueryState<T>;
  what: string;
  children: (data: T) => ComponentChildren;
}) {
  const { q, what } = props;
  if (q.error) return <ErrorBox error={q.error} what={what} retry={q.reload} />;
  if (q.data === undefined) return <Loading what={what} />;
  return (
    <div class={q.loading ? "stale" : undefined} aria-busy={q.loading}>
      {props.children(q.data)}
    </div>
  );
}

export function Loading(props: { what: string }) {
  return (
    <p class="loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" /> Loading {props.what}…
    </p>
  );
}

export function ErrorBox(props: {
  error: { message: string; transient?: boolean; kind?: string };
  what: string;
  retry?: () => void;
}) {
  const { error } = props;
  return (
    <div class="error" role="alert">
      <strong>Could not load {props.what}.</strong> <span class="message">{error.message}</span>
      {error.transient ? (
        <span class="hint"> Trying again every {RETRY_MS / 1000} s.</span>
      ) : null}
      {props.retry ? (
        <button type="button" class="secondary" onClick={props.retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function Field(props: { label: string; children: ComponentChildren; wide?: boolean }) {
  return (
    <label class={props.wide ? "field wide" : "field"}>
      <span>{props.label}</span>
      {props.children}
    </label>
  );
}

export interface Person {
  __typename?: string;
  graphId: string;
  name?: string | null;
  handle?: string | null;
  platform?: string | null;
}

export function personName(p: Person): string {
  if (p.handle) return p.platform === "twitter" ? `@${p.handle}` : p.handle;
  return p.name || p.graphId;
}

/** A link to a person's Customer 360 (customer, or an account not linked to one). */
export function PersonLink(props: { person: Person }) {
  const p = props.person;
  const kind = p.__typename === "Customer" || p.graphId.startsWith("customer:") ? "customer" : "account";
  const label = personName(p);
  return (
    <a href={href([kind, p.graphId])} class="person">
      {label}
      {p.platform ? <Platform name={p.platform} /> : null}
    </a>
  );
}

export function Platform(props: { name: string }) {
  return <span class={`platform p-${props.name.replace(/[^a-z0-9-]/gi, "")}`}>{props.name}</span>;
}

export function Sentiment(props: { value: number | null | undefined }) {
  const v = props.value;
  if (v == null) return <span class="sentiment none">–</span>;
  const tone = v > 0.05 ? "positive" : v < -0.05 ? "negative" : "neutral";
  return (
    <span class={`sentiment ${tone}`} title={`sentiment ${v.toFixed(3)} (${tone})`}>
      {v > 0 ? "+" : ""}
      {v.toFixed(2)}
    </span>
  );
}

/** A horizontal bar for a share in [0, 1]. */
export function Bar(props: { value: number; label: string; tone?: string }) {
  const pct = Math.max(0, Math.min(1, props.value)) * 100;
  return (
    <span
      class={`bar ${props.tone ?? ""}`}
      role="meter"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(pct)}
    >
      <span style={{ width: `${pct}%` }} />
    </span>
  );
}

const numbers = new Intl.NumberFormat("en");
export const fmt = {
  int: (n: number | null | undefined) => (n == null ? "–" : numbers.format(n)),
  num: (n: number | null | undefined, digits = 3) => (n == null ? "–" : n.toFixed(digits)),
  pct: (n: number | null | undefined) => (n == null ? "–" : `${(n * 100).toFixed(1)}%`),
  date: (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : "–"),
  time: (iso: string | null | undefined) => (iso ? iso.slice(0, 16).replace("T", " ") : "–"),
};

export function Empty(props: { children: ComponentChildren }) {
  return <p class="empty">{props.children}</p>;
}
