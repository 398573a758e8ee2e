// waitFor: polls through transient errors, ends at once on a probe's definitive "never", and
// stays bounded even when a probe hangs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor, WaitAbortedError, WaitTimeoutError } from '../src/index.js';

describe('waitFor', () => {
  it('retries a probe that throws an ordinary error, and returns its first real value', async () => {
    let calls = 0;
    const value = await waitFor(
      'the third look',
      () => {
        calls++;
        if (calls < 3) throw new Error('not up yet');
        return 'ready';
      },
      { timeoutMs: 5_000, intervalMs: 10 },
    );
    assert.equal(value, 'ready');
    assert.equal(calls, 3);
  });

  it('ends on the first WaitAbortedError, rethrown as is, long before its timeout', async () => {
    let calls = 0;
    const started = Date.now();
    const never = new WaitAbortedError('wf-1 ended in "Compensated" instead');
    await assert.rejects(
      waitFor(
        'wf-1 to reach "Confirmed"',
        async () => {
          calls++;
          throw never;
        },
        { timeoutMs: 20_000, intervalMs: 10 },
      ),
      (err: unknown) => err === never,
    );
    assert.equal(calls, 1, 'the probe is not asked again');
    assert.ok(Date.now() - started < 1_000, 'the wait did not run out its timeout');
  });

  it('times out with the last ordinary error as its cause', async () => {
    const cause = new Error('connection refused');
    await assert.rejects(
      waitFor('a server that never starts', () => Promise.reject(cause), { timeoutMs: 100, intervalMs: 10 }),
      (err: unknown) => err instanceof WaitTimeoutError && err.cause === cause && err.code === 'WAIT_TIMEOUT',
    );
  });

  it('stays bounded when a probe never answers', async () => {
    const started = Date.now();
    await assert.rejects(
      waitFor('a probe that hangs', () => new Promise<never>(() => undefined), { timeoutMs: 200 }),
      (err: unknown) => err instanceof WaitTimeoutError,
    );
    // The bound plus the last probe's grace (1 s), with room for a loaded machine.
    assert.ok(Date.now() - started < 3_000, `took ${Date.now() - started} ms`);
  });

  it('treats false and undefined as "not yet"', async () => {
    const answers: Array<false | undefined | number> = [false, undefined, 0];
    const value = await waitFor('a falsy but real value', () => answers.shift(), { timeoutMs: 5_000, intervalMs: 10 });
    assert.equal(value, 0);
  });
});
