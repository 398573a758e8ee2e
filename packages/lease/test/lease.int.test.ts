// The lease against the test stack's real nats-server: one holder among racers, re-entry by the
// same holder, a crashed holder's lease expiring so another takes it, fencing tokens that only
// grow, renewal, and release that never frees someone else's lease.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Bus } from '@baton/bus';
import { repoRoot, testBus, waitFor } from '@baton/testkit';
import { LeaseHeldError, Leases, type Lease } from '../src/index.js';

describe('lease', () => {
  let bus: Bus;
  let leases: Leases;
  before(async () => {
    bus = await testBus('lease-test');
    leases = await Leases.open(bus);
  });
  after(async () => {
    await bus?.close();
  });
  const resource = () => `ticket:T-${randomUUID()}`;

  it('grants the lease to exactly one of eight processes asking at once', async () => {
    const r = resource();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => leases.acquire(r, `holder-${i}`, { ttlMs: 30_000 })),
    );
    const granted = outcomes.filter((o): o is PromiseFulfilledResult<Lease> => o.status === 'fulfilled');
    assert.equal(granted.length, 1);
    for (const o of outcomes)
      if (o.status === 'rejected')
        assert.ok(o.reason instanceof LeaseHeldError && o.reason.holder === granted[0]!.value.holder);
    assert.equal((await leases.current(r))?.holder, granted[0]!.value.holder);
  });

  it('lets the same holder re-enter (a retry of the same work) with a larger token', async () => {
    const r = resource();
    const first = await leases.acquire(r, 'wf-1/resolve', { ttlMs: 30_000 });
    const again = await leases.acquire(r, 'wf-1/resolve', { ttlMs: 30_000 });
    assert.ok(again.token > first.token);
    await assert.rejects(leases.acquire(r, 'wf-2/resolve', { ttlMs: 30_000 }), LeaseHeldError);
  });

  it('lets another holder take the lease once a crashed holder (kill -9) lets it expire, with a larger token', async () => {
    const r = resource();
    const ttlMs = 1_500;
    const child = spawn(
      process.execPath,
      [
        '--conditions=baton-source',
        '--import',
        'tsx',
        join(repoRoot, 'packages/lease/test/fixtures/crashing-holder.ts'),
        r,
        String(ttlMs),
      ],
      { cwd: repoRoot, env: process.env, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let crashedToken = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          const m = /holding (\d+)/.exec(chunk.toString());
          if (m) {
            crashedToken = Number(m[1]);
            resolve();
          }
        });
        child.once('exit', (code) => reject(new Error(`crashing holder exited early (${code})`)));
      });
    } finally {
      child.kill('SIGKILL');
    }
    // Still its lease until it expires: nobody else may write meanwhile.
    await assert.rejects(
      leases.acquire(r, 'survivor', { ttlMs: 30_000 }),
      (err: unknown) => err instanceof LeaseHeldError && err.holder.startsWith('crashing-holder@'),
    );
    const taken = await waitFor(
      'the crashed holder lease to expire and be taken',
      async () => {
        try {
          return await leases.acquire(r, 'survivor', { ttlMs: 30_000 });
        } catch (err) {
          if (err instanceof LeaseHeldError) return undefined;
          throw err;
        }
      },
      { timeoutMs: 10_000 },
    );
    assert.equal(taken.holder, 'survivor');
    assert.ok(
      taken.token > crashedToken,
      `the new token ${taken.token} is larger than the crashed holder's ${crashedToken}`,
    );
  });

  it('renews a live lease (same token), and refuses the renewal of one taken over', async () => {
    const r = resource();
    const lease = await leases.acquire(r, 'a', { ttlMs: 300 });
    const renewed = await leases.renew(lease, { ttlMs: 30_000 });
    assert.equal(renewed.token, lease.token);
    assert.ok(renewed.expiresAt > lease.expiresAt);
    await assert.rejects(leases.acquire(r, 'b', { ttlMs: 30_000 }), LeaseHeldError);

    const short = await leases.acquire(resource(), 'c', { ttlMs: 1 });
    await waitFor('the short lease to expire', async () => (Date.now() > short.expiresAt ? true : undefined));
    await leases.acquire(short.resource, 'd', { ttlMs: 30_000 });
    await assert.rejects(
      leases.renew(short, { ttlMs: 30_000 }),
      (err: unknown) => (err as { code?: string }).code === 'LEASE_LOST',
    );
  });

  it('releases only its own lease: a stale holder leaves the new holder alone', async () => {
    const r = resource();
    const stale = await leases.acquire(r, 'stale', { ttlMs: 1 });
    await waitFor('the lease to expire', async () => (Date.now() > stale.expiresAt ? true : undefined));
    const fresh = await leases.acquire(r, 'fresh', { ttlMs: 30_000 });
    assert.equal(await leases.release(stale), false);
    assert.equal((await leases.current(r))?.holder, 'fresh');
    assert.equal(await leases.release(fresh), true);
    assert.equal(await leases.current(r), undefined);
    const next = await leases.acquire(r, 'next', { ttlMs: 30_000 });
    assert.ok(next.token > fresh.token);
  });

  it('holds the lease across a task longer than its ttl (withLease renews), then frees it', async () => {
    const r = resource();
    const seen: string[] = [];
    await leases.withLease(r, 'long-task', { ttlMs: 300 }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await assert.rejects(leases.acquire(r, 'intruder', { ttlMs: 30_000 }), LeaseHeldError);
      seen.push('done');
    });
    assert.deepEqual(seen, ['done']);
    assert.equal(await leases.current(r), undefined);
  });
});
