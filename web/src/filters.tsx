// The filters several views share: brand, channel, time window and analysis level.
// Each reads its choices from the API and keeps its value in the route's parameters.

import type { Route } from "./hooks";
import { setParams, useQuery } from "./hooks";
import { Field } from "./ui";

interface Brands {
  brands: { nodes: { graphId: string; name: string }[] };
}
interface Channels {
  channels: { platform: string; count: number }[];
}

const BRANDS = "query Brands { brands(first: 100) { nodes { graphId name } } }";
const CHANNELS = "query Channels { channels { platform count } }";

export function useBrands() {
  return useQuery<Brands>(BRANDS, {});
}

export function BrandFilter(props: { route: Route; required?: boolean; label?: string }) {
  const q = useBrands();
  const value = props.route.params.get("brand") ?? "";
  const brands = q.data?.brands.nodes ?? [];
  return (
    <Field label={props.label ?? "Brand"}>
      <select
        name="brand"
        value={value}
        disabled={!q.data}
        title={q.error ? `brands could not be loaded: ${q.error.message}` : undefined}
        onChange={(e) => setParams(props.route, { brand: e.currentTarget.value, cursor: null })}
      >
        {props.required ? null : <option value="">All brands</option>}
        {props.required && !value ? <option value="">Choose a brand</option> : null}
        {brands.map((b) => (
          <option value={b.graphId}>{b.name}</option>
        ))}
      </select>
    </Field>
  );
}

export function ChannelFilter(props: { route: Route }) {
  const q = useQuery<Channels>(CHANNELS, {});
  const value = props.route.params.get("channel") ?? "";
  return (
    <Field label="Channel">
      <select
        name="channel"
        value={value}
        disabled={!q.data}
        title={q.error ? `channels could not be loaded: ${q.error.message}` : undefined}
        onChange={(e) => setParams(props.route, { channel: e.currentTarget.value, cursor: null })}
      >
        <option value="">All channels</option>
        {(q.data?.channels ?? []).map((c) => (
          <option value={c.platform}>
            {c.platform} ({c.count})
          </option>
        ))}
      </select>
    </Field>
  );
}

const DAY = 86_400_000;
export const WINDOWS: Record<string, { label: string; days?: number }> = {
  all: { label: "All time" },
  "30d": { label: "Last 30 days", days: 30 },
  "90d": { label: "Last 90 days", days: 90 },
  "365d": { label: "Last 365 days", days: 365 },
  custom: { label: "Custom…" },
};

/** The window's since/until as ISO date-times (undefined: open). Preset windows end
 * at the start of the current day (UTC), so a day's queries share their stored runs. */
export function windowOf(route: Route): { since?: string; until?: string } {
  const choice = route.params.get("window") ?? "all";
  if (choice === "custom") {
    const from = route.params.get("from");
    const to = route.params.get("to");
    return {
      since: from ? `${from}T00:00:00Z` : undefined,
      until: to ? new Date(Date.parse(`${to}T00:00:00Z`) + DAY).toISOString() : undefined,
    };
  }
  const days = WINDOWS[choice]?.days;
  if (!days) return {};
  const today = Math.floor(Date.now() / DAY) * DAY + DAY;
  return { since: new Date(today - days * DAY).toISOString() };
}

export function WindowFilter(props: { route: Route }) {
  const { route } = props;
  const choice = route.params.get("window") ?? "all";
  return (
    <>
      <Field label="Time window">
        <select
          name="window"
          value={choice}
          onChange={(e) => setParams(route, { window: e.currentTarget.value, cursor: null })}
        >
          {Object.entries(WINDOWS).map(([key, w]) => (
            <option value={key}>{w.label}</option>
          ))}
        </select>
      </Field>
      {choice === "custom" ? (
        <>
          <DateFilter route={route} name="from" label="From" />
          <DateFilter route={route} name="to" label="To (inclusive)" />
        </>
      ) : null}
    </>
  );
}

function DateFilter(props: { route: Route; name: string; label: string }) {
  return (
    <Field label={props.label}>
      <input
        type="date"
        name={props.name}
        value={props.route.params.get(props.name) ?? ""}
        onChange={(e) => setParams(props.route, { [props.name]: e.currentTarget.value, cursor: null })}
      />
    </Field>
  );
}

export function LevelFilter(props: { route: Route }) {
  const value = props.route.params.get("level") ?? "ACCOUNT";
  return (
    <Field label="Rank">
      <select
        name="level"
        value={value}
        onChange={(e) => setParams(props.route, { level: e.currentTarget.value, cursor: null })}
      >
        <option value="ACCOUNT">Accounts</option>
        <option value="CUSTOMER">Customers</option>
      </select>
    </Field>
  );
}

/** The scope variables the filters above set, as the API's arguments. */
export function scopeOf(route: Route): Record<string, string | undefined> {
  const p = route.params;
  return {
    brand: p.get("brand") || undefined,
    platform: p.get("channel") || undefined,
    ...windowOf(route),
  };
}
