// The agents' side of late commits: a cancellation by reference is asked of the system with its
// scope, what it reports committed is read oldest first, and several effects under one reference
// are never kept silently: the first is kept, the others undone, and the alarm raised.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trace } from '@opentelemetry/api';
import { createLogger } from '@baton/telemetry';
import { cancelReference, committedOf, keepOne, type Cancellation } from '../src/index.js';

const span = trace.getTracer('late-commits-test').startSpan('test');

describe('late commits in agents', () => {
  it('asks the system to cancel a reference with its scope, at POST /cancellations', async () => {
    const calls: unknown[] = [];
    const answer: Cancellation = { reference: 'wf-1/deposit', all: false, committed: {} };
    const ctx = { callExternal: async <T>(call: unknown) => (calls.push(call), answer as T) };
    assert.equal(
      await cancelReference(
        ctx,
        { system: 'payment', baseUrl: 'http://pay', timeoutMs: 900 },
        'wf-1/deposit',
        'pending',
      ),
      answer,
    );
    assert.deepEqual(calls, [
      {
        system: 'payment',
        method: 'POST',
        url: 'http://pay/cancellations',
        body: { reference: 'wf-1/deposit', scope: 'pending' },
        timeoutMs: 900,
      },
    ]);
  });

  it('reads what was committed under the reference oldest first, of one kind, and only what is live', () => {
    const cancellation: Cancellation = {
      reference: 'wf-1/deposit',
      all: true,
      committed: {
        charges: [
          { chargeId: 'b', refunded: false, createdAt: '2026-12-07T10:00:02Z' },
          { chargeId: 'a', refunded: false, createdAt: '2026-12-07T10:00:01Z' },
          { chargeId: 'c', refunded: true, createdAt: '2026-12-07T10:00:00Z' },
        ],
        refunds: [{ chargeId: 'c' }],
      },
    };
    const live = committedOf<{ chargeId: string; refunded: boolean }>(cancellation, 'charges', (c) => !c.refunded);
    assert.deepEqual(
      live.map((c) => c.chargeId),
      ['a', 'b'],
    );
    assert.deepEqual(committedOf(cancellation, 'holds'), []);
  });

  it('keeps the first of two effects under one reference, undoes the other and logs the alarm', async () => {
    const lines: Array<{ level: string; msg: string }> = [];
    const logger = createLogger('late-commits-test', 'error');
    const ctx = {
      workflowId: 'wf-1',
      stepId: 'deposit',
      span,
      logger: Object.assign(Object.create(logger), {
        error: (_: unknown, msg: string) => lines.push({ level: 'error', msg }),
      }),
    };
    const undone: string[] = [];
    const kept = await keepOne(
      ctx,
      { agent: 'payment', effect: 'charge', reference: 'wf-1/deposit' },
      ['first', 'second'],
      async (extra) => void undone.push(extra),
    );
    assert.equal(kept, 'first');
    assert.deepEqual(undone, ['second']);
    assert.deepEqual(
      lines.map((l) => l.msg),
      ['several effects under one reference: keeping the first, undoing the rest'],
    );

    const quiet: string[] = [];
    assert.equal(
      await keepOne(
        ctx,
        { agent: 'payment', effect: 'charge', reference: 'wf-2/deposit' },
        ['only'],
        async (e) => void quiet.push(e),
      ),
      'only',
    );
    assert.equal(
      await keepOne(
        ctx,
        { agent: 'payment', effect: 'charge', reference: 'wf-3/deposit' },
        [],
        async (e) => void quiet.push(e),
      ),
      undefined,
    );
    assert.deepEqual(quiet, [], 'one or none: nothing undone');
    assert.equal(lines.length, 1, 'no alarm for one or none');
  });
});
