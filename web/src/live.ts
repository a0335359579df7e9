// A subscription over the graphql-transport-ws protocol, reconnecting while the API is away.

import { socketAuth, socketUrl } from "./api";

export type LiveStatus = "connecting" | "live" | "reconnecting" | "refused";

const RECONNECT_MS = 2000;

/** Subscribe; ``onData`` gets each ``next`` payload's data.  Returns the unsubscribe. */
export function subscribe<T>(
  query: string,
  variables: Record<string, unknown>,
  onData: (data: T) => void,
  onStatus: (status: LiveStatus, detail?: string) => void,
): () => void {
  let socket: WebSocket | null = null;
  let closed = false;
  let timer: number | undefined;

  const connect = () => {
    onStatus(socket === null ? "connecting" : "reconnecting");
    const ws = new WebSocket(socketUrl(), "graphql-transport-ws");
    socket = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: "connection_init", payload: socketAuth() }));
    ws.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as { type: string; payload?: unknown };
      if (message.type === "connection_ack") {
        ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query, variables } }));
        onStatus("live");
      } else if (message.type === "next") {
        const payload = message.payload as { data?: T; errors?: { message: string }[] };
        if (payload.data) onData(payload.data);
        else if (payload.errors) onStatus("refused", payload.errors.map((e) => e.message).join("; "));
      } else if (message.type === "error") {
        const errors = message.payload as { message: string }[];
        closed = true;
        onStatus("refused", errors.map((e) => e.message).join("; "));
        ws.close();
      } else if (message.type === "ping") {
        ws.send(JSON.stringify({ type: "pong" }));
      }
    };
    ws.onclose = (event) => {
      if (closed) return;
      if (event.code === 4403) {
        onStatus("refused", "the API key was refused");
        return;
      }
      onStatus("reconnecting");
      timer = window.setTimeout(connect, RECONNECT_MS);
    };
  };
  connect();

  return () => {
    closed = true;
    window.clearTimeout(timer);
    if (socket && socket.readyState <= WebSocket.OPEN) {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ id: "1", type: "complete" }));
      socket.close();
    }
  };
}
