// Nobody acts on Temporal without an identity (issue 26): the frontend takes no caller without a
// certificate of the stack's CA, and each identity may do only what its role needs. Tried here
// against a reservation waiting at its allergy gate: completing a step's activity by its id,
// starting a reservation directly, and sending the `decide` and `resolve` updates are refused
// without a certificate and with an agent's (and decide/resolve with every identity but the
// console's); the console's decide goes through, as the positive control. The gateway may start
// only the workflow types the registry's event routes start (the list infra/stack.sh writes).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { taskQueues } from '@baton/contracts';
import {
  ensureTemporalCertificate,
  payloadKeyEnv,
  postEvent,
  reservationEvent,
  stackEnv,
  temporalConnectionAs,
  temporalTlsDir,
} from '@baton/testkit';
import { causeChain, decideUpdate, resolveUpdate, statusQuery } from '@baton/workflow-kit';
import { temporalDataConverter } from '@baton/temporal-codec';
import { startStack, waitForState, type Stack } from './support.js';

/** The agent identity whose certificate (signed by the stack's own CA) the server must refuse. */
const AGENT = 'agent-intake';

/** Whether an error (or any of its causes) is the server's refusal: gRPC PERMISSION_DENIED. */
function isPermissionDenied(err: unknown): boolean {
  return causeChain(err).some((e) => {
    const { code, message } = e as { code?: unknown; message?: unknown };
    return code === 7 || (typeof message === 'string' && /Request unauthorized/.test(message));
  });
}

async function refused(what: string, attempt: Promise<unknown>): Promise<void> {
  await assert.rejects(attempt, (err) => {
    assert.ok(
      isPermissionDenied(err),
      `${what}: expected PERMISSION_DENIED, got ${String((err as Error)?.stack ?? err)}`,
    );
    return true;
  });
}

