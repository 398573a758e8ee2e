// One NATS connection per process, with JetStream client and manager, and the stream topology.
import { JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager, RetentionPolicy, StorageType, type JetStreamClient, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { buckets, streams, subjects } from '@baton/contracts';
import { ensureAdvisoryStream } from './advisories.js';

export interface BusOptions {
  servers: string;
  /** Shown in the server's connection list (`nats-server` /connz). */
  name: string;
  /** Bound on every JetStream API call and publish acknowledgement. */
  requestTimeoutMs?: number;
  /** Replicas of every stream, KV bucket and object store this process creates (BATON_NATS_REPLICAS; default 1). */
  replicas?: number;
}

export interface Bus {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Replicas of what this process creates: 1 on one server, 3 on a three-node cluster. */
  replicas: number;
  close(): Promise<void>;
}

export async function connectBus(options: BusOptions): Promise<Bus> {
  const timeout = options.requestTimeoutMs ?? 5_000;
  const nc = await connect({
    // One URL or a comma-separated list (the nodes of a cluster): the client fails over between them.
    servers: options.servers.split(',').map((s) => s.trim()).filter(Boolean),
    name: options.name,
    timeout,
    // A restarted nats-server must not end a service: keep trying, every 500 ms.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
  });
  const jsm = await jetstreamManager(nc, { timeout });
  const js = jetstream(nc, { timeout });
  return {
    nc,
    js,
    jsm,
    replicas: options.replicas ?? 1,
    close: async () => {
      if (!nc.isClosed()) await nc.drain();
    },
  };
}

/** How long JetStream remembers a Nats-Msg-Id to drop a duplicate publish. */
export const DEDUPLICATION_WINDOW_MS = 2 * 60_000;

const topology: Array<Partial<StreamConfig> & { name: string }> = [
  { name: streams.events, subjects: [subjects.eventsAll], retention: RetentionPolicy.Limits, max_age: nanos(7 * 24 * 3600_000) },
  { name: streams.tasks, subjects: [subjects.tasksAll], retention: RetentionPolicy.Workqueue },
  { name: streams.results, subjects: [subjects.resultsAll], retention: RetentionPolicy.Workqueue },
  { name: streams.deadLetters, subjects: [subjects.deadLettersAll], retention: RetentionPolicy.Limits },
  { name: streams.notices, subjects: [subjects.noticesAll], retention: RetentionPolicy.Limits, max_age: nanos(30 * 24 * 3600_000) },
  // An audit trail nobody can rewrite: no message delete, no purge.
  { name: streams.audit, subjects: [subjects.auditAll], retention: RetentionPolicy.Limits, deny_delete: true, deny_purge: true },
];

/** Creates or updates Baton's streams and buckets; safe to call from every service at start. */
export async function ensureTopology(bus: Bus): Promise<void> {
  for (const config of topology) {
    const full = { ...config, storage: StorageType.File, duplicate_window: nanos(DEDUPLICATION_WINDOW_MS), num_replicas: bus.replicas };
    try {
      const info = await bus.jsm.streams.info(config.name);
      // Only a real change is proposed: on a cluster every update is a round of the meta group, and
      // a dozen services starting at once queued a dozen identical ones past the 5 s API timeout.
      const have = info.config as unknown as Record<string, unknown>;
      if (Object.entries(full).some(([k, v]) => JSON.stringify(have[k]) !== JSON.stringify(v))) await bus.jsm.streams.update(config.name, full);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        await bus.jsm.streams.add(full);
      } catch (addErr) {
        // Another service created it between our info and add.
        if (!(await bus.jsm.streams.info(config.name).then(() => true, () => false))) throw addErr;
      }
    }
  }
  await ensureAdvisoryStream(bus);
  await openLedger(bus);
  await openTrust(bus);
}

/** Earned trust per gate type; updated with compare-and-set so two workers never lose a count. */
export async function openTrust(bus: Bus): Promise<KV> {
  return new Kvm(bus.js).create(buckets.trust, { history: 5, replicas: bus.replicas });
}

export async function openLedger(bus: Bus): Promise<KV> {
  return new Kvm(bus.js).create(buckets.ledger, { history: 1, replicas: bus.replicas });
}

const NOT_FOUND: ReadonlySet<number> = new Set([JetStreamApiCodes.StreamNotFound, JetStreamApiCodes.ConsumerNotFound, JetStreamApiCodes.NoMessageFound]);

/** A stream, consumer or stored message that does not exist, by the server's error code. */
export function isNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && (NOT_FOUND.has(err.code) || err.status === 404);
}

/** A compare-and-set write (KV create/update, expected last sequence) lost to another writer. */
export function isRevisionConflict(err: unknown): boolean {
  return err instanceof JetStreamApiError && (err.code === JetStreamApiCodes.StreamWrongLastSequence || err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown);
}
