// The samples' benchmark chain as a specification, in-process on Temporal's test server
// (@baton/workflow-kit/testing): N handoffs to the echo agent, each through the durable handoff
// with the echo contract checked both ways, and the text out equals the text in. The kit's
// agentStepWorkflow is not in the samples' workflow module (the orchestrator bundles it beside
// every module), so it is not reachable through this registration and is not tested here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testWorkflow, type WorkflowHarness } from '@baton/workflow-kit/testing';
import { causeOf, type WorkflowStatus } from '@baton/workflow-kit';
import samples, { type BenchChainInput, type SampleAgents } from '../src/index.js';

describe('samples: the bench chain workflow', () => {
  let wf: WorkflowHarness<WorkflowStatus, SampleAgents>;
  before(async () => {
    wf = await testWorkflow(samples, { agents: { echo: ({ text }) => ({ text }) } });
  });
  after(() => wf?.close());

  it('hands the text to echo six times in order and returns it unchanged', async () => {
    const input: BenchChainInput = { steps: 6, text: 'the same words, six handoffs later' };
    const run = await wf.startWith(input);
    const result = (await run.handle.result()) as { text: string; steps: number };
    assert.deepEqual(result, { text: input.text, steps: 6 });
    assert.deepEqual(
      run.calls('echo').map((c) => c.stepId),
      ['echo-1', 'echo-2', 'echo-3', 'echo-4', 'echo-5', 'echo-6'],
    );
    assert.ok(
      run
        .calls('echo')
        .every(
          (c) => c.outcome && 'ok' in c.outcome && c.outcome.ok && (c.input as { text: string }).text === input.text,
        ),
    );
  });

  it('passes each handoff the previous answer, so an agent that changes the text shows at the end', async () => {
    const run = await wf.startWith({ steps: 3, text: 'a' } satisfies BenchChainInput, {
      agents: { echo: ({ text }) => ({ text: `${text}+` }) },
    });
    assert.deepEqual(await run.handle.result(), { text: 'a+++', steps: 3 });
  });

  it('makes a single handoff for steps 1 and none for steps 0', async () => {
    const one = await wf.startWith({ steps: 1, text: 'once' } satisfies BenchChainInput);
    assert.deepEqual(await one.handle.result(), { text: 'once', steps: 1 });
    assert.equal(one.calls('echo').length, 1);
    const none = await wf.startWith({ steps: 0, text: 'never handed off' } satisfies BenchChainInput);
    assert.deepEqual(await none.handle.result(), { text: 'never handed off', steps: 0 });
    assert.deepEqual(none.calls(), []);
  });

  it('names each handoff in history and records no patch marker when started as the gateway starts a run; records one when started without the list', async () => {
    const history = async (startedWith?: string[]) => {
      const run = await wf.startWith(
        { steps: 2, text: 'named' } satisfies BenchChainInput,
        startedWith ? { startedWith } : {},
      );
      await run.handle.result();
      const events = (await run.handle.fetchHistory()).events ?? [];
      return {
        markers: events.filter((e) => e.markerRecordedEventAttributes).length,
        ids: events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityId ?? []),
      };
    };
    // Started with the kit's settled patches: their code, no marker and no upsert after one.
    assert.deepEqual(await history(), { markers: 0, ids: ['run/echo/echo-1', 'run/echo/echo-2'] });
    // A run whose start lists nothing (a starter from before) asks Temporal, which records the marker.
    assert.deepEqual(await history([]), { markers: 1, ids: ['run/echo/echo-1', 'run/echo/echo-2'] });
  });

  it('fails the chain when a text breaks the echo contract, and echo is never asked', async () => {
    const run = await wf.startWith({ steps: 2, text: 'x'.repeat(65_537) } satisfies BenchChainInput);
    await assert.rejects(run.handle.result(), (err: unknown) =>
      /echo input breaks its contract: text: /.test(causeOf(err)),
    );
    assert.deepEqual(
      run.calls('echo').map((c) => (c.outcome && 'code' in c.outcome ? c.outcome.code : 'answered')),
      ['INVALID_INPUT'],
    );
  });
});
