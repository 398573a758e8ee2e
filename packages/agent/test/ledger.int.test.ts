// The idempotency ledger against the test stack's real nats-server: one effect per key under
// concurrent attempts, a holder killed mid-call, reconcile, and what a failed call leaves behind.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isRevisionConflict, openLedger, type Bus, type KV } from '@baton/bus';
import { repoRoot, testBus, waitFor } from '@baton/testkit';
import { AgentError, ExternalSystemError } from '../src/errors.js';
import { EffectLedger, type LedgerEntry } from '../src/ledger.js';

const AGENT = 'ledger-test';
const TTL = 400;

describe('effect ledger', () => {
  let bus: Bus;
  let kv: KV;
  let ledger: EffectLedger;
  before(async () => {
    bus = await testBus('ledger-test');
    kv = await openLedger(bus);
    ledger = new EffectLedger(kv);
  });
  after(async () => {
    await bus?.close();
  });

  const newKey = () => `wf-${randomUUID()}/step/charge`;
  const counting = <T>(value: T, delayMs = 0) => {
    const calls: string[] = [];
    const fn = async (key: string) => {
      calls.push(key);
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      return value;
    };
    return { fn, calls };
  };
  const state = async (key: string) => (await ledger.entry(AGENT, key))?.value.state ?? 'none';
  /** What a holder that crashed mid-call leaves in the bucket: a claim that is never renewed. */
  const plantDeadClaim = async (key: string) => {
    const claim: LedgerEntry = {
      state: 'claimed',
      idempotencyKey: key,
      agent: AGENT,
      holder: 'crashed@elsewhere:1#0',
      claimedAt: new Date().toISOString(),
      beat: 0,
    };
    await kv.create(EffectLedger.keyOf(AGENT, key), JSON.stringify(claim));
  };

  it('runs fn once for two concurrent calls on one key, and both get its result', async () => {
    const key = newKey();
    const { fn, calls } = counting({ chargeId: 'ch-1' }, 150);
    const [a, b] = await Promise.all([
      ledger.once(AGENT, key, fn, { claimTtlMs: TTL }),
      ledger.once(AGENT, key, fn, { claimTtlMs: TTL }),
    ]);
    assert.equal(calls.length, 1);
    assert.deepEqual(a.result, { chargeId: 'ch-1' });
    assert.deepEqual(b.result, { chargeId: 'ch-1' });
    assert.deepEqual([a.replayed, b.replayed].sort(), [false, true]);
  });

  it('runs fn once for eight concurrent calls whose fn outlasts the claim ttl (keep-alive)', async () => {
    const key = newKey();
    const { fn, calls } = counting('booked', TTL * 3);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => ledger.once(AGENT, key, fn, { claimTtlMs: TTL, waitMs: TTL * 10 })),
    );
    assert.equal(calls.length, 1, 'a holder that renews its claim is never taken for dead');
    assert.ok(results.every((r) => r.result === 'booked'));
    assert.equal(results.filter((r) => !r.replayed).length, 1);
  });

  it('answers a call that finds a live claim with the retryable EFFECT_IN_PROGRESS once its wait is over', async () => {
    const key = newKey();
    const slow = counting('late', TTL * 4);
    const first = ledger.once(AGENT, key, slow.fn, { claimTtlMs: TTL });
    await waitFor('the claim', async () => (await state(key)) === 'claimed');
    const other = counting('never');
    await assert.rejects(
      ledger.once(AGENT, key, other.fn, { claimTtlMs: TTL, waitMs: TTL }),
      (err: unknown) => err instanceof AgentError && err.code === 'EFFECT_IN_PROGRESS' && err.retryable,
    );
    assert.equal(other.calls.length, 0);
    assert.equal((await first).result, 'late');
  });

  it('replays a recorded result without running fn, including records from before claims', async () => {
    const key = newKey();
    await ledger.once(AGENT, key, async () => 1);
    const again = counting(2);
    assert.deepEqual(await ledger.once(AGENT, key, again.fn), { result: 1, replayed: true });
    assert.equal(again.calls.length, 0);

    const legacy = newKey();
    await kv.put(
      EffectLedger.keyOf(AGENT, legacy),
      JSON.stringify({ idempotencyKey: legacy, agent: AGENT, recordedAt: new Date().toISOString(), result: 'old' }),
    );
    assert.deepEqual(await ledger.once(AGENT, legacy, again.fn), { result: 'old', replayed: true });
    assert.equal(again.calls.length, 0);
  });

  it('fails with the non-retryable EFFECT_OUTCOME_UNKNOWN when a holder was killed mid-call and nothing can reconcile', async () => {
    const key = newKey();
    const child = spawn(
      process.execPath,
      [
        '--conditions=baton-source',
        '--import',
        'tsx',
        join(repoRoot, 'packages/agent/test/fixtures/dying-holder.ts'),
        AGENT,
        key,
        String(TTL),
      ],
      { cwd: repoRoot, env: process.env, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('calling') && resolve());
        child.once('exit', (code) => reject(new Error(`dying holder exited early (${code})`)));
      });
    } finally {
      child.kill('SIGKILL');
    }
    const entry = await ledger.entry(AGENT, key);
    assert.equal(entry?.value.state, 'claimed', 'the killed holder left its claim');
    assert.match((entry?.value as { holder: string }).holder, /^dying-holder@/);

    const next = counting('charged again');
    await assert.rejects(
      ledger.once(AGENT, key, next.fn, { claimTtlMs: TTL }),
      (err: unknown) =>
        err instanceof AgentError &&
        err.code === 'EFFECT_OUTCOME_UNKNOWN' &&
        !err.retryable &&
        (err as unknown as { holder: string }).holder.startsWith('dying-holder@'),
    );
    assert.equal(next.calls.length, 0, 'never guessed: the effect is not run again');
    assert.equal(await state(key), 'unknown');
    // Every later attempt keeps saying so, at once, until a person or a reconcile settles it.
    await assert.rejects(
      ledger.once(AGENT, key, next.fn, { claimTtlMs: TTL }),
      (err: unknown) => err instanceof AgentError && err.code === 'EFFECT_OUTCOME_UNKNOWN',
    );
    assert.equal(next.calls.length, 0);
  });

  it('records what reconcile finds for a dead holder, without running fn', async () => {
    const key = newKey();
    await plantDeadClaim(key);
    const next = counting({ chargeId: 'second' });
    const asked: string[] = [];
    const outcome = await ledger.once(AGENT, key, next.fn, {
      claimTtlMs: TTL,
      reconcile: async (k) => {
        asked.push(k);
        return { chargeId: 'first' };
      },
    });
    assert.deepEqual(outcome, { result: { chargeId: 'first' }, replayed: true, reconciled: true });
    assert.deepEqual(asked, [key], 'reconcile is asked with the idempotency key');
    assert.equal(next.calls.length, 0);
    const record = await ledger.find(AGENT, key);
    assert.deepEqual(record?.result, { chargeId: 'first' });
    assert.equal(record?.reconciled, true);
  });

  it('runs fn once when reconcile finds that a dead holder never reached the external system', async () => {
    const key = newKey();
    await plantDeadClaim(key);
    const next = counting('done now');
    const outcome = await ledger.once(AGENT, key, next.fn, { claimTtlMs: TTL, reconcile: async () => undefined });
    assert.deepEqual(outcome, { result: 'done now', replayed: false });
    assert.equal(next.calls.length, 1);
  });

  it('keeps the outcome unknown and retryable when reconcile itself fails', async () => {
    const key = newKey();
    await plantDeadClaim(key);
    const next = counting('x');
    await assert.rejects(
      ledger.once(AGENT, key, next.fn, {
        claimTtlMs: TTL,
        reconcile: () => Promise.reject(new ExternalSystemError('payment', 'down')),
      }),
      (err: unknown) => err instanceof AgentError && err.code === 'EFFECT_RECONCILE_FAILED' && err.retryable,
    );
    assert.equal(next.calls.length, 0);
    assert.equal(await state(key), 'unknown');
    const later = await ledger.once(AGENT, key, next.fn, { claimTtlMs: TTL, reconcile: async () => 'found later' });
    assert.deepEqual(later, { result: 'found later', replayed: true, reconciled: true });
  });

  it('re-runs fn after a dead holder when the external system deduplicates on the key (retrySafe)', async () => {
    const key = newKey();
    await plantDeadClaim(key);
    const next = counting('same answer');
    const outcome = await ledger.once(AGENT, key, next.fn, { claimTtlMs: TTL, retrySafe: true });
    assert.equal(outcome.result, 'same answer');
    assert.deepEqual(next.calls, [key], 'the same idempotency key goes out again');
  });

  it('releases the claim after a definite refusal, so the next attempt runs fn', async () => {
    const key = newKey();
    await assert.rejects(
      ledger.once(AGENT, key, () => Promise.reject(new AgentError('NO_TABLE', 'no table', false)), { claimTtlMs: TTL }),
      (err: unknown) => err instanceof AgentError && err.code === 'NO_TABLE',
    );
    assert.equal(await state(key), 'none');
    const next = counting('held');
    assert.equal((await ledger.once(AGENT, key, next.fn, { claimTtlMs: TTL })).result, 'held');
    assert.equal(next.calls.length, 1);
  });

  it('treats a failed call without a definite answer as an unknown outcome, unless reconcile or retrySafe says otherwise', async () => {
    const timeout = () => Promise.reject(new ExternalSystemError('payment', 'timed out'));

    const strict = newKey();
    await assert.rejects(
      ledger.once(AGENT, strict, timeout, { claimTtlMs: TTL }),
      (err: unknown) => err instanceof AgentError && err.code === 'EFFECT_OUTCOME_UNKNOWN' && !err.retryable,
    );
    assert.equal(await state(strict), 'unknown');

    const lost = newKey();
    const found = await ledger.once(AGENT, lost, timeout, {
      claimTtlMs: TTL,
      reconcile: async () => ({ chargeId: 'applied' }),
    });
    assert.deepEqual(
      found,
      { result: { chargeId: 'applied' }, replayed: true, reconciled: true },
      'the answer was lost, the charge was not',
    );

    const never = newKey();
    await assert.rejects(
      ledger.once(AGENT, never, timeout, { claimTtlMs: TTL, reconcile: async () => undefined }),
      (err: unknown) => err instanceof AgentError && err.code === 'EXTERNAL_UNAVAILABLE' && err.retryable,
    );
    assert.equal(await state(never), 'none', 'not applied: the key is free for the retry');

    const deduplicated = newKey();
    await assert.rejects(
      ledger.once(AGENT, deduplicated, timeout, { claimTtlMs: TTL, retrySafe: true }),
      (err: unknown) => err instanceof AgentError && err.code === 'EXTERNAL_UNAVAILABLE',
    );
    assert.equal(await state(deduplicated), 'none');
  });

  it('keeps a result that fails validation out of the ledger, and lets the next attempt reconcile', async () => {
    const key = newKey();
    const validate = (r: { chargeId?: unknown }) => {
      if (typeof r.chargeId !== 'string') throw new TypeError('chargeId: expected a string');
      return r;
    };
    await assert.rejects(
      ledger.once(AGENT, key, async () => ({ chargeId: 42 }) as { chargeId?: unknown }, { claimTtlMs: TTL, validate }),
      (err: unknown) => err instanceof AgentError && err.code === 'EFFECT_OUTPUT_INVALID' && err.retryable,
    );
    assert.equal(await ledger.find(AGENT, key), undefined, 'the bad output is not recorded');
    assert.equal(await state(key), 'unknown', 'the call did happen: its outcome must be looked up');
    const next = counting({ chargeId: 'again' } as { chargeId?: unknown });
    const outcome = await ledger.once(AGENT, key, next.fn, {
      claimTtlMs: TTL,
      validate,
      reconcile: async () => ({ chargeId: 'ch-9' }),
    });
    assert.deepEqual(outcome.result, { chargeId: 'ch-9' });
    assert.equal(next.calls.length, 0);
  });

  it("never records a result over a claim that was taken over meanwhile: EFFECT_CLAIM_LOST, and the taker's record stands", async () => {
    /** What a taker leaves after it found this call's claim dead: a compare-and-set over it. */
    const takeOver = async (key: string, entry: LedgerEntry) => {
      for (;;) {
        const current = await kv.get(EffectLedger.keyOf(AGENT, key));
        try {
          await kv.update(EffectLedger.keyOf(AGENT, key), JSON.stringify(entry), current!.revision);
          return;
        } catch (err) {
          if (!isRevisionConflict(err)) throw err; // a keep-alive write came in between: again
        }
      }
    };
    const at = new Date().toISOString();
    const takers: Array<(key: string) => LedgerEntry> = [
      // The taker reconciled: the external system showed the charge, and it recorded that.
      (key) => ({
        state: 'done',
        idempotencyKey: key,
        agent: AGENT,
        holder: 'taker@elsewhere:2#1',
        recordedAt: at,
        result: { chargeId: 'found-by-taker' },
        reconciled: true,
      }),
      // The taker could not tell and handed the case to a person.
      (key) => ({
        state: 'unknown',
        idempotencyKey: key,
        agent: AGENT,
        holder: 'cut-off',
        claimedAt: at,
        since: at,
        reason: 'holder stopped renewing its claim',
      }),
    ];
    for (const taker of takers) {
      const key = newKey();
      const theirs = taker(key);
      // The call answers only after its claim was taken over (its holder was cut off meanwhile).
      const late = async () => {
        await takeOver(key, theirs);
        return { chargeId: 'late-answer' };
      };
      await assert.rejects(
        ledger.once(AGENT, key, late, { claimTtlMs: TTL }),
        (err: unknown) =>
          err instanceof AgentError &&
          err.code === 'EFFECT_CLAIM_LOST' &&
          err.retryable &&
          err.message.includes(`the record reads ${theirs.state}`),
      );
      assert.deepEqual(
        (await ledger.entry(AGENT, key))?.value,
        theirs,
        `the taker's ${theirs.state} record is not overwritten`,
      );
    }
  });
});
