// The explorer's shell: navigation, the API key prompt, and the view the route names.

import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { apiKey, auth, setApiKey } from "./api";
import { useAuthEpoch, useRoute } from "./hooks";
import "./style.css";
import { Communities } from "./views/communities";
import { CustomerView } from "./views/customer";
import { Influencers } from "./views/influencers";
import { Listening } from "./views/listening";
import { Paths } from "./views/paths";

const VIEWS = [
  { path: "influencers", label: "Influencers" },
  { path: "communities", label: "Communities" },
  { path: "paths", label: "Advocacy paths" },
  { path: "customer", label: "Customer 360" },
  { path: "listening", label: "Listening" },
];

function App() {
  const route = useRoute();
  const view = route.path[0] ?? "influencers";
  const main = useRef<HTMLElement>(null);
  const current = VIEWS.find((v) => v.path === view || (view === "account" && v.path === "customer"));
  useEffect(() => {
    document.title = `${current?.label ?? "Not found"} · scrm-graph explorer`;
  }, [current]);
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); main.current?.focus(); }}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/influencers">
          scrm<span>graph</span>
        </a>
        <nav aria-label="Views">
          <ul>
            {VIEWS.map((v) => (
              <li>
                <a href={`#/${v.path}`} aria-current={current === v ? "page" : undefined}>
                  {v.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <KeyStatus />
      </header>
      <KeyPrompt />
      <main id="main" ref={main} tabIndex={-1}>
        {view === "influencers" ? <Influencers route={route} /> : null}
        {view === "communities" ? <Communities route={route} /> : null}
        {view === "paths" ? <Paths route={route} /> : null}
        {view === "customer" || view === "account" ? <CustomerView route={route} /> : null}
        {view === "listening" ? <Listening route={route} /> : null}
        {!current ? (
          <section>
            <h1>Not found</h1>
            <p>
              There is no view “{view}”. <a href="#/influencers">Go to the influencers.</a>
            </p>
          </section>
        ) : null}
      </main>
    </>
  );
}

function KeyStatus() {
  useAuthEpoch();
  if (!apiKey()) return null;
  return (
    <button type="button" class="secondary small key-status" onClick={() => setApiKey(null)}>
      Forget API key
    </button>
  );
}

/** Asks for an API key when the API wants one; kept for the browser session. */
function KeyPrompt() {
  useAuthEpoch();
  const [value, setValue] = useState("");
  const input = useRef<HTMLInputElement>(null);
  const needed = auth.needed;
  useEffect(() => {
    if (needed) input.current?.focus();
  }, [needed]);
  if (!needed) return null;
  const hadKey = Boolean(apiKey());
  return (
    <form
      class="key-prompt"
      aria-labelledby="key-title"
      onSubmit={(e) => {
        e.preventDefault();
        if (value.trim()) setApiKey(value.trim());
        setValue("");
      }}
    >
      <div role="alert">
        <h2 id="key-title">{hadKey ? "This API key was refused" : "This scrm-graph API needs an API key"}</h2>
        <p>
          The server said: {needed}. Ask an administrator for a key (<code>scrm keys create --role viewer</code>);
          it is kept only for this browser session.
        </p>
      </div>
      <label>
        <span>API key</span>
        <input ref={input} type="password" name="api-key" autocomplete="off" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
      </label>
      <button type="submit">Use this key</button>
    </form>
  );
}

render(<App />, document.getElementById("app")!);
