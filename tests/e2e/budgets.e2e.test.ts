// test-tier: own-services (its agents run with one model call a day)
// Model budgets on the real stack, with the model API simulated (the paid outer edge): an agent
// that has used its calls for the period makes no further model call, and the step reaches a
// person at the attention gate with a clear reason instead of failing or falling back silently.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kvm } from '@nats-io/kv';
import { buckets } from '@baton/contracts';
import type { AttentionPayload } from '@baton/workflow-kit';
import {
  nextWeekday,
  postEvent,
  reservationEvent,
  startSimulatedModelApi,
  type SimulatedModelApi,
} from '@baton/testkit';
import { startStack, waitForState, type Stack } from './support.js';

const extraction = { partySize: 2, date: nextWeekday('saturday'), time: '19:30', allergies: [], regular: false };

describe('model budgets (model API simulated)', () => {
  let stack: Stack;
  let api: SimulatedModelApi;
  let calls = 0;
  before(async () => {
    api = await startSimulatedModelApi();
    api.script('only', () => {
      calls++;
      return { content: JSON.stringify(extraction), promptTokens: 40, completionTokens: 10 };
    });
    stack = await startStack({
      env: {
        BATON_MODELS: 'only',
        BATON_MODEL_ONLY_PROVIDER: 'openai-compatible',
        BATON_MODEL_ONLY_BASE_URL: api.baseUrl('only'),
        BATON_MODEL_ONLY_MODEL: 'only-model',
        BATON_MODEL_MAX_RETRIES: '0',
        // One call per day for every agent that calls a model.
        BATON_MODEL_BUDGET_CALLS: '1',
        BATON_MODEL_BUDGET_PERIOD_MS: String(24 * 3600_000),
      },
      // A bound, not a wait: every service starts at once, on a machine that may be busy.
      readyTimeoutMs: 180_000,
    });
    // A budget left from an earlier run on this stack would be spent already.
    const kv = await new Kvm(stack.bus.js).create(buckets.modelBudgets);
    for await (const key of await kv.keys('intake.>')) await kv.purge(key);
  });
  after(async () => {
    await stack?.close();
    await api?.close();
  });

  it('serves the first request with the model, then hands the next to a person: no model call past the budget', async () => {
    const first = String(
      (await postEvent(reservationEvent('Table for 2 on Saturday at half past seven'))).body.workflowId,
    );
    const served = await waitForState(stack, first, 'Confirmed');
    assert.equal(served.request?.time, '19:30', 'the model read the first request');
    assert.equal(calls, 1);

    const kv = await new Kvm(stack.bus.js).create(buckets.modelBudgets);
    const keys: string[] = [];
    for await (const key of await kv.keys('intake.>')) keys.push(key);
    assert.equal(keys.length, 1);
    assert.deepEqual((await kv.get(keys[0]!))?.json(), { calls: 1, tokens: 50 }, 'the call and its tokens are counted');

    const second = String(
      (await postEvent(reservationEvent('Table for 2 on Saturday at half past seven'))).body.workflowId,
    );
    const waiting = await waitForState(stack, second, 'Needs attention');
    const payload = waiting.gate?.payload as unknown as AttentionPayload;
    assert.equal(payload.step.agent, 'intake');
    assert.equal(payload.step.errorCode, 'MODEL_BUDGET_EXCEEDED');
    assert.match(payload.step.error, /agent intake has used its model budget \(1 of 1 calls\).*no model was called/);
    assert.equal(calls, 1, 'the model was not called past the budget');
  });
});
