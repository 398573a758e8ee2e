// Who may do what on NATS. Every service connects as its own identity (an nkey user of the one
// Baton account) and gets the least subject permissions it needs, derived here from Baton's
// subject, stream, consumer and bucket names, so a new agent gets its identity from its name alone.
// The local stack writes these into the nats-server config (packages/testkit/src/identities.ts);
// a deployment renders the same block with `natsAuthorizationConfig`.
//
// What JetStream needs, by what the client does (checked against nats-server 2.14, nats.js 3.4):
// - every JetStream client: `$JS.API.INFO` (the manager checks the API at start), STREAM.INFO of
//   what it opens; replies come to its own inbox (`_INBOX.<identity>.>`, see inboxPrefixOf), so no
//   identity may subscribe to `_INBOX.>` and read another's replies;
// - a durable pull consumer: CONSUMER.CREATE with the filter in the subject (the server checks the
//   body's filter against it, so an agent cannot create its consumer over another's tasks),
//   CONSUMER.INFO, CONSUMER.MSG.NEXT and `$JS.ACK.<stream>.<consumer>.>`;
// - a KV bucket: `$KV.<bucket>.<key>` to write and `$JS.API.DIRECT.GET.KV_<bucket>.$KV.<bucket>.<key>`
//   to read (nats.js puts the key in the direct-get subject so that reads obey permissions);
// - a throwaway ordered consumer (reading a stream's content): CONSUMER.CREATE/INFO/MSG.NEXT/DELETE
//   on that stream under any name.
import { buckets, consumers, progressSubjects, publisherEvents, streams, subjects } from '@baton/contracts';

/** A KV bucket a service uses beyond what its kind gives it: a cache, a lease table, an index
 *  it reads. Declared by the service (package.json `baton.nats.kv`), so a new grant needs no
 *  edit here. The service reads (and, with `write`, writes) its keys; it never creates or updates
 *  the bucket's stream: the orchestrator creates every bucket with its final configuration
 *  (ensureTopology), because nats-server does not check a stream's `sources` against the
 *  requester's read permissions, so a right to update a stream is a right to copy any other
 *  stream into it and read it. */
export interface KvGrant {
  bucket: string;
  /** Keys it may read (and write): a subject pattern under the bucket, default every key. */
  keys?: string;
  write?: boolean;
  /** It lists or watches keys (an ordered consumer on the bucket's stream). */
  list?: boolean;
}

export type Identity = IdentityKind & {
  /** Buckets beyond the kind's own. */
  kv?: readonly KvGrant[];
};

type IdentityKind =
  /** The test kit, the demo, the bench and operators' tools: everything. */
  | { kind: 'admin'; name: string }
  | { kind: 'gateway'; name: string }
  | { kind: 'orchestrator'; name: string }
  | { kind: 'console'; name: string }
  | { kind: 'agent'; name: string; agent: string }
  /** An existing system that publishes events over NATS: only its own event types, on its own
   *  subject (`baton.events.from.<publisher>.<type>`), so the gateway takes `source` from there. */
  | { kind: 'publisher'; name: string; publisher: string; eventTypes: readonly string[] }
  /** A simulated external system: only its own bucket, should it keep its records in NATS. */
  | { kind: 'simulator'; name: string; system: string }
  /** A service that is none of the above declares its subjects itself (package.json `baton.nats`). */
  | { kind: 'custom'; name: string; publish: string[]; subscribe: string[] };

export interface Permissions {
  /** Subjects the identity may publish to (JetStream API requests are publishes). */
  publish: string[];
  /** Subjects it may subscribe to. */
  subscribe: string[];
}

