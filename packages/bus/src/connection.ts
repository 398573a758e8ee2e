// One NATS connection per process, with JetStream client and manager, and the stream topology.
// The connection proves the process's identity (an nkey seed, see permissions.ts) and takes its
// replies under the identity's own inbox prefix. What the server refuses it (a permissions
// violation, reported to the client as an asynchronous error) is logged and counted here, for
// every service alike: baton.nats.permission_denied.
import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { Objm } from '@nats-io/obj';
import {
  connect,
  nanos,
  nkeyAuthenticator,
  PermissionViolationError,
  type NatsConnection,
} from '@nats-io/transport-node';
import {
  BaseServiceConfig,
  NatsAuthConfig,
  STORES,
  StorageLimitsConfig,
  buckets,
  loadConfig,
  natsSeedOf,
  progressSubjects,
  streams,
  subjects,
  type StorageLimits,
  type StoreLimits,
  type StoreName,
} from '@baton/contracts';
import { createLogger, perMeter, type Logger } from '@baton/telemetry';
import { ensureAdvisoryStream } from './advisories.js';
import { inboxPrefixOf } from './permissions.js';

export interface BusOptions {
  servers: string;
  /** Shown in the server's connection list (`nats-server` /connz). */
  name: string;
  /** Bound on every JetStream API call and publish acknowledgement. */
  requestTimeoutMs?: number;
  /** Replicas of every stream, KV bucket and object store this process creates (BATON_NATS_REPLICAS; default 1). */
  replicas?: number;
  /** The identity's nkey seed. Default: BATON_NATS_NKEY_SEED, or the file BATON_NATS_NKEY_SEED_FILE;
   *  with neither the connection is anonymous, which only a server without authorization accepts. */
  nkeySeed?: string;
  /** Where refusals by the server are logged (default: a logger named after the connection). */
  logger?: Logger;
}

export interface Bus {
  /** The connection's (and identity's) name: the publisher named in the audit subjects it writes. */
  name: string;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Replicas of what this process creates: 1 on one server, 3 on a three-node cluster. */
  replicas: number;
  /** Permissions violations the server reported on this connection so far. */
  readonly permissionDenials: number;
  /** False from a lost connection until the client is back (it keeps reconnecting): a caller
   *  that must answer now (the webhook) refuses at once instead of waiting out a timeout. */
  readonly connected: boolean;
  close(): Promise<void>;
}

const deniedCounter = perMeter((meter) =>
  meter.createCounter('baton.nats.permission_denied', {
    description:
      'Publishes and subscriptions the NATS server refused this identity, per connection, operation and subject',
  }),
);

export async function connectBus(options: BusOptions): Promise<Bus> {
  const timeout = options.requestTimeoutMs ?? 5_000;
  const seed = options.nkeySeed ?? natsSeedOf(loadConfig(NatsAuthConfig));
  const nc = await connect({
    // One URL or a comma-separated list (the nodes of a cluster): the client fails over between them.
    servers: options.servers
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    name: options.name,
    // The first dial (TLS-less TCP, then the nkey challenge signed in JS) gets more room than an
    // API call: a dozen services start at once on a busy machine.
    timeout: Math.max(timeout, 20_000),
    // A dial that fails at start (the server not up yet, or too slow to answer) is retried like a
    // reconnect; refused credentials still end the attempt (twice in a row, then connect rejects).
    waitOnFirstConnect: true,
    // A restarted nats-server must not end a service: keep trying, every 500 ms.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    // Replies (JetStream API answers, publish acks, pulled messages) under this identity's own
    // prefix: its permissions allow it to subscribe there and nowhere else in _INBOX.
    inboxPrefix: inboxPrefixOf(options.name),
    ...(seed ? { authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)) } : {}),
  });
  const logger =
    options.logger ??
    createLogger(options.name, loadConfig(BaseServiceConfig.pick({ BATON_LOG_LEVEL: true })).BATON_LOG_LEVEL);
  let denials = 0;
  let connected = true;
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect' || status.type === 'close') connected = false;
      if (status.type === 'reconnect') connected = true;
      if (status.type !== 'error' || !(status.error instanceof PermissionViolationError)) continue;
      denials++;
      const { operation, subject } = status.error;
      logger.error({ operation, subject, connection: options.name }, 'NATS refused: permissions violation');
      deniedCounter().add(1, {
        'baton.connection': options.name,
        'baton.nats.operation': operation,
        'messaging.destination.name': subject,
      });
    }
  })();
  const jsm = await jetstreamManager(nc, { timeout });
  const js = jetstream(nc, { timeout });
  return {
    name: options.name,
    nc,
    js,
    jsm,
    replicas: options.replicas ?? 1,
    get permissionDenials() {
      return denials;
    },
    get connected() {
      return connected && !nc.isClosed();
    },
    close: async () => {
      if (!nc.isClosed()) await nc.drain();
    },
  };
}

/** The console's session bucket: no entry outlives a day, and all together stay under 64 MiB. */
export const SESSION_BUCKET_MAX_AGE_MS = 24 * 3600_000;
export const SESSION_BUCKET_MAX_BYTES = 64 * 1024 * 1024;

