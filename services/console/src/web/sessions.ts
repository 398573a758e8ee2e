// The console's sessions in JetStream KV (bucket baton_console_sessions): every console replica
// reads the same sessions, and a restarted console keeps its people signed in (with the same
// BATON_CONSOLE_SESSION_SECRET, which signs the cookie that carries the session id). The
// orchestrator creates the bucket bounded (a day per entry, 64 MiB in all: ensureTopology); the
// console may not change it. A session ends at the console's own TTL (checked on every load),
// a sign-out deletes the entry at once, on every replica, and an anonymous visit writes nothing.
// Implements @fastify/session's store interface.
import { Kvm, type KV } from '@nats-io/kv';
import type { Session } from 'fastify';
import type { SessionStore } from '@fastify/session';
import { buckets } from '@baton/contracts';
import { SESSION_BUCKET_MAX_AGE_MS, SESSION_BUCKET_MAX_BYTES, type Bus } from '@baton/bus';

// Session ids are uid-safe base64url; KV keys allow exactly that alphabet.
const VALID_ID = /^[A-Za-z0-9_-]{1,128}$/;

export class KvSessionStore implements SessionStore {
  private constructor(private readonly kv: KV) {}

  static async open(bus: Bus): Promise<KvSessionStore> {
    // Opens the orchestrator's bucket (the same configuration, should this ever run first as an admin).
    const kv = await new Kvm(bus.js).create(buckets.consoleSessions, {
      history: 1,
      ttl: SESSION_BUCKET_MAX_AGE_MS,
      max_bytes: SESSION_BUCKET_MAX_BYTES,
      replicas: bus.replicas,
    });
    return new KvSessionStore(kv);
  }

  set(sessionId: string, session: Session, callback: (err?: unknown) => void): void {
    if (!VALID_ID.test(sessionId)) return callback(new Error('invalid session id'));
    this.kv.put(sessionId, JSON.stringify(session)).then(() => callback(), callback);
  }

  get(sessionId: string, callback: (err: unknown, result?: Session | null) => void): void {
    if (!VALID_ID.test(sessionId)) return callback(null, null);
    this.kv.get(sessionId).then(
      (entry) =>
        callback(null, entry && entry.operation === 'PUT' && entry.length > 0 ? (entry.json() as Session) : null),
      (err: unknown) => callback(err),
    );
  }

  destroy(sessionId: string, callback: (err?: unknown) => void): void {
    if (!VALID_ID.test(sessionId)) return callback();
    this.kv.delete(sessionId).then(() => callback(), callback);
  }
}
