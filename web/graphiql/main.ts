// GraphiQL for the scrm-graph API, bundled with the explorer so that it loads nothing from
// other hosts.  Queries and mutations go to /graphql over POST; subscriptions over
// graphql-transport-ws at the same path.  Both send the headers of GraphiQL's headers
// editor (the API key goes there as "Authorization": "Bearer <key>").
import "graphiql/graphiql.css";
import { GraphiQL, type GraphiQLProps } from "graphiql";
import { getOperationAST, parse, type OperationDefinitionNode } from "graphql";
import { createClient, type Client } from "graphql-ws";
import { createElement } from "react";
import { createRoot } from "react-dom/client";

type Fetcher = GraphiQLProps["fetcher"];
type Headers = Record<string, string>;

const ENDPOINT = new URL("/graphql", location.href);
const SOCKET = new URL(ENDPOINT);
SOCKET.protocol = ENDPOINT.protocol === "https:" ? "wss:" : "ws:";
// The explorer keeps the API key entered there in this browser session.
const EXPLORER_KEY = "scrm.apiKey";

const DEFAULT_QUERY = `# scrm-graph GraphQL API.  When the API needs a key, put it in Headers below:
#   { "Authorization": "Bearer <key>" }
# Run with Ctrl-Enter.

{
  graphStats {
    totalNodes
  }
}
`;

function stringHeaders(headers: Record<string, unknown> | undefined): Headers {
  const out: Headers = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined && value !== null) out[name] = String(value);
  }
  return out;
}

async function overHttp(body: unknown, headers: Headers): Promise<unknown> {
  const response = await fetch(ENDPOINT, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/graphql-response+json, application/json",
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 500)}` }] };
  }
}

// One socket for the current headers: a new key in the editor opens a new connection,
// since the server reads the key once, from connection_init.
let socket: { client: Client; headers: string } | null = null;

function socketFor(headers: Headers): Client {
  const signature = JSON.stringify(headers);
  if (socket?.headers !== signature) {
    void socket?.client.dispose();
    socket = {
      client: createClient({ url: SOCKET.href, connectionParams: headers, lazy: true }),
      headers: signature,
    };
  }
  return socket.client;
}

/** The operation to run; none when the document does not parse (the server says why). */
function operationOf(
  query: string,
  name: string | null | undefined,
): OperationDefinitionNode | null | undefined {
  try {
    return getOperationAST(parse(query), name ?? undefined);
  } catch {
    return null;
  }
}

const fetcher: Fetcher = (params, opts) => {
  const headers = stringHeaders(opts?.headers);
  if (operationOf(params.query, params.operationName)?.operation === "subscription") {
    return socketFor(headers).iterate({
      query: params.query,
      variables: params.variables ?? undefined,
      operationName: params.operationName ?? undefined,
    }) as AsyncIterable<never>;
  }
  return overHttp(params, headers) as Promise<never>;
};

function explorerHeaders(): string | undefined {
  try {
    const key = sessionStorage.getItem(EXPLORER_KEY);
    return key ? JSON.stringify({ Authorization: `Bearer ${key}` }, null, 2) : undefined;
  } catch {
    return undefined; // storage blocked: start with no headers
  }
}

const root = document.getElementById("graphiql");
if (root) {
  createRoot(root).render(
    createElement(GraphiQL, {
      fetcher,
      defaultQuery: DEFAULT_QUERY,
      defaultHeaders: explorerHeaders(),
      defaultEditorToolsVisibility: "headers",
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    }),
  );
}