/** How long JetStream remembers a Nats-Msg-Id to drop a duplicate publish. */
export const DEDUPLICATION_WINDOW_MS = 2 * 60_000;

const topology: Array<Partial<StreamConfig> & { name: string; store: StoreName }> = [
  { store: 'events', name: streams.events, subjects: [subjects.eventsAll], retention: RetentionPolicy.Limits },
  { store: 'tasks', name: streams.tasks, subjects: [subjects.tasksAll], retention: RetentionPolicy.Workqueue },
  { store: 'results', name: streams.results, subjects: [subjects.resultsAll], retention: RetentionPolicy.Workqueue },
  {
    store: 'deadLetters',
    name: streams.deadLetters,
    subjects: [subjects.deadLettersAll],
    retention: RetentionPolicy.Limits,
  },
  { store: 'notices', name: streams.notices, subjects: [subjects.noticesAll], retention: RetentionPolicy.Limits },
  { store: 'progress', name: streams.progress, subjects: [progressSubjects.all], retention: RetentionPolicy.Limits },
  // An audit trail nobody can rewrite: no message delete, no purge.
  {
    store: 'audit',
    name: streams.audit,
    subjects: [subjects.auditAll],
    retention: RetentionPolicy.Limits,
    deny_delete: true,
    deny_purge: true,
  },
];

export interface TopologyOptions {
  /** Limits of every stream and bucket; default from the environment (StorageLimitsConfig). */
  limits?: StorageLimits;
  /** Where a limit that could not be applied is reported (default: a logger named topology). */
  logger?: Logger;
}

/** A store's limits as JetStream stream settings. */
function limitSettings(store: StoreName, limits: StoreLimits): Partial<StreamConfig> {
  return {
    max_bytes: limits.maxBytes,
    max_msgs: limits.maxMsgs,
    max_age: nanos(limits.maxAgeMs),
    discard: STORES[store].discard === 'new' ? DiscardPolicy.New : DiscardPolicy.Old,
  };
}

/**
 * Puts a store's configured limits on its stream. A limit below what the stream already holds is
 * not applied: the server would delete the oldest records to meet it (an event claim, an effect
 * record), so the old limit stays and the refusal is logged; free space or raise it instead.
 */
async function applyLimits(bus: Bus, store: StoreName, limits: StoreLimits, logger: Logger): Promise<void> {
  const info = await bus.jsm.streams.info(STORES[store].stream);
  const wanted = limitSettings(store, limits);
  const shrinksBelowUse =
    (limits.maxBytes > 0 && limits.maxBytes < info.state.bytes) ||
    (limits.maxMsgs > 0 && limits.maxMsgs < info.state.messages);
  if (shrinksBelowUse) {
    logger.error(
      {
        stream: info.config.name,
        bytes: info.state.bytes,
        messages: info.state.messages,
        maxBytes: limits.maxBytes,
        maxMsgs: limits.maxMsgs,
      },
      'storage limit below what the stream holds: not applied (it would delete records)',
    );
    delete wanted.max_bytes;
    delete wanted.max_msgs;
  }
  const have = info.config as unknown as Record<string, unknown>;
  if (!Object.entries(wanted).some(([k, v]) => JSON.stringify(have[k]) !== JSON.stringify(v))) return;
  try {
    await bus.jsm.streams.update(info.config.name, { ...info.config, ...wanted });
  } catch (err) {
    // The server refuses limits it cannot reserve (more than its JetStream storage): the stream
    // keeps its old limits, which the storage metric shows; the services keep running.
    logger.error(
      { stream: info.config.name, maxBytes: limits.maxBytes, maxMsgs: limits.maxMsgs, err: (err as Error).message },
      'storage limit refused by the server: not applied',
    );
  }
}

/** Creates or updates Baton's streams and buckets, with their limits. Needs an identity that may
 *  manage them (the orchestrator, an admin); every other service waits for them with awaitTopology. */
