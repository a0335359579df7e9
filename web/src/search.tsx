// Search as you type for a customer or an account (an ARIA combobox over `search`).

import { useState } from "preact/hooks";
import { useDebounced, useQuery } from "./hooks";
import type { Person } from "./ui";
import { personName, Platform } from "./ui";

export interface Hit {
  kind: string;
  matched: string;
  node: Person & { customer?: { graphId: string; name: string | null } | null };
}
interface Answer {
  search: { nodes: Hit[] };
}

const SEARCH = `query FindPerson($text: String!) {
  search(text: $text, kinds: [CUSTOMER, ACCOUNT], first: 8) {
    nodes { kind matched node { __typename graphId
      ... on Customer { name }
      ... on Account { handle name platform customer { graphId name } } } }
  }
}`;

let counter = 0;

export function PersonSearch(props: { label: string; onPick: (hit: Hit) => void; placeholder?: string }) {
  const [id] = useState(() => `person-search-${++counter}`);
  const [text, setText] = useState("");
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);
  const settled = useDebounced(text.trim(), 200);
  const q = useQuery<Answer>(SEARCH, settled.length >= 1 ? { text: settled } : null);
  const hits = settled ? (q.data?.search.nodes ?? []) : [];
  const expanded = open && settled.length > 0;

  const choose = (hit: Hit | undefined) => {
    if (!hit) return;
    setOpen(false);
    setText(personName(hit.node));
    props.onPick(hit);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(a + 1, hits.length - 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (expanded) choose(hits[active]);
    } else if (e.key === "Escape") {
      setOpen(false);
    }
  };

  return (
    <div class="combobox">
      <label for={`${id}-input`}>{props.label}</label>
      <input
        id={`${id}-input`}
        type="text"
        role="combobox"
        autocomplete="off"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={`${id}-list`}
        aria-activedescendant={expanded && hits[active] ? `${id}-opt-${active}` : undefined}
        placeholder={props.placeholder ?? "name or handle"}
        value={text}
        onInput={(e) => {
          setText(e.currentTarget.value);
          setActive(0);
          setOpen(true);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => window.setTimeout(() => setOpen(false), 150)}
        onFocus={() => setOpen(true)}
      />
      <ul id={`${id}-list`} role="listbox" aria-label={`${props.label}: matches`} hidden={!expanded}>
        {q.loading && hits.length === 0 ? (
          <li class="note" role="presentation">
            Searching…
          </li>
        ) : null}
        {q.error ? (
          <li class="note error-text" role="presentation">
            Search failed: {q.error.message}
          </li>
        ) : null}
        {!q.loading && !q.error && hits.length === 0 ? (
          <li class="note" role="presentation">
            Nobody matches “{settled}”.
          </li>
        ) : null}
        {hits.map((hit, i) => (
          <li
            id={`${id}-opt-${i}`}
            role="option"
            aria-selected={i === active}
            class={i === active ? "active" : undefined}
            onMouseDown={(e) => {
              e.preventDefault();
              choose(hit);
            }}
          >
            <span class="hit-name">{personName(hit.node)}</span>
            {hit.node.platform ? <Platform name={hit.node.platform} /> : <span class="kind">customer</span>}
            {hit.node.customer?.name ? <small> · {hit.node.customer.name}</small> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
