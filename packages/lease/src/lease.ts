// Exclusive access to a shared resource across processes: a lease with a time-to-live and a
// fencing token, kept in a JetStream KV bucket.
//
// Every change is a compare-and-set on the key's revision (create when absent or deleted, update
// at the revision read), so of two processes asking at once exactly one gets the lease. The
// revision of the write that granted it is the fencing token: KV revisions are the stream's
// sequence numbers, so a later grant always carries a larger token, on any replica, after any
// restart. The system of record behind the resource remembers the largest token it has seen and
// refuses a write with a smaller one; that is what makes a holder that paused past its expiry
// (GC, a partition, a stopped VM) harmless, since its lease may already belong to someone else.
//
// The expiry is stored in the value (not a per-key TTL): it works on every nats-server with
// JetStream, an expired lease is taken over with the same compare-and-set as a free one, and the
// holder and expiry stay readable for the person looking at a stuck resource. Clocks only decide
// when a dead holder's lease may be taken over; correctness never depends on them, because the
// fencing token, not the clock, decides whose write the resource accepts.
//
// Why not a Temporal-native mutex (a lock workflow taking signals): its holders can only be
// workflows, while the resource is written by agent processes; it mints no token the system of
// record can check; and every acquire and release grows one workflow's history. A KV lease is
// one round trip, usable by any process, and its token comes for free.
import { hostname } from 'node:os';
import { Kvm, type KV } from '@nats-io/kv';
import { isRevisionConflict, type Bus } from '@baton/bus';

export const DEFAULT_LEASE_BUCKET = 'baton_leases';

export interface LeaseRecord {
  resource: string;
  holder: string;
  /** Epoch ms after which another holder may take the lease over. */
  expiresAt: number;
  acquiredAt: number;
}

export interface Lease {
  resource: string;
  holder: string;
  /** The fencing token: the KV revision that granted this lease. Larger means later. It stays
   *  the same across renewals, so every write of one holding carries one token. */
  token: number;
  /** The key's current revision (changes with each renewal): what renew and release compare. */
  revision: number;
  expiresAt: number;
}

export interface LeaseOptions {
  /** How long the lease lasts without a renewal. */
  ttlMs: number;
}

/** Another holder has a live lease on the resource: try again later. */
export class LeaseHeldError extends Error {
  readonly code = 'LEASE_HELD';
  readonly retryable = true;
  constructor(
    readonly resource: string,
    readonly holder: string,
    readonly expiresAt: number,
  ) {
    super(`${resource} is leased to ${holder} until ${new Date(expiresAt).toISOString()}`);
  }
}

/** The lease is no longer this holder's (it expired and was taken over, or was released). */
export class LeaseLostError extends Error {
  readonly code = 'LEASE_LOST';
  readonly retryable = true;
  constructor(
    readonly resource: string,
    reason: string,
  ) {
    super(`lease on ${resource} lost: ${reason}`);
  }
}

/** KV keys allow only [-/_=.A-Za-z0-9]: anything else in a resource name is escaped. */
function keyOf(resource: string): string {
  return resource.replace(/[^-/_=.A-Za-z0-9]/g, (c) => `=${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export class Leases {
  private constructor(
    private readonly kv: KV,
    private readonly now: () => number,
  ) {}

  /** Opens (or creates) the lease bucket. */
  static async open(bus: Bus, options: { bucket?: string; now?: () => number } = {}): Promise<Leases> {
    const kv = await new Kvm(bus.js).create(options.bucket ?? DEFAULT_LEASE_BUCKET, {
      history: 1,
      replicas: bus.replicas,
    });
    return new Leases(kv, options.now ?? Date.now);
  }

  /** A holder name that says which process holds a lease: `<what>@<host>:<pid>`. */
  static holderName(what: string): string {
    return `${what}@${hostname()}:${process.pid}`;
  }

  /**
   * Takes the lease on `resource` for `holder`: when nobody holds it, when it expired, or when
   * `holder` already holds it (a retry of the same work re-enters it, with a new token, so a
   * write still in flight from its earlier attempt is refused). Otherwise
   * throws LeaseHeldError. Each grant carries a new, larger fencing token.
   */
  async acquire(resource: string, holder: string, options: LeaseOptions): Promise<Lease> {
    const key = keyOf(resource);
    for (;;) {
      const now = this.now();
      const record: LeaseRecord = { resource, holder, expiresAt: now + options.ttlMs, acquiredAt: now };
      const entry = await this.kv.get(key);
      try {
        if (!entry || entry.operation !== 'PUT') {
          return this.granted(record, await this.kv.create(key, JSON.stringify(record)));
        }
        const current = entry.json<LeaseRecord>();
        if (current.holder !== holder && current.expiresAt > now)
          throw new LeaseHeldError(resource, current.holder, current.expiresAt);
        return this.granted(record, await this.kv.update(key, JSON.stringify(record), entry.revision));
      } catch (err) {
        // Another process wrote between our read and our write: read again and decide again.
        if (isRevisionConflict(err)) continue;
        throw err;
      }
    }
  }

  /** Extends a lease this holder still has; the fencing token stays, the revision moves on. */
  async renew(lease: Lease, options: LeaseOptions): Promise<Lease> {
    const key = keyOf(lease.resource);
    const record: LeaseRecord = {
      resource: lease.resource,
      holder: lease.holder,
      expiresAt: this.now() + options.ttlMs,
      acquiredAt: this.now(),
    };
    try {
      const revision = await this.kv.update(key, JSON.stringify(record), lease.revision);
      return { ...lease, revision, expiresAt: record.expiresAt };
    } catch (err) {
      if (isRevisionConflict(err)) throw new LeaseLostError(lease.resource, 'another holder took it over');
      throw err;
    }
  }

  /** Gives the lease back if it is still this one; a lease taken over since is left alone. */
  async release(lease: Lease): Promise<boolean> {
    try {
      await this.kv.delete(keyOf(lease.resource), { previousSeq: lease.revision });
      return true;
    } catch (err) {
      if (isRevisionConflict(err)) return false;
      throw err;
    }
  }

  /** The current lease on a resource, if any (expired ones included, with their expiry). */
  async current(resource: string): Promise<(LeaseRecord & { revision: number }) | undefined> {
    const entry = await this.kv.get(keyOf(resource));
    return entry && entry.operation === 'PUT' ? { ...entry.json<LeaseRecord>(), revision: entry.revision } : undefined;
  }

  /**
   * Runs `fn` holding the lease: acquired first, renewed at a third of its ttl while fn runs,
   * released after. `fn` gets the lease (its token goes with every write to the resource). If a
   * renewal finds the lease taken over, `signal` aborts: fn should stop writing.
   */
  async withLease<T>(
    resource: string,
    holder: string,
    options: LeaseOptions,
    fn: (lease: Lease, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    let lease = await this.acquire(resource, holder, options);
    const lost = new AbortController();
    let renewing: Promise<void> = Promise.resolve();
    const timer = setInterval(
      () => {
        renewing = renewing.then(async () => {
          try {
            lease = await this.renew(lease, options);
          } catch (err) {
            lost.abort(err);
          }
        });
      },
      Math.max(50, Math.floor(options.ttlMs / 3)),
    );
    try {
      return await fn(lease, lost.signal);
    } finally {
      clearInterval(timer);
      await renewing;
      if (!lost.signal.aborted) await this.release(lease);
    }
  }

  private granted(record: LeaseRecord, revision: number): Lease {
    return { resource: record.resource, holder: record.holder, token: revision, revision, expiresAt: record.expiresAt };
  }
}
