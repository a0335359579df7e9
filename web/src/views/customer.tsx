// Customer 360: a customer's accounts across channels with each identity link's evidence
// (and unlink, for admins), social capital and advocacy stage, the timeline of their
// interactions, their communities and orders.  An account not linked to a customer gets
// the same page for itself.

import { useEffect, useState } from "preact/hooks";
import { ApiError, gql, globalId } from "../api";
import { BrandFilter } from "../filters";
import type { Route } from "../hooks";
import { href, useQuery } from "../hooks";
import { PersonSearch } from "../search";
import type { Person } from "../ui";
import { Bar, Empty, ErrorBox, fmt, Loaded, Platform, Sentiment } from "../ui";
import { Timeline } from "./timeline";

interface Community {
  graphId: string;
  name: string | null;
  platform: string;
  kind: string | null;
}
interface Account extends Person {
  followers: number | null;
  verified: boolean | null;
  url: string | null;
  communities: Community[];
}
interface Link {
  method: string | null;
  evidence: string | null;
  confidence: number | null;
  at: string | null;
  account: Account;
}
interface Capital {
  stage: string;
  trust: number;
  relationship: number;
  activity: number;
  contribution: number;
  love: number;
  reach: number;
  gravity: number;
  breakdown: {
    brandPosts: number;
    interactionsOut: number;
    interactionsIn: number;
    lastContact: string | null;
    orders: number;
    orderValue: number;
    currencies: string[];
    followers: number;
    communities: number;
  };
}
interface Membership {
  cluster: { key: string; size: number; brandSentiment: number | null; topHashtags: { tag: string }[] };
  run: { algorithm: string | null; level: string | null; brandId: string | null };
  via: Person | null;
}
interface CustomerAnswer {
  access: { role: string };
  customer: null | {
    graphId: string;
    name: string | null;
    tags: string[];
    firstSeen: string | null;
    lastSeen: string | null;
    identityLinks: Link[];
    socialCapital: Capital | null;
    clusters: Membership[];
    orders: { graphId: string; total: number; currency: string | null; createdAt: string | null; brands: { name: string }[] }[];
  };
}
interface AccountAnswer {
  node: null | (Account & { description: string | null; location: string | null; customer: { graphId: string } | null });
}

const ACCOUNT_FIELDS =
  "graphId platform handle name followers verified url communities { graphId name platform kind }";
const CUSTOMER = `query Customer360($id: ID!, $brand: ID) {
  access { role }
  customer(id: $id) {
    graphId name tags firstSeen lastSeen
    identityLinks { method evidence confidence at account { ${ACCOUNT_FIELDS} } }
    socialCapital(brand: $brand) { stage trust relationship activity contribution love reach gravity
      breakdown { brandPosts interactionsOut interactionsIn lastContact orders orderValue currencies followers communities } }
    clusters { cluster { key size brandSentiment topHashtags { tag } } run { algorithm level brandId }
      via { graphId ... on Account { handle platform } } }
    orders { graphId total currency createdAt brands { name } }
  }
}`;
const ACCOUNT = `query Account360($id: ID!) {
  node(id: $id) { ... on Account { ${ACCOUNT_FIELDS} description location customer { graphId } } }
}`;
const UNLINK = `mutation Unlink($customer: ID!, $account: ID!) {
  unlinkIdentity(customer: $customer, account: $account) { restoredTo { graphId name } accounts { graphId } }
}`;
const STAGES = ["PROSPECT", "CUSTOMER", "REPEAT_CUSTOMER", "SUPPORTER", "ADVOCATE"];

export function CustomerView(props: { route: Route }) {
  const { route } = props;
  const [kind, id] = route.path;
  return (
    <section aria-labelledby="customer-title">
      <h1 id="customer-title">Customer 360</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Find a customer">
        <PersonSearch
          label="Find a customer or account"
          onPick={(hit) => {
            const account = hit.node.__typename === "Account";
            const customer = account ? hit.node.customer?.graphId : hit.node.graphId;
            location.hash = customer ? href(["customer", customer]) : href(["account", hit.node.graphId]);
          }}
        />
        {kind === "customer" && id ? <BrandFilter route={route} label="Social capital toward" /> : null}
      </form>
      {!id ? <Empty>Search for a customer, or open one from the influencers, the map or a path.</Empty> : null}
      {id && kind === "customer" ? <CustomerPage id={id} route={route} /> : null}
      {id && kind === "account" ? <AccountPage id={id} /> : null}
    </section>
  );
}

