// The idempotency ledger: effects an agent performed, keyed by workflowId/stepId/effect in a
// JetStream KV bucket. A redelivered or retried task finds the record and skips the effect.
//
// The window between the effect and the ledger write (a crash right after the external call) is
// closed by the external system: every effect passes it the same idempotency key, and systems
// Baton talks to must deduplicate on it (the simulators do, as real payment and POS APIs do).
import { createHash } from 'node:crypto';
import type { KV } from '@baton/bus';

export interface LedgerRecord {
  idempotencyKey: string;
  agent: string;
  recordedAt: string;
  result: unknown;
}

export class EffectLedger {
  constructor(private readonly kv: KV) {}

  /** KV keys allow only [-/_=.A-Za-z0-9]; ids may hold more, so the key is a digest. */
  static keyOf(agent: string, idempotencyKey: string): string {
    return `${agent}.${createHash('sha256').update(idempotencyKey).digest('hex')}`;
  }

  async find(agent: string, idempotencyKey: string): Promise<LedgerRecord | undefined> {
    const entry = await this.kv.get(EffectLedger.keyOf(agent, idempotencyKey));
    if (!entry || entry.operation !== 'PUT') return undefined;
    return entry.json<LedgerRecord>();
  }

  async record(agent: string, idempotencyKey: string, result: unknown): Promise<void> {
    const record: LedgerRecord = { idempotencyKey, agent, recordedAt: new Date().toISOString(), result };
    await this.kv.put(EffectLedger.keyOf(agent, idempotencyKey), JSON.stringify(record));
  }

  /** Runs fn once per key: a second call returns the recorded result without running fn. */
  async once<T>(agent: string, idempotencyKey: string, fn: (idempotencyKey: string) => Promise<T>): Promise<{ result: T; replayed: boolean }> {
    const existing = await this.find(agent, idempotencyKey);
    if (existing) return { result: existing.result as T, replayed: true };
    const result = await fn(idempotencyKey);
    await this.record(agent, idempotencyKey, result);
    return { result, replayed: false };
  }
}