describe('Temporal identities (mutual TLS and an authorizer per API and identity)', () => {
  let stack: Stack;
  const connections: Connection[] = [];
  const as = (identity: string): Client => {
    // Lazy: an agent's connection is refused at its first call (GetSystemInfo) already; each
    // call below is to be refused on its own.
    const connection = Connection.lazy({ ...temporalConnectionAs(identity), connectTimeout: '5 seconds' });
    connections.push(connection);
    return new Client({
      connection,
      namespace: stackEnv().BATON_TEMPORAL_NAMESPACE,
      dataConverter: temporalDataConverter(payloadKeyEnv()),
    });
  };
  let workflowId: string;
  before(async () => {
    stack = await startStack();
    ensureTemporalCertificate(AGENT);
    workflowId = String(
      (await postEvent(reservationEvent('Table for 2, Friday 8pm, allergic to sesame'))).body.workflowId,
    );
    await waitForState(stack, workflowId, 'Awaiting approval');
  });
  after(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await stack?.close();
  });

  it('takes no call without a certificate of its CA, with or without TLS', async () => {
    const { address } = temporalConnectionAs();
    await assert.rejects(async () => {
      const plain = await Connection.connect({ address, connectTimeout: '3 seconds' });
      connections.push(plain);
      await plain.workflowService.getSystemInfo({});
    }, 'a plaintext client is refused');
    const { tls } = temporalConnectionAs();
    await assert.rejects(async () => {
      const anonymous = await Connection.connect({
        address,
        connectTimeout: '3 seconds',
        tls: { serverNameOverride: tls!.serverNameOverride, serverRootCACertificate: tls!.serverRootCACertificate },
      });
      connections.push(anonymous);
      await anonymous.workflowService.getSystemInfo({});
    }, 'a TLS client without a certificate is refused');
  });

  it("refuses an agent's certificate: not even a connection's first call, no activity completed by id, no reservation started, no decide, no resolve", async () => {
    await refused(
      "an agent's connection",
      Connection.connect({ ...temporalConnectionAs(AGENT), connectTimeout: '5 seconds' }),
    );
    const agent = as(AGENT);
    const gate = (await stack.temporal.workflow.getHandle(workflowId).query(statusQuery)).gate!;
    await refused(
      'completing an activity by id',
      agent.activity.complete({ workflowId, activityId: '1' }, { needsReview: false }),
    );
    const event = reservationEvent('Table for 2, Friday 8pm');
    await refused(
      'starting a reservation',
      agent.workflow.start('reservationWorkflow', {
        taskQueue: taskQueues.orchestrator,
        workflowId: `forged-${randomUUID()}`,
        args: [event],
      }),
    );
    const handle = agent.workflow.getHandle(workflowId);
    await refused(
      'decide',
      handle.executeUpdate(decideUpdate, {
        args: [
          {
            gateId: gate.gateId,
            digest: gate.digest,
            decision: 'approve',
            decidedBy: 'mia',
            role: 'manager',
            reason: 'forged',
          },
        ],
      }),
    );
    await refused('resolve', handle.executeUpdate(resolveUpdate, { args: [{ resolvedBy: 'anyone' }] }));
  });

  it('lets no identity but the console send decide or resolve, and nobody complete an activity by id', async () => {
    const gate = (await stack.temporal.workflow.getHandle(workflowId).query(statusQuery)).gate!;
    const decision = {
      gateId: gate.gateId,
      digest: gate.digest,
      decision: 'approve' as const,
      decidedBy: 'mia',
      role: 'manager',
      reason: 'forged',
    };
    for (const identity of ['gateway', 'orchestrator', 'operator']) {
      const handle = as(identity).workflow.getHandle(workflowId);
      await refused(`decide as ${identity}`, handle.executeUpdate(decideUpdate, { args: [decision] }));
      await refused(
        `resolve as ${identity}`,
        handle.executeUpdate(resolveUpdate, { args: [{ resolvedBy: 'anyone' }] }),
      );
    }
    await refused(
      'completing an activity by id as the orchestrator',
      as('orchestrator').activity.complete({ workflowId, activityId: '1' }, { needsReview: false }),
    );
    assert.equal(
      (await stack.temporal.workflow.getHandle(workflowId).query(statusQuery)).state,
      'Awaiting approval',
      'nothing forged moved the reservation',
    );

    // The console's identity gets through the server: its resolve reaches the workflow (whose
    // validator refuses it: nothing is escalated), and its decide is taken.
    const console_ = as('console').workflow.getHandle(workflowId);
    await assert.rejects(
      console_.executeUpdate(resolveUpdate, { args: [{ resolvedBy: 'mia' }] }),
      (err) => !isPermissionDenied(err),
    );
    const after = await console_.executeUpdate(decideUpdate, { args: [{ ...decision, reason: 'kitchen briefed' }] });
    assert.notEqual(after.state, 'Awaiting approval');
    await waitForState(stack, workflowId, 'Confirmed');
  });

  it('lets the gateway start the registered workflow types only, and reads their list again when it changes', async () => {
    const gateway = as('gateway');
    const start = (type: string, id = `forged-${randomUUID()}`) =>
      // REJECT_DUPLICATE: under the id of the reservation (which may have finished by now) the
      // server answers "already started" once the authorizer let the call through; nothing runs.
      gateway.workflow.start(type, {
        taskQueue: taskQueues.orchestrator,
        workflowId: id,
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [reservationEvent('Table for 2, Friday 8pm')],
      });
    // The workflow kit's own step workflow runs an agent step with whatever input it is given.
    await refused('starting agentStepWorkflow as the gateway', start('agentStepWorkflow'));
    await refused('starting a type nobody registered as the gateway', start('notRegisteredWorkflow'));
    // A registered type gets past the authorizer (to "already started"). The reservation itself
    // was started by the gateway service from the webhook (before()).
    await assert.rejects(start('reservationWorkflow', workflowId), WorkflowExecutionAlreadyStartedError);

    // The list is a file the server reads again when it changes: a type added is allowed at once.
    const file = join(temporalTlsDir(), 'gateway-workflow-types');
    const written = readFileSync(file, 'utf8');
    assert.match(written, /^reservationWorkflow$/m, "the stack wrote the registry's types");
    assert.doesNotMatch(written, /agentStepWorkflow|digestWorkflow/, 'no type only the kit or a schedule starts');
    await refused('a type not in the list yet', start('lateWorkflow', workflowId));
    try {
      writeFileSync(file, `${written}lateWorkflow\n`);
      await assert.rejects(start('lateWorkflow', workflowId), WorkflowExecutionAlreadyStartedError);
    } finally {
      writeFileSync(file, written);
    }
    await refused('a type taken off the list', start('lateWorkflow', workflowId));
  });
});
