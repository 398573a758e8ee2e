// The gateway's progress endpoint before it streams (services/gateway/src/progress.ts): what a
// source signs for a GET, Last-Event-ID, and who may read a workflow's progress: only the source
// its event claim recorded (waited for briefly: the claim follows the 202); another source and an
// unclaimed workflow get the same 404; a claim look-up that never answers is bounded (503), never a
// request that hangs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLastEventId, type Bus } from '@baton/bus';
import { createLogger } from '@baton/telemetry';
import type { EventClaims } from '../src/event-claims.js';
import { ProgressStreams, signedTarget } from '../src/progress.js';

const logger = createLogger('gateway-progress-test', 'silent');
const streamsWith = (sourceOf: (workflowId: string) => Promise<string | undefined>) =>
  new ProgressStreams(
    { bus: {} as Bus, claims: { sourceOf } as unknown as EventClaims, logger },
    { keepAliveMs: 15_000, lookupTimeoutMs: 50 },
  );

describe('progress endpoint', () => {
  it('signs the method and the request target as sent', () => {
    assert.equal(
      signedTarget('GET', '/progress?workflowId=reservation-webhook.a%2Fk'),
      'GET /progress?workflowId=reservation-webhook.a%2Fk',
    );
  });

  it('reads Last-Event-ID as a stream sequence, absent as from the start', () => {
    assert.equal(parseLastEventId(undefined), undefined);
    assert.equal(parseLastEventId(''), undefined);
    assert.equal(parseLastEventId('1841'), 1841);
    assert.equal(parseLastEventId('18x'), 'invalid');
    assert.equal(parseLastEventId('-1'), 'invalid');
  });

  it("lets only the source that started the workflow read it, and says nothing of others' workflows", async () => {
    const progress = streamsWith(async (id) => (id === 'wf-a' ? 'webhook.a' : undefined));
    assert.equal(await progress.refusal('webhook.a', 'wf-a', undefined), undefined);
    const other = await progress.refusal('webhook.b', 'wf-a', undefined);
    const nowhere = await progress.refusal('webhook.b', 'wf-none', undefined);
    assert.deepEqual([other?.status, other?.error], [404, 'UNKNOWN_WORKFLOW']);
    assert.deepEqual([nowhere?.status, nowhere?.error], [404, 'UNKNOWN_WORKFLOW']);
    assert.deepEqual(
      [
        (await progress.refusal('webhook.a', undefined, undefined))?.status,
        (await progress.refusal('webhook.a', 'wf-a', 'x'))?.error,
      ],
      [400, 'BAD_LAST_EVENT_ID'],
    );
  });

  it('waits for the claim of an event answered a moment ago (its consumer claims it after the 202)', async () => {
    let asked = 0;
    const progress = streamsWith(async () => (++asked < 3 ? undefined : 'webhook.a'));
    assert.equal(await progress.refusal('webhook.a', 'wf-a', undefined), undefined);
    assert.equal(asked, 3);
  });

  it('answers 503 when the claim look-up does not answer within its bound', async () => {
    const progress = streamsWith(() => new Promise<never>(() => undefined));
    const started = Date.now();
    const refusal = await progress.refusal('webhook.a', 'wf-a', undefined);
    assert.deepEqual([refusal?.status, refusal?.error], [503, 'UNAVAILABLE']);
    assert.ok(Date.now() - started < 5_000, 'bounded by the look-up timeout');
  });
});
