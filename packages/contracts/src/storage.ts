// The limits of Baton's JetStream storage: every stream and every bucket (a KV bucket or object
// store is a stream named KV_<bucket> / OBJ_<bucket>) has a byte, message and age limit, read
// from the environment by whoever creates the topology (the orchestrator, an admin), and read
// back from the server by whoever must refuse work it could not store (the gateway) and by the
// storage metric (`baton_storage_used_ratio`, alert at 80 %, infra/prometheus/alerts.yml).
// -1 (or 0 for an age) means no limit of that kind. The server reserves each stream's max bytes
// from its JetStream storage, so the defaults (about 5.6 GiB in all) fit the 10 GiB volume of the
// Kubernetes deployment; a larger store is a setting.
import { z } from 'zod';
import { buckets, streams } from './subjects.js';

export interface StoreLimits {
  /** Bytes the store may hold; -1: no limit. */
  maxBytes: number;
  /** Messages (KV: entries, counting kept history) the store may hold; -1: no limit. */
  maxMsgs: number;
  /** Oldest message kept; 0: kept until removed. */
  maxAgeMs: number;
}

export interface StoreSpec {
  /** The JetStream stream that holds it. */
  stream: string;
  /** The variables' stem: BATON_<stem>_MAX_BYTES, _MAX_MSGS, _MAX_AGE_MS. */
  env: string;
  /** What it holds, for the docs/configure.md table and error messages. */
  holds: string;
  defaults: StoreLimits;
  /** When full: `new` refuses the write (nothing is lost silently), `old` drops the oldest. */
  discard: 'new' | 'old';
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const DAY = 24 * 3600_000;

/** Every store Baton creates, with its default limits. */
export const STORES = {
  events: {
    stream: streams.events,
    env: 'EVENTS',
    holds: 'events from existing systems',
    defaults: { maxBytes: 512 * MiB, maxMsgs: -1, maxAgeMs: 7 * DAY },
    discard: 'new',
  },
  tasks: {
    stream: streams.tasks,
    env: 'TASKS',
    holds: 'tasks waiting for agents',
    defaults: { maxBytes: 256 * MiB, maxMsgs: -1, maxAgeMs: 0 },
    discard: 'new',
  },
  results: {
    stream: streams.results,
    env: 'RESULTS',
    holds: "agents' results waiting for the orchestrator",
    defaults: { maxBytes: 256 * MiB, maxMsgs: -1, maxAgeMs: 0 },
    discard: 'new',
  },
  deadLetters: {
    stream: streams.deadLetters,
    env: 'DLQ',
    holds: 'dead letters (oldest dropped first)',
    defaults: { maxBytes: GiB, maxMsgs: -1, maxAgeMs: 30 * DAY },
    discard: 'old',
  },
  notices: {
    stream: streams.notices,
    env: 'NOTICES',
    holds: 'notices for other systems (oldest dropped first)',
    defaults: { maxBytes: 256 * MiB, maxMsgs: -1, maxAgeMs: 30 * DAY },
    discard: 'old',
  },
  progress: {
    stream: streams.progress,
    env: 'PROGRESS',
    holds: "workflows' progress for their requesters (oldest dropped first)",
    defaults: { maxBytes: 256 * MiB, maxMsgs: -1, maxAgeMs: 7 * DAY },
    discard: 'old',
  },
  audit: {
    stream: streams.audit,
    env: 'AUDIT',
    holds: 'the audit trail',
    defaults: { maxBytes: GiB, maxMsgs: -1, maxAgeMs: 0 },
    discard: 'new',
  },
  eventClaims: {
    stream: `KV_${buckets.eventClaims}`,
    env: 'EVENT_CLAIMS',
    holds: 'idempotency keys that started workflows',
    defaults: { maxBytes: 512 * MiB, maxMsgs: -1, maxAgeMs: 0 },
    discard: 'new',
  },
  ledger: {
    stream: `KV_${buckets.ledger}`,
    env: 'LEDGER',
    holds: "agents' effect records",
    defaults: { maxBytes: 512 * MiB, maxMsgs: -1, maxAgeMs: 0 },
    discard: 'new',
  },
  trust: {
    stream: `KV_${buckets.trust}`,
    env: 'TRUST',
    holds: 'earned trust per gate type',
    defaults: { maxBytes: 16 * MiB, maxMsgs: -1, maxAgeMs: 0 },
    discard: 'new',
  },
  artifacts: {
    stream: `OBJ_${buckets.artifacts}`,
    env: 'ARTIFACTS',
    holds: 'artifacts passed between steps',
    defaults: { maxBytes: GiB, maxMsgs: -1, maxAgeMs: 0 },
    discard: 'new',
  },
  modelBudgets: {
    stream: `KV_${buckets.modelBudgets}`,
    env: 'MODEL_BUDGETS',
    holds: 'model calls counted per period',
    defaults: { maxBytes: 64 * MiB, maxMsgs: -1, maxAgeMs: 31 * DAY },
    discard: 'new',
  },
} as const satisfies Record<string, StoreSpec>;

export type StoreName = keyof typeof STORES;

const limitField = (fallback: number) => z.coerce.number().int().min(-1).default(fallback);
const ageField = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

function storageShape(): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const spec of Object.values(STORES) as StoreSpec[]) {
    shape[`BATON_${spec.env}_MAX_BYTES`] = limitField(spec.defaults.maxBytes);
    shape[`BATON_${spec.env}_MAX_MSGS`] = limitField(spec.defaults.maxMsgs);
    shape[`BATON_${spec.env}_MAX_AGE_MS`] = ageField(spec.defaults.maxAgeMs);
  }
  return shape;
}

/** BATON_<STORE>_MAX_BYTES / _MAX_MSGS / _MAX_AGE_MS for every store, as limits per store. */
export const StorageLimitsConfig = z.object(storageShape()).transform((env) => {
  const limits = {} as Record<StoreName, StoreLimits>;
  for (const [name, spec] of Object.entries(STORES) as Array<[StoreName, StoreSpec]>) {
    limits[name] = {
      maxBytes: env[`BATON_${spec.env}_MAX_BYTES`] as number,
      maxMsgs: env[`BATON_${spec.env}_MAX_MSGS`] as number,
      maxAgeMs: env[`BATON_${spec.env}_MAX_AGE_MS`] as number,
    };
  }
  return limits;
});
export type StorageLimits = z.output<typeof StorageLimitsConfig>;

export interface StoreUsage {
  bytes: number;
  msgs: number;
  maxBytes: number;
  maxMsgs: number;
}

/** The larger of the byte and message fill (0..1, or more when over), or 0 without limits. */
export function usedRatio(usage: StoreUsage): number {
  const ratios = [
    usage.maxBytes > 0 ? usage.bytes / usage.maxBytes : 0,
    usage.maxMsgs > 0 ? usage.msgs / usage.maxMsgs : 0,
  ];
  return Math.max(...ratios);
}

/** Whether `need` more bytes and messages fit under the store's limits. */
export function hasRoomFor(usage: StoreUsage, need: { bytes: number; msgs: number }): boolean {
  if (usage.maxBytes > 0 && usage.bytes + need.bytes > usage.maxBytes) return false;
  if (usage.maxMsgs > 0 && usage.msgs + need.msgs > usage.maxMsgs) return false;
  return true;
}