function CustomerPage(props: { id: string; route: Route }) {
  const brand = props.route.params.get("brand") || undefined;
  const q = useQuery<CustomerAnswer>(CUSTOMER, { id: props.id, brand });
  return (
    <Loaded q={q} what="the customer">
      {(data) =>
        data.customer === null ? (
          <Empty>No customer has the id {props.id}.</Empty>
        ) : (
          <div class="c360">
            <header class="person-head">
              <h2>{data.customer.name || data.customer.graphId}</h2>
              <p class="note">
                {data.customer.graphId} · first seen {fmt.date(data.customer.firstSeen)} · last seen{" "}
                {fmt.date(data.customer.lastSeen)}
              </p>
              {data.customer.tags.length ? (
                <ul class="tags" aria-label="tags">
                  {data.customer.tags.map((t) => (
                    <li>{t}</li>
                  ))}
                </ul>
              ) : null}
            </header>
            <div class="grid">
              <Accounts
                customer={data.customer.graphId}
                links={data.customer.identityLinks}
                admin={data.access.role === "admin"}
                changed={q.reload}
              />
              <CapitalCard capital={data.customer.socialCapital} brand={brand} />
              <CommunitiesCard links={data.customer.identityLinks} clusters={data.customer.clusters} />
              <OrdersCard orders={data.customer.orders} />
              <Timeline person={data.customer.graphId} who={data.customer.name ?? undefined} />
            </div>
          </div>
        )
      }
    </Loaded>
  );
}

function AccountPage(props: { id: string }) {
  const q = useQuery<AccountAnswer>(ACCOUNT, { id: globalId("Account", props.id) });
  const linked = q.data?.node?.customer?.graphId;
  useEffect(() => {
    if (linked) location.replace(href(["customer", linked]));
  }, [linked]);
  return (
    <Loaded q={q} what="the account">
      {(data) =>
        data.node === null ? (
          <Empty>No account has the id {props.id}.</Empty>
        ) : linked ? (
          <p class="note">Opening the customer…</p>
        ) : (
          <div class="c360">
            <header class="person-head">
              <h2>
                {data.node.handle || data.node.name || data.node.graphId} <Platform name={data.node.platform ?? ""} />
              </h2>
              <p class="note">
                {data.node.graphId}
                {data.node.followers != null ? ` · ${fmt.int(data.node.followers)} followers` : ""} · not linked to a
                customer yet
              </p>
              {data.node.description ? <p>{data.node.description}</p> : null}
            </header>
            <div class="grid">
              <div class="card">
                <h3>Account</h3>
                <AccountFacts account={data.node} />
              </div>
              <CommunitiesCard links={[{ method: null, evidence: null, confidence: null, at: null, account: data.node }]} clusters={[]} />
              <Timeline person={data.node.graphId} />
            </div>
          </div>
        )
      }
    </Loaded>
  );
}

function AccountFacts(props: { account: Account }) {
  const a = props.account;
  return (
    <dl class="facts">
      <div>
        <dt>Channel</dt>
        <dd>
          <Platform name={a.platform ?? ""} />
        </dd>
      </div>
      <div>
        <dt>Handle</dt>
        <dd>{a.handle ?? "–"}</dd>
      </div>
      <div>
        <dt>Name</dt>
        <dd>{a.name ?? "–"}</dd>
      </div>
      <div>
        <dt>Followers</dt>
        <dd>{fmt.int(a.followers)}</dd>
      </div>
      {a.url ? (
        <div>
          <dt>Profile</dt>
          <dd>
            <a href={a.url} rel="noopener noreferrer" target="_blank">
              {a.url}
            </a>
          </dd>
        </div>
      ) : null}
    </dl>
  );
}

