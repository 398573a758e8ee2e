// test-tier: own-services (it stops its orchestrator to read the whole of its log)
// Every line the orchestrator writes is one JSON object, the Temporal SDK's and core's included:
// a run with a step that succeeds, a step the agent refuses (the workflow fails) and a step whose
// activity throws in the worker (the SDK logs "Activity failed" and "Workflow failed" with the
// error), then the orchestrator's log file, line by line.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { ServiceSet, stackEnv, temporalClient } from '@baton/testkit';
import { taskQueues } from '@baton/contracts';
import type { AgentStepInput } from '@baton/workflow-kit/internal';

describe('service logs', () => {
  let services: ServiceSet;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  // The log file is appended to by every orchestrator of the run: this file reads what its own wrote.
  let logStart = 0;
  before(async () => {
    const logFile = join(stackEnv().stateDir, 'logs', 'services', 'orchestrator.log');
    logStart = existsSync(logFile) ? statSync(logFile).size : 0;
    services = await ServiceSet.start(['orchestrator', 'echo']);
    temporal = await temporalClient();
  });
  after(async () => {
    await services?.stop();
    await temporal?.close();
  });

  const step = (input: AgentStepInput) =>
    temporal.workflow.execute('agentStepWorkflow', {
      taskQueue: taskQueues.orchestrator,
      workflowId: `logs-${randomUUID()}`,
      args: [input],
    });
  const fails = (input: AgentStepInput) =>
    step(input).then(
      () => assert.fail('the step must fail'),
      (err: unknown) => assert.ok(err instanceof WorkflowFailedError, String(err)),
    );

  it('every line of the orchestrator log parses as JSON after a run with failing steps, the SDK warnings among them', async () => {
    assert.deepEqual(await step({ agent: 'echo', input: { text: 'hello' } }), { text: 'hello' });
    // The agent refuses input outside its contract: the activity fails, the workflow fails.
    await fails({ agent: 'echo', input: { text: 42 }, maximumAttempts: 1 });
    // A task larger than NATS takes: callAgent throws in the worker, which the SDK logs; the
    // input is past Temporal's payload warning limit too, which the core (native code) logs.
    await fails({ agent: 'echo', input: { text: 'x'.repeat(1_100_000) }, maximumAttempts: 1 });

    const orchestrator = services.get('orchestrator');
    await orchestrator.stop();
    const lines = readFileSync(orchestrator.logFile)
      .subarray(logStart)
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');
    const notJson = lines.filter((line) => {
      try {
        return typeof JSON.parse(line) !== 'object';
      } catch {
        return true;
      }
    });
    assert.deepEqual(notJson.slice(0, 10), [], `${notJson.length} of ${lines.length} lines are not JSON`);
    const entries = lines.map(
      (line) =>
        JSON.parse(line) as {
          msg?: string;
          level?: string;
          logger?: string;
          sdkComponent?: string;
          error?: { message?: string };
        },
    );
    // The SDK's own warnings are among them, as JSON with their error as fields.
    const activityFailed = entries.find((e) => e.logger === 'temporal' && e.msg === 'Activity failed');
    assert.equal(activityFailed?.level, 'warn', 'the SDK logged the activity that threw');
    assert.match(activityFailed?.error?.message ?? '', /payload|MAX_PAYLOAD/i);
    assert.equal(
      entries.filter((e) => e.logger === 'temporal' && e.msg === 'Workflow failed' && e.level === 'warn').length,
      2,
      'the SDK logged both failed workflows',
    );
    assert.ok(
      entries.some((e) => e.logger === 'temporal' && e.sdkComponent === 'core' && e.level === 'warn'),
      "the core's own warning is forwarded",
    );
  });
});
