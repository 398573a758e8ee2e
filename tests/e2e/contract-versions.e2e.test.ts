// test-tier: own-services (it runs an orchestrator alone)
// What happens when an agent is deployed with a changed contract while workflows expect the old
// one, on the real stack: each task carries the version the workflow expects (1 for the samples'
// echo); an agent that still answers it does (and the bridge reads its output as that version),
// one that does not refuses with a non-retryable CONTRACT_VERSION_UNSUPPORTED, and the bridge
// refuses an answer given in another version than the one expected. The echo agents here are
// test-only next versions (tests/e2e/upgrade/echo-v2.ts, echo-v3.ts), one at a time.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { NodeProcess, ServiceSet, stackEnv, temporalClient, testBus, waitFor } from '@baton/testkit';
import { publishJson, type Bus } from '@baton/bus';
import { AgentTask, consumers, streams, subjects, taskQueues, type AgentResult } from '@baton/contracts';
import { causeChain, type AgentStepInput } from '@baton/workflow-kit/internal';

/** The ApplicationFailure at the root of a failed workflow. */
function rootFailure(err: unknown): ApplicationFailure | undefined {
  return causeChain(err).find((e) => e instanceof ApplicationFailure);
}

describe('agent contract versions', () => {
  let services: ServiceSet;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  let bus: Bus;
  let echo: NodeProcess | undefined;
  before(async () => {
    services = await ServiceSet.start(['orchestrator']);
    temporal = await temporalClient();
    bus = await testBus();
  });
  after(async () => {
    await echo?.stop();
    await services?.stop();
    await temporal?.close();
    await bus?.close();
  });

  /** Replaces the running echo agent by a test-only version of it. */
  const deployEcho = async (version: 'echo-v2' | 'echo-v3') => {
    await echo?.stop();
    echo = await new NodeProcess({
      name: version,
      entry: join('packages', 'agent', 'src', 'serve.ts'),
      args: [join('tests', 'e2e', 'upgrade', `${version}.ts`)],
      logDir: join(stackEnv().stateDir, 'logs', 'services'),
      env: { BATON_METRICS_PORT: '0' },
    }).start();
  };
  const step = (input: AgentStepInput) =>
    temporal.workflow.execute('agentStepWorkflow', {
      taskQueue: taskQueues.orchestrator,
      workflowId: `agent-step-${randomUUID()}`,
      args: [input],
    });

  it('an agent whose change is additive (version 2, also answering 1) answers workflows that expect 1; the bridge reads its output as version 1', async () => {
    await deployEcho('echo-v2');
    // Version 2 adds `length`; the workflow expecting version 1 receives exactly version 1.
    assert.deepEqual(await step({ agent: 'echo', input: { text: 'hello' } }), { text: 'hello' });
    const chain = await temporal.workflow.execute('benchChainWorkflow', {
      taskQueue: taskQueues.orchestrator,
      workflowId: `bench-chain-${randomUUID()}`,
      args: [{ steps: 2, text: 'twice' }],
    });
    assert.deepEqual(chain, { text: 'twice', steps: 2 });
  });

  it('an agent whose change is breaking (version 3 only) refuses a task that expects version 1 with a non-retryable error, tried once', async () => {
    await deployEcho('echo-v3');
    const workflowId = `agent-step-${randomUUID()}`;
    const err = await temporal.workflow
      .execute('agentStepWorkflow', {
        taskQueue: taskQueues.orchestrator,
        workflowId,
        args: [{ agent: 'echo', input: { text: 'hello' } } satisfies AgentStepInput],
      })
      .then(
        () => assert.fail('the step must fail'),
        (e: unknown) => e,
      );
    assert.ok(err instanceof WorkflowFailedError);
    const failure = rootFailure(err);
    assert.equal(failure?.type, 'CONTRACT_VERSION_UNSUPPORTED');
    assert.equal(failure?.nonRetryable, true);
    assert.match(
      failure?.message ?? '',
      /^echo answers contract version 3; the task expects version 1: deploy an agent echo that answers version 1, or workflow code that expects version 3$/,
    );
    const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
    const attempts = (history.events ?? [])
      .filter((e) => e.activityTaskStartedEventAttributes)
      .map((e) => e.activityTaskStartedEventAttributes!.attempt);
    assert.deepEqual(attempts, [1], 'not retried: no attempt could change the answer');
  });

  it('the bridge refuses an answer in another contract version than the workflow expects', async () => {
    await echo?.stop();
    echo = undefined;
    // No echo agent runs: the test takes the task from the agent's consumer and answers it as
    // an agent of version 2 that does not answer version 1 would (one not built on the runtime).
    const workflowId = `agent-step-${randomUUID()}`;
    const handle = await temporal.workflow.start('agentStepWorkflow', {
      taskQueue: taskQueues.orchestrator,
      workflowId,
      args: [{ agent: 'echo', input: { text: 'hello' } } satisfies AgentStepInput],
    });
    const consumer = await bus.js.consumers.get(streams.tasks, consumers.agent('echo'));
    const msg = await waitFor('the echo task', async () => (await consumer.next({ expires: 2_000 })) ?? undefined);
    const task = AgentTask.parse(msg.json());
    assert.equal(task.workflowId, workflowId);
    assert.equal(task.contractVersion, 1, 'the task carries the version the workflow expects');
    const result: AgentResult = {
      taskId: task.taskId,
      agent: task.agent,
      kind: task.kind,
      workflowId: task.workflowId,
      stepId: task.stepId,
      attempt: task.attempt,
      taskToken: task.taskToken,
      // A result carries its task's seal back, or the bridge refuses it before any version check.
      ...(task.seal ? { seal: task.seal } : {}),
      finishedAt: new Date().toISOString(),
      contractVersion: 2,
      status: 'ok',
      output: { text: 'hello' },
    };
    await publishJson(bus.js, subjects.result('echo'), result, { msgID: `result:${task.taskId}` });
    msg.ack();
    const err = await handle.result().then(
      () => assert.fail('the step must fail'),
      (e: unknown) => e,
    );
    const failure = rootFailure(err);
    assert.equal(failure?.type, 'CONTRACT_VERSION_MISMATCH');
    assert.equal(failure?.nonRetryable, true);
    assert.equal(failure?.message, 'echo answered version 2 of its contract; the workflow expects version 1');
  });
});