/** Each identity's replies arrive under its own prefix; nats.js takes it as `inboxPrefix`. */
export function inboxPrefixOf(identity: string): string {
  return `_INBOX.${identity.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** The connection (and identity) name of an agent's process. */
export function agentIdentity(agent: string): string {
  return `agent-${agent}`;
}

/** The connection (and identity) name of a system publishing events over NATS. */
export function publisherIdentity(publisher: string): string {
  return `publisher-${publisher}`;
}

/** The bucket a simulator may keep its records in. */
export function simulatorBucket(system: string): string {
  return `baton_sim_${system.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** The stream of the advisories a consumer's max-deliveries watcher reads (see advisories.ts). */
const ADVISORIES = 'BATON_ADVISORIES';
const MAX_DELIVERIES = '$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES';
const kvStream = (bucket: string) => `KV_${bucket}`;
const objStream = (bucket: string) => `OBJ_${bucket}`;
const api = (s: string) => `$JS.API.${s}`;

function pullConsumer(stream: string, durable: string, filter: string): string[] {
  return [
    api(`STREAM.INFO.${stream}`),
    api(`CONSUMER.INFO.${stream}.${durable}`),
    api(`CONSUMER.CREATE.${stream}.${durable}.${filter}`),
    api(`CONSUMER.MSG.NEXT.${stream}.${durable}`),
    `$JS.ACK.${stream}.${durable}.>`,
  ];
}

/** The consumer's own watcher of MAX_DELIVERIES advisories, which dead-letters the stored message. */
function maxDeliveriesWatcher(
  stream: string,
  durable: string,
  filter = `${MAX_DELIVERIES}.${stream}.${durable}`,
  watcher = `${durable}_max_deliveries`,
): string[] {
  return [
    api(`STREAM.INFO.${ADVISORIES}`),
    ...pullConsumer(ADVISORIES, watcher, filter),
    api(`STREAM.MSG.GET.${stream}`),
  ];
}

function kv(bucket: string, options: { keys?: string; write: boolean; list?: boolean }): string[] {
  const keys = options.keys ?? '>';
  return [
    api(`STREAM.INFO.${kvStream(bucket)}`),
    api(`DIRECT.GET.${kvStream(bucket)}.$KV.${bucket}.${keys}`),
    ...(options.write ? [`$KV.${bucket}.${keys}`] : []),
    ...(options.list ? orderedReads(kvStream(bucket)) : []),
  ];
}

function orderedReads(stream: string): string[] {
  return [
    api(`STREAM.INFO.${stream}`),
    api(`CONSUMER.CREATE.${stream}`),
    api(`CONSUMER.CREATE.${stream}.>`),
    api(`CONSUMER.INFO.${stream}.>`),
    api(`CONSUMER.MSG.NEXT.${stream}.>`),
    api(`CONSUMER.DELETE.${stream}.>`),
  ];
}

/** The artifact store: agents put and read artifacts (shared by design: the next step reads them).
 *  No purge: a purge request names its filter in its body, which permissions cannot see, so a right
 *  to purge is a right to purge every artifact. Artifacts are written once under a content
 *  addressed key (packages/agent/src/artifacts.ts) and never need one; an admin purges. */
function artifacts(): string[] {
  const s = objStream(buckets.artifacts);
  return [`$O.${buckets.artifacts}.>`, ...orderedReads(s), api(`STREAM.MSG.GET.${s}`), `$JS.FC.${s}.>`];
}

/** Every stream behind a Baton bucket: created by the orchestrator alone (ensureTopology). */
export const BUCKET_STREAMS: readonly string[] = [
  ...Object.values(buckets)
    .filter((b) => b !== buckets.artifacts)
    .map(kvStream),
  objStream(buckets.artifacts),
];

/** Creating and updating Baton's streams and buckets (ensureTopology). The audit stream may be
 *  created, never updated: changing its limits (max_msgs=1 erases it without a delete) is the
 *  admin's alone. */
function topologyManagement(): string[] {
  const all = [...Object.values(streams), ADVISORIES, ...BUCKET_STREAMS];
  return all.flatMap((s) => [
    api(`STREAM.INFO.${s}`),
    api(`STREAM.CREATE.${s}`),
    ...(s === streams.audit ? [] : [api(`STREAM.UPDATE.${s}`)]),
  ]);
}

const dedupe = (list: string[]) => [...new Set(list)].sort();

/** What an identity may do: its kind's permissions and its declared buckets. */
export function permissionsOf(identity: Identity): Permissions {
  const base = kindPermissions(identity);
  if (identity.kind === 'admin' || !identity.kv?.length) return base;
  const grants = identity.kv.flatMap((g) =>
    kv(g.bucket, { write: g.write ?? false, list: g.list ?? false, ...(g.keys ? { keys: g.keys } : {}) }),
  );
  return { publish: dedupe([...base.publish, ...grants]), subscribe: base.subscribe };
}

function kindPermissions(identity: Identity): Permissions {
  const inbox = `${inboxPrefixOf(identity.name)}.>`;
  const common = [api('INFO')];
  switch (identity.kind) {
    case 'admin':
      return { publish: ['>'], subscribe: ['>'] };
    case 'custom':
      return { publish: dedupe([...common, ...identity.publish]), subscribe: dedupe([inbox, ...identity.subscribe]) };
    case 'publisher': {
      // Publishes its events; the acknowledgements come to its own inbox. Follows the progress of
      // the workflows it started (docs/progress.md): live on its own progress subjects, or from a
      // sequence on through an ordered consumer whose filter must lie under them (the server
      // checks the body's filter against the create subject's).
      const own = progressSubjects.ofPublisher(identity.publisher);
      return {
        publish: dedupe([
          ...common,
          ...identity.eventTypes.map((t) => publisherEvents.subject(identity.publisher, t)),
          api(`STREAM.INFO.${streams.progress}`),
          api(`CONSUMER.CREATE.${streams.progress}.*.${own}`),
          api(`CONSUMER.INFO.${streams.progress}.>`),
          api(`CONSUMER.MSG.NEXT.${streams.progress}.>`),
          api(`CONSUMER.DELETE.${streams.progress}.>`),
        ]),
        subscribe: [inbox, own],
      };
    }
    case 'simulator':
      return {
        publish: dedupe([...common, ...kv(simulatorBucket(identity.system), { write: true, list: true })]),
        subscribe: [inbox],
      };
    case 'agent': {
      const { agent } = identity;
      const durable = consumers.agent(agent);
      return {
        publish: dedupe([
          ...common,
          // Its own tasks only: its consumer, created with its own subject as the filter.
          ...pullConsumer(streams.tasks, durable, subjects.task(agent)),
          subjects.result(agent),
          subjects.deadLetter(agent),
          // Its own tool calls on the audit trail (refused and allowed), under its own name, nothing else there.
          subjects.audit(identity.name, 'tool.>'),
          // Its own effects in the ledger: keys are `<agent>.<digest>` (packages/agent/src/ledger.ts).
          ...kv(buckets.ledger, { keys: `${agent}.>`, write: true }),
          // Its own model budget counts (packages/agent/src/models/budget.ts), same key scheme.
          ...kv(buckets.modelBudgets, { keys: `${agent}.>`, write: true }),
          ...artifacts(),
        ]),
        subscribe: [inbox],
      };
    }
    case 'gateway':
      return {
        publish: dedupe([
          ...common,
          // The webhook publishes what it accepts onto the event subjects, then consumes them.
          subjects.eventsAll,
          subjects.deadLetter('gateway'),
          ...pullConsumer(streams.events, consumers.gateway, subjects.eventsAll),
          ...maxDeliveriesWatcher(streams.events, consumers.gateway),
          ...kv(buckets.eventClaims, { write: true }),
          // Who may post to the webhook: read and watched (operators change it while it runs).
          ...kv(buckets.webhookSources, { write: false, list: true }),
          api(`STREAM.INFO.${streams.deadLetters}`),
          // A workflow's progress, served to the source that started it (GET /progress).
          ...orderedReads(streams.progress),
        ]),
        subscribe: [inbox],
      };
    case 'orchestrator':
      return {
        publish: dedupe([
          ...common,
          ...topologyManagement(),
          subjects.tasksAll,
          subjects.noticesAll,
          // Each workflow's progress (packages/contracts/src/progress.ts), by the kit's activities.
          progressSubjects.all,
          // Gate decisions, transitions and trust switches, under its own name.
          subjects.auditBy(identity.name),
          // The bridge's refusals, and the dead letters of tasks whose agent never acked them.
          subjects.deadLettersAll,
          ...pullConsumer(streams.results, consumers.bridge, subjects.resultsAll),
          ...maxDeliveriesWatcher(streams.results, consumers.bridge),
          api(`STREAM.MSG.DELETE.${streams.results}`),
          // One watcher for every agent's task consumer (agents may not read the tasks stream).
          ...maxDeliveriesWatcher(streams.tasks, 'tasks', `${MAX_DELIVERIES}.${streams.tasks}.*`, TASKS_WATCHER),
          api(`STREAM.MSG.DELETE.${streams.tasks}`),
          ...kv(buckets.trust, { write: true, list: true }),
          // The corrections people make at gates, recorded by the gate activities.
          ...kv(buckets.corrections, { write: true }),
        ]),
        subscribe: [inbox],
      };
    case 'console':
      return {
        publish: dedupe([
          ...common,
          // Replaying a corrected dead letter publishes the event again (the gateway validates it).
          subjects.eventsAll,
          ...orderedReads(streams.audit),
          ...orderedReads(streams.notices),
          // The workflow page follows a workflow's progress live.
          ...orderedReads(streams.progress),
          ...orderedReads(streams.deadLetters),
          api(`STREAM.MSG.GET.${streams.deadLetters}`),
          ...kv(buckets.trust, { write: false, list: true }),
          // Its own audit records (sign-ins and sign-outs, corrections revoked from its page), under its own name.
          subjects.auditBy(identity.name),
          // The corrections page lists and revokes corrections; sessions are shared by replicas.
          ...kv(buckets.corrections, { write: true, list: true }),
          ...kv(buckets.consoleSessions, { write: true, list: true }),
          // Each person's own settings (their channels), written from their account page.
          ...kv(buckets.accounts, { write: true }),
        ]),
        subscribe: [inbox],
      };
  }
}

/** The durable name of the orchestrator's watcher of every task consumer's max deliveries. */
export const TASKS_WATCHER = 'orchestrator_tasks_max_deliveries';

/** One user of the nats-server `authorization` block: its nkey (public) and its permissions. */
export interface AuthorizedUser {
  identity: Identity;
  /** The user's public nkey (U...); the seed stays with the service. */
  nkey: string;
}

const quote = (s: string) => JSON.stringify(s);

/** The nats-server `authorization { users: [...] }` block for these users; no anonymous access. */
export function natsAuthorizationConfig(users: readonly AuthorizedUser[]): string {
  // timeout: seconds a client has to send its CONNECT (the server's default is 2 s without TLS). A
  // service host connects every hosted service at once (35+ in the test set), each signing the
  // server's nonce: on a loaded 2-core machine some missed 2 s and their service failed to start
  // ("Authentication Timeout"). 10 s still closes a socket that never authenticates.
  const lines = ['authorization {', '  timeout: 10', '  users: ['];
  for (const { identity, nkey } of [...users].sort((a, b) => (a.identity.name < b.identity.name ? -1 : 1))) {
    const p = permissionsOf(identity);
    lines.push(`    # ${identity.name} (${identity.kind})`);
    lines.push(`    { nkey: ${quote(nkey)}, permissions: {`);
    lines.push(`        publish: { allow: [${p.publish.map(quote).join(', ')}] }`);
    lines.push(`        subscribe: { allow: [${p.subscribe.map(quote).join(', ')}] }`);
    lines.push('    } }');
  }
  lines.push('  ]', '}');
  return `${lines.join('\n')}\n`;
}