function Accounts(props: { customer: string; links: Link[]; admin: boolean; changed: () => void }) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const [status, setStatus] = useState<{ note?: string; error?: ApiError }>({});
  const unlink = async (account: string) => {
    setConfirming(null);
    setStatus({ note: "Unlinking…" });
    try {
      const result = await gql<{ unlinkIdentity: { restoredTo: { graphId: string; name: string | null } | null; accounts: { graphId: string }[] } }>(
        UNLINK,
        { customer: props.customer, account },
      );
      const moved = result.unlinkIdentity.accounts.map((a) => a.graphId).join(", ");
      const to = result.unlinkIdentity.restoredTo;
      setStatus({ note: `Unlinked ${moved}${to ? `; it went back to ${to.name ?? to.graphId}` : ""}.` });
      props.changed();
    } catch (error) {
      setStatus({ error: error instanceof ApiError ? error : new ApiError("network", String(error)) });
    }
  };
  return (
    <div class="card wide">
      <h3>Accounts across channels</h3>
      {props.links.length === 0 ? <Empty>No accounts linked.</Empty> : null}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Linked by</th>
              <th scope="col">Evidence</th>
              <th scope="col" class="num">Confidence</th>
              <th scope="col">Since</th>
              {props.admin ? <th scope="col"><span class="visually-hidden">Actions</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {props.links.map((link) => {
              const a = link.account;
              return (
                <tr>
                  <td>
                    <Platform name={a.platform ?? ""} /> {a.handle || a.name || a.graphId}
                    {a.followers != null || a.verified ? (
                      <div class="note">
                        {a.followers != null ? `${fmt.int(a.followers)} followers` : ""}
                        {a.verified ? " · verified" : ""}
                      </div>
                    ) : null}
                  </td>
                  <td>{link.method ?? "–"}</td>
                  <td class="evidence-text">{link.evidence ?? "–"}</td>
                  <td class="num">{link.confidence == null ? "–" : fmt.pct(link.confidence)}</td>
                  <td>{fmt.date(link.at)}</td>
                  {props.admin ? (
                    <td>
                      {confirming === a.graphId ? (
                        <span class="confirm">
                          <button type="button" class="danger small" onClick={() => unlink(a.graphId)}>
                            Confirm unlink
                          </button>
                          <button type="button" class="secondary small" onClick={() => setConfirming(null)}>
                            Cancel
                          </button>
                        </span>
                      ) : (
                        <button type="button" class="secondary small" onClick={() => setConfirming(a.graphId)}>
                          Unlink<span class="visually-hidden"> {a.handle ?? a.graphId}</span>
                        </button>
                      )}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p role="status" aria-live="polite" class="note">
        {status.note}
      </p>
      {status.error ? <ErrorBox error={status.error} what="the unlink" /> : null}
    </div>
  );
}

function CapitalCard(props: { capital: Capital | null; brand?: string }) {
  const c = props.capital;
  return (
    <div class="card">
      <h3>Social capital{props.brand ? ` toward ${props.brand}` : ""}</h3>
      {!c ? (
        <Empty>No social capital computed for this customer.</Empty>
      ) : (
        <>
          <ol class="stages" aria-label="advocacy stage">
            {STAGES.map((s) => (
              <li class={s === c.stage ? "current" : STAGES.indexOf(s) < STAGES.indexOf(c.stage) ? "done" : undefined} aria-current={s === c.stage ? "step" : undefined}>
                {s.replace("_", " ").toLowerCase()}
              </li>
            ))}
          </ol>
          <dl class="facts meters">
            <div>
              <dt>Trust</dt>
              <dd>
                <Sentiment value={c.trust} />
              </dd>
            </div>
            {(["relationship", "activity", "contribution"] as const).map((k) => (
              <div>
                <dt>{k}</dt>
                <dd>
                  {fmt.num(c[k], 2)} <Bar value={c[k]} label={`${k} ${fmt.num(c[k], 2)}`} />
                </dd>
              </div>
            ))}
            <div>
              <dt>Love · reach · gravity</dt>
              <dd>
                {fmt.num(c.love, 2)} · {fmt.num(c.reach, 2)} · {fmt.num(c.gravity, 2)}
              </dd>
            </div>
            <div>
              <dt>Interactions out / in</dt>
              <dd>
                {fmt.int(c.breakdown.interactionsOut)} / {fmt.int(c.breakdown.interactionsIn)}
              </dd>
            </div>
            <div>
              <dt>Brand posts</dt>
              <dd>{fmt.int(c.breakdown.brandPosts)}</dd>
            </div>
            <div>
              <dt>Orders</dt>
              <dd>
                {fmt.int(c.breakdown.orders)} ({c.breakdown.orderValue.toFixed(2)} {c.breakdown.currencies.join("/")})
              </dd>
            </div>
            <div>
              <dt>Last contact</dt>
              <dd>{fmt.date(c.breakdown.lastContact)}</dd>
            </div>
          </dl>
        </>
      )}
    </div>
  );
}

function CommunitiesCard(props: { links: Link[]; clusters: Membership[] }) {
  const communities = new Map<string, Community>();
  for (const link of props.links) for (const c of link.account.communities) communities.set(c.graphId, c);
  return (
    <div class="card">
      <h3>Communities</h3>
      {communities.size === 0 && props.clusters.length === 0 ? <Empty>In no community yet.</Empty> : null}
      {communities.size ? (
        <ul class="plain">
          {[...communities.values()].map((c) => (
            <li>
              <Platform name={c.platform} /> {c.name ?? c.graphId} <small>{c.kind}</small>
            </li>
          ))}
        </ul>
      ) : null}
      {props.clusters.length ? (
        <>
          <h4>Detected clusters</h4>
          <ul class="plain">
            {props.clusters.map((m) => (
              <li>
                <a href={href(["communities"], { cluster: m.cluster.key, brand: m.run.brandId, level: m.run.level?.toUpperCase() })}>
                  cluster {m.cluster.key}
                </a>{" "}
                of {fmt.int(m.cluster.size)} ({m.run.algorithm}
                {m.run.brandId ? `, ${m.run.brandId}` : ""}) <Sentiment value={m.cluster.brandSentiment} />
                {m.cluster.topHashtags.length ? <small> #{m.cluster.topHashtags[0].tag}</small> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

function OrdersCard(props: { orders: NonNullable<CustomerAnswer["customer"]>["orders"] }) {
  return (
    <div class="card">
      <h3>Orders</h3>
      {props.orders.length === 0 ? (
        <Empty>No orders.</Empty>
      ) : (
        <ul class="plain">
          {props.orders.map((o) => (
            <li>
              {fmt.date(o.createdAt)} · {o.total.toFixed(2)} {o.currency ?? ""}{" "}
              {o.brands.length ? <small>{o.brands.map((b) => b.name).join(", ")}</small> : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
