// Hooks the views share: a query that retries by itself while the API is away, the
// current route (location.hash), and the API key state.

import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError, auth, gql, onAuthChange } from "./api";

export const RETRY_MS = 3000;

export interface QueryState<T> {
  data?: T;
  error?: ApiError;
  loading: boolean;
  reload: () => void;
}

/** Re-render when the API key changes or the API asks for one. */
export function useAuthEpoch(): number {
  const [, setTick] = useState(0);
  useEffect(() => onAuthChange(() => setTick((t) => t + 1)), []);
  return auth.epoch;
}

/**
 * Run ``query`` with ``variables`` (null: not yet) and keep its answer.  A transient
 * failure (server down, database away) is retried every few seconds until it works; an
 * answer needing an API key is retried when a key is entered.
 */
export function useQuery<T>(
  query: string,
  variables: Record<string, unknown> | null,
): QueryState<T> {
  const epoch = useAuthEpoch();
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({
    loading: variables !== null,
  });
  const [attempt, setAttempt] = useState(0);
  const key = variables === null ? null : JSON.stringify(variables);
  const reload = useCallback(() => setAttempt((a) => a + 1), []);

  useEffect(() => {
    if (key === null) {
      setState({ loading: false });
      return;
    }
    const controller = new AbortController();
    let timer: number | undefined;
    setState((s) => ({ data: s.data, error: s.error, loading: true }));
    gql<T>(query, JSON.parse(key) as Record<string, unknown>, controller.signal).then(
      (data) => setState({ data, loading: false }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const failure =
          error instanceof ApiError ? error : new ApiError("network", String(error));
        setState({ error: failure, loading: false });
        if (failure.transient) timer = window.setTimeout(reload, RETRY_MS);
      },
    );
    return () => {
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [query, key, attempt, epoch]);

  return { ...state, reload };
}

export interface Route {
  path: string[];
  params: URLSearchParams;
}

function parseHash(): Route {
  const raw = location.hash.replace(/^#\/?/, "");
  const [path, search = ""] = raw.split("?", 2);
  return {
    path: path.split("/").filter(Boolean).map(decodeURIComponent),
    params: new URLSearchParams(search),
  };
}

/** The route in ``location.hash``: "#/view/part?param=value". */
export function useRoute(): Route {
  const [route, setRoute] = useState(parseHash);
  useEffect(() => {
    const update = () => setRoute(parseHash());
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}

export function href(path: string[], params: Record<string, string | null | undefined> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  const query = search.toString();
  return `#/${path.map(encodeURIComponent).join("/")}${query ? `?${query}` : ""}`;
}

/** Change some parameters of the current route (others stay), as a new history entry. */
export function setParams(route: Route, changes: Record<string, string | null | undefined>): void {
  const params: Record<string, string> = Object.fromEntries(route.params.entries());
  for (const [name, value] of Object.entries(changes)) {
    if (value) params[name] = value;
    else delete params[name];
  }
  location.hash = href(route.path, params);
}

/** ``value``, once it has stopped changing for ``ms`` milliseconds. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** The previous non-undefined value (keeps a view steady while the next page loads). */
export function useLatest<T>(value: T | undefined): T | undefined {
  const kept = useRef<T | undefined>(value);
  if (value !== undefined) kept.current = value;
  return kept.current;
}