export async function ensureTopology(bus: Bus, options: TopologyOptions = {}): Promise<void> {
  const limits = options.limits ?? loadConfig(StorageLimitsConfig);
  const logger =
    options.logger ??
    createLogger('topology', loadConfig(BaseServiceConfig.pick({ BATON_LOG_LEVEL: true })).BATON_LOG_LEVEL);
  for (const { store, ...config } of topology) {
    const full = {
      ...config,
      storage: StorageType.File,
      duplicate_window: nanos(DEDUPLICATION_WINDOW_MS),
      num_replicas: bus.replicas,
    };
    try {
      const info = await bus.jsm.streams.info(config.name);
      // The audit stream's limits are the admin's alone (nats stream edit): set at its creation,
      // never proposed again, and the orchestrator's identity may not (max_msgs 1 would erase it).
      if (store === 'audit') continue;
      // Only a real change is proposed: on a cluster every update is a round of the meta group, and
      // a dozen services starting at once queued a dozen identical ones past the 5 s API timeout.
      const have = info.config as unknown as Record<string, unknown>;
      if (Object.entries(full).some(([k, v]) => JSON.stringify(have[k]) !== JSON.stringify(v)))
        await bus.jsm.streams.update(config.name, { ...info.config, ...full });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        await bus.jsm.streams.add({ ...full, ...limitSettings(store, limits[store]) });
      } catch (addErr) {
        // Another service created it between our info and add.
        if (
          !(await bus.jsm.streams.info(config.name).then(
            () => true,
            () => false,
          ))
        )
          throw addErr;
      }
    }
  }
  await ensureAdvisoryStream(bus);
  // Every bucket, with its final configuration, before the ledger (which agents wait for): no
  // other identity may create or update a bucket's stream (permissions.ts says why).
  const kvm = new Kvm(bus.js);
  await kvm.create(buckets.webhookSources, { history: 5, replicas: bus.replicas });
  await kvm.create(buckets.corrections, { history: 5, replicas: bus.replicas });
  await kvm.create(buckets.leases, { history: 1, replicas: bus.replicas });
  // An entry not refreshed by a CRM read for 30 days is gone (too old to serve anyway).
  await kvm.create(buckets.supportCrmCache, { history: 1, ttl: 30 * 24 * 3600_000, replicas: bus.replicas });
  // Bounded: at most a day per session (the console ends them sooner, at its own TTL) and 64 MiB
  // in all; only a signed-in person writes a session (an anonymous visit writes nothing).
  await kvm.create(buckets.consoleSessions, {
    history: 1,
    ttl: SESSION_BUCKET_MAX_AGE_MS,
    max_bytes: SESSION_BUCKET_MAX_BYTES,
    replicas: bus.replicas,
  });
  // What people set for themselves in the console (small: one entry per person).
  await kvm.create(buckets.accounts, { history: 5, replicas: bus.replicas });
  await openLedger(bus);
  await openTrust(bus);
  await new Kvm(bus.js).create(buckets.eventClaims, { history: 2, replicas: bus.replicas });
  await new Objm(bus.js).create(buckets.artifacts, { replicas: bus.replicas });
  // Budgets are counted per period: a month of history is more than any period needs.
  await new Kvm(bus.js).create(buckets.modelBudgets, { history: 1, ttl: 31 * 24 * 3600_000, replicas: bus.replicas });
  for (const store of Object.keys(STORES) as StoreName[])
    if (store !== 'audit') await applyLimits(bus, store, limits[store], logger);
}

/**
 * Waits until the streams (and KV_/OBJ_ streams of buckets) a service uses exist: a service whose
 * identity may not create them starts beside the orchestrator, which does. Bounded: a stream that
 * never appears stops the service with a message naming it.
 */
export async function awaitTopology(
  bus: Bus,
  names: readonly string[],
  timeoutMs = 60_000,
  logger?: Logger,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const name of names) {
    let warned = false;
    for (;;) {
      try {
        await bus.jsm.streams.info(name);
        break;
      } catch (err) {
        if (!isNotFound(err) && !(err instanceof Error && /stream not found/i.test(err.message))) throw err;
        if (Date.now() > deadline)
          throw new Error(
            `stream ${name} does not exist after ${timeoutMs} ms: start the orchestrator (it creates Baton's streams) or run ensureTopology as an admin`,
          );
        if (!warned) logger?.warn({ stream: name }, 'waiting for the orchestrator to create a stream');
        warned = true;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }
}

/** The streams each kind of service uses, for awaitTopology. */
export const topologyNeeds = {
  agent: [streams.tasks, `KV_${buckets.ledger}`, `OBJ_${buckets.artifacts}`, `KV_${buckets.modelBudgets}`],
  gateway: [
    streams.events,
    streams.progress,
    'BATON_ADVISORIES',
    `KV_${buckets.eventClaims}`,
    `KV_${buckets.webhookSources}`,
  ],
  console: [
    streams.audit,
    streams.notices,
    streams.progress,
    streams.deadLetters,
    `KV_${buckets.trust}`,
    `KV_${buckets.consoleSessions}`,
    `KV_${buckets.corrections}`,
    `KV_${buckets.accounts}`,
  ],
} as const;

/** Earned trust per gate type; updated with compare-and-set so two workers never lose a count. */
export async function openTrust(bus: Bus): Promise<KV> {
  return new Kvm(bus.js).create(buckets.trust, { history: 5, replicas: bus.replicas });
}

export async function openLedger(bus: Bus): Promise<KV> {
  return new Kvm(bus.js).create(buckets.ledger, { history: 1, replicas: bus.replicas });
}

const NOT_FOUND: ReadonlySet<number> = new Set([
  JetStreamApiCodes.StreamNotFound,
  JetStreamApiCodes.ConsumerNotFound,
  JetStreamApiCodes.NoMessageFound,
]);

/** A stream, consumer or stored message that does not exist, by the server's error code. */
export function isNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && (NOT_FOUND.has(err.code) || err.status === 404);
}

/** A compare-and-set write (KV create/update, expected last sequence) lost to another writer. */
export function isRevisionConflict(err: unknown): boolean {
  return (
    err instanceof JetStreamApiError &&
    (err.code === JetStreamApiCodes.StreamWrongLastSequence ||
      err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}
