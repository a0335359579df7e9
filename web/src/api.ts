// GraphQL over HTTP to the scrm-graph API at /graphql, with the API key kept in the
// browser session (sessionStorage) and sent as "Authorization: Bearer <key>".

export type ErrorKind = "network" | "auth" | "server" | "query";

export class ApiError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly code?: string,
    readonly status?: number,
  ) {
    super(message);
  }

  /** Worth trying again by itself: the server or its database may come back. */
  get transient(): boolean {
    return (
      this.kind === "network" ||
      this.kind === "server" ||
      this.code === "DATABASE_UNAVAILABLE" ||
      this.code === "TIMEOUT"
    );
  }
}

const KEY_ITEM = "scrm.apiKey";

type Listener = () => void;
const listeners = new Set<Listener>();

/** Why the API refused the last request for want of a key (null: it did not). */
export const auth = { needed: null as string | null, epoch: 0 };

export function onAuthChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify(): void {
  for (const listener of listeners) listener();
}

export function apiKey(): string | null {
  try {
    return sessionStorage.getItem(KEY_ITEM);
  } catch {
    return null;
  }
}

/** Keep (or forget, with null) the API key for this browser session; queries re-run. */
export function setApiKey(key: string | null): void {
  try {
    if (key) sessionStorage.setItem(KEY_ITEM, key.trim());
    else sessionStorage.removeItem(KEY_ITEM);
  } catch {
    // Storage may be disabled; the key then lasts until the page reloads.
  }
  auth.needed = null;
  auth.epoch += 1;
  notify();
}

function authHeader(): Record<string, string> {
  const key = apiKey();
  return key ? { authorization: `Bearer ${key}` } : {};
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

const STATUS_TEXT: Record<number, string> = {
  502: "the server behind this address is not answering",
  503: "the graph database is unavailable; try again shortly",
  504: "the server took too long to answer",
};

/** Run a query or mutation; resolves to its data or rejects with an ApiError. */
export async function gql<T>(
  query: string,
  variables: Record<string, unknown> = {},
  signal?: AbortSignal,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json, application/json",
        ...authHeader(),
      },
      body: JSON.stringify({ query, variables }),
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(
      "network",
      "Cannot reach the scrm-graph API. Is the server running?",
    );
  }
  let body: GraphQLResponse<T>;
  try {
    body = (await response.json()) as GraphQLResponse<T>;
  } catch {
    const reason = STATUS_TEXT[response.status] ?? `it answered HTTP ${response.status}`;
    throw new ApiError("server", `The API did not answer as expected: ${reason}.`, undefined, response.status);
  }
  const first = body.errors?.[0];
  const code = first?.extensions?.code;
  if (response.status === 401 || code === "UNAUTHENTICATED") {
    const message = first?.message ?? "an API key is required";
    auth.needed = message;
    notify();
    throw new ApiError("auth", `The API needs a valid API key: ${message}.`, code, 401);
  }
  if (first || body.data == null) {
    const message = body.errors?.map((e) => e.message).join("; ") ?? "no data in the answer";
    const kind = response.status >= 500 ? "server" : "query";
    throw new ApiError(kind, message, code, response.status);
  }
  return body.data;
}

/** The WebSocket URL of the API (graphql-transport-ws). */
export function socketUrl(): string {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}/graphql`;
}

/** The connection_init payload: the API key, when there is one. */
export function socketAuth(): Record<string, string> {
  const key = apiKey();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

/** The Relay global id of a graph node: base64 of "<Type>:<graph id>" (UTF-8). */
export function globalId(type: string, graphId: string): string {
  const bytes = new TextEncoder().encode(`${type}:${graphId}`);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
