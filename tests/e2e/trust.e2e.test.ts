// The paths around the console, the seal and the signature, closed, on the real stack (issue 26):
// what an agent's credentials, an anonymous visitor, a second webhook source, a caller without a
// role or the payload key, or a stale look at a gate could do before, each refused now. Every
// identity here is the stack's own (its seed from the state folder); nothing is mocked.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, afterEach, before, describe, it } from 'node:test';
import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { execa } from 'execa';
import { ArtifactStore } from '@baton/agent';
import { agentIdentity, connectBus, type Bus } from '@baton/bus';
import { buckets, streams, subjects, taskQueues } from '@baton/contracts';
import { resolveUpdate } from '@baton/workflow-kit';
import { workflowTypes } from '@baton/workflow-reservation';
import {
  LOCAL_EVENT_SOURCE,
  adminSeed,
  consoleUsers,
  postEvent,
  putWebhookSource,
  repoRoot,
  reservationEvent,
  seedFileOf,
  signedHeaders,
  stackEnv,
  temporalConnectionAs,
  waitFor,
} from '@baton/testkit';
import { pos, startStack, waitForState, type Stack } from './support.js';

const connectAs = (identity: string) =>
  connectBus({
    servers: stackEnv().BATON_NATS_URL,
    name: identity,
    nkeySeed: readFileSync(seedFileOf(identity), 'utf8').trim(),
  });
const refusedByNats = /permissions violation/i;

describe('trust: nobody acts without the identity the act needs', () => {
  let stack: Stack;
  let admin: Bus;
  let crmAgent: Bus;
  let availability: Bus;
  let orchestrator: Bus;
  before(async () => {
    stack = await startStack();
    admin = await connectBus({ servers: stackEnv().BATON_NATS_URL, name: 'trust-test', nkeySeed: adminSeed() });
    crmAgent = await connectAs(agentIdentity('crm-lookup'));
    availability = await connectAs(agentIdentity('availability'));
    orchestrator = await connectAs('orchestrator');
  });
  afterEach(async () => {
    await pos.clearFaults();
  });
  after(async () => {
    await Promise.all([crmAgent, availability, orchestrator, admin].map((b) => b?.close()));
    await stack?.close();
  });

  it('refuses an agent that would copy another stream into its bucket (stream sources), or make a new stream', async () => {
    const bucket = `KV_${buckets.supportCrmCache}`;
    const { config } = await admin.jsm.streams.info(bucket);
    await assert.rejects(
      crmAgent.jsm.streams.update(bucket, { ...config, sources: [{ name: `KV_${buckets.webhookSources}` }] }),
      refusedByNats,
    );
    await assert.rejects(
      crmAgent.jsm.streams.add({
        name: 'KV_stolen',
        subjects: ['$KV.stolen.>'],
        sources: [{ name: `KV_${buckets.consoleSessions}` }],
      }),
      refusedByNats,
    );
    assert.equal((await admin.jsm.streams.info(bucket)).config.sources, undefined, 'the bucket copies nothing');
  });

  it('refuses an audit record an agent forges, and the console shows who published each record', async () => {
    const event = reservationEvent('Table for 2, Thursday 8pm, allergic to mustard');
    const workflowId = String((await postEvent(event)).body.workflowId);
    await waitForState(stack, workflowId, 'Awaiting approval');
    const forged = {
      id: randomUUID(),
      kind: 'gate.decided',
      at: new Date().toISOString(),
      actor: 'mia',
      subject: 'reservation.allergy',
      reason: 'approved',
      workflowId,
    };
    // The subject agents could use before (any tool.* subject), and the orchestrator's: refused.
    await assert.rejects(availability.js.publish('baton.audit.tool.called', JSON.stringify(forged)), refusedByNats);
    await assert.rejects(
      availability.js.publish(subjects.audit('orchestrator', 'gate.decided'), JSON.stringify(forged)),
      refusedByNats,
    );
    await assert.rejects(
      availability.js.publish(subjects.audit(agentIdentity('availability'), 'gate.decided'), JSON.stringify(forged)),
      refusedByNats,
    );
    // Its own tool-call subject takes the message, but the console does not show it as a decision.
    await availability.js.publish(subjects.audit(agentIdentity('availability'), 'tool.called'), JSON.stringify(forged));
    const page = await consolePage(`/workflows/${encodeURIComponent(workflowId)}/timeline`);
    assert.match(
      page,
      /data-kind="gate.opened" data-published-by="orchestrator"/,
      'the real records name their publisher',
    );
    assert.doesNotMatch(page, /data-kind="gate.decided"/, 'the forged decision is not on the timeline');
  });

  it('refuses an agent that would purge the artifacts', async () => {
    const artifacts = (await ArtifactStore.open(admin)).bind(`trust/${randomUUID()}`);
    const ref = await artifacts.put({ name: 'note.txt', data: 'kept', summary: 'a note' });
    const stream = `OBJ_${buckets.artifacts}`;
    await assert.rejects(availability.jsm.streams.purge(stream), refusedByNats);
    await assert.rejects(
      availability.jsm.streams.purge(stream, { filter: `$O.${buckets.artifacts}.C.>` }),
      refusedByNats,
    );
    assert.equal(await artifacts.getText(ref), 'kept');
  });

  it("refuses the orchestrator a change of the audit stream's limits (max_msgs=1 would erase it)", async () => {
    const before = await admin.jsm.streams.info(streams.audit);
    await assert.rejects(
      orchestrator.jsm.streams.update(streams.audit, { ...before.config, max_msgs: 1 }),
      refusedByNats,
    );
    const now = await admin.jsm.streams.info(streams.audit);
    assert.equal(now.config.max_msgs, before.config.max_msgs);
    assert.ok(now.state.messages >= before.state.messages, 'nothing erased');
  });

  it('writes nothing for anonymous visits, and keeps sessions in a bounded bucket', async () => {
    const sessions = `KV_${buckets.consoleSessions}`;
    const before = await admin.jsm.streams.info(sessions);
    assert.ok(
      before.config.max_bytes > 0 && before.config.max_age > 0,
      'the session bucket has a size and an age limit',
    );
    const visits = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const response = await fetch(`${stackEnv().BATON_CONSOLE_URL}${i % 2 ? '/login' : '/inbox'}`, {
          redirect: 'manual',
          signal: AbortSignal.timeout(15_000),
        });
        await response.arrayBuffer();
        return response;
      }),
    );
    assert.ok(visits.every((r) => r.status === 200 || r.status === 303));
    assert.ok(
      visits.every((r) => r.headers.get('set-cookie') === null),
      'no visitor gets a session',
    );
    assert.equal(
      (await admin.jsm.streams.info(sessions)).state.messages,
      before.state.messages,
      'and the bucket holds nothing more',
    );
  });

  it("keeps one webhook source's idempotency keys from blocking another's, and a source without types may send none", async () => {
    const squatter = {
      source: `squatter-${randomBytes(4).toString('hex')}`,
      secret: randomBytes(32).toString('base64url'),
    };
    await putWebhookSource(squatter.source, { secrets: [squatter.secret], eventTypes: ['reservation.requested.v1'] });
    const victim = reservationEvent('Table for 2, Friday 7pm');
    const claim = { ...victim, id: randomUUID(), data: { ...victim.data, text: 'Table for 9, Monday 5pm' } };
    // The gateway learns a new source by watching its bucket: wait until it does.
    const posted = await waitFor('the gateway to know the squatter', async () => {
      const answer = await postEvent(claim, signedHeaders(JSON.stringify(claim), squatter));
      return answer.status === 401 ? undefined : answer;
    });
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    const answer = await postEvent(victim);
    assert.equal(answer.status, 202, `the victim's own key is not taken: ${JSON.stringify(answer.body)}`);
    assert.notEqual(answer.body.workflowId, posted.body.workflowId);
    assert.equal((await waitForState(stack, String(answer.body.workflowId), 'Confirmed')).state, 'Confirmed');
    assert.equal(String(answer.body.workflowId).includes(encodeURIComponent(LOCAL_EVENT_SOURCE)), true);

    const typeless = {
      source: `typeless-${randomBytes(4).toString('hex')}`,
      secret: randomBytes(32).toString('base64url'),
    };
    await putWebhookSource(typeless.source, { secrets: [typeless.secret] });
    const event = reservationEvent('Table for 2, Friday 8pm');
    const refused = await waitFor('the gateway to know the typeless source', async () => {
      const answer = await postEvent(event, signedHeaders(JSON.stringify(event), typeless));
      return answer.status === 401 ? undefined : answer;
    });
    assert.equal(refused.status, 403);
    assert.match(String(refused.body.reason), /lists no event types and may send none/);
  });

  it('refuses a resolution without a role, and the CLI resolves only as a signed-in person', async () => {
    // The booking refused and the hold not released: the undo fails, and a person must finish it.
    await pos.setFaults({ refuse: ['POST /reservations', 'DELETE /holds/:holdId'] });
    const workflowId = String((await postEvent(reservationEvent('Table for 4, Friday 8pm'))).body.workflowId);
    const waiting = await waitFor(
      'the escalation',
      async () => {
        const status = await stack.temporal.workflow
          .getHandle(workflowId)
          .query<{ attention?: { roles?: string[] } }>('status');
        return status.attention ? status : undefined;
      },
      { timeoutMs: 120_000 },
    );
    assert.deepEqual(waiting.attention?.roles, ['manager']);
    const handle = stack.temporal.workflow.getHandle(workflowId);
    await assert.rejects(
      handle.executeUpdate(resolveUpdate, { args: [{ resolvedBy: 'anyone', note: 'closing it' }] }),
      (err: Error) => err instanceof WorkflowUpdateFailedError && /role: required/.test(err.cause?.message ?? ''),
    );
    const cli = (password: string | undefined, by: string = consoleUsers.manager.username) =>
      execa(
        'node',
        [
          '--conditions=baton-source',
          '--import',
          'tsx',
          'services/console/src/cli.ts',
          'resolve',
          workflowId,
          '--by',
          by,
          '--note',
          'released the hold at the POS by hand',
        ],
        {
          cwd: repoRoot,
          reject: false,
          env: {
            BATON_CONSOLE_URL: stackEnv().BATON_CONSOLE_URL,
            ...(password ? { BATON_CONSOLE_PASSWORD: password } : {}),
          },
          timeout: 60_000,
        },
      );
    assert.match((await cli(undefined, 'anyone')).stderr, /no password/);
    assert.match(
      (await cli(consoleUsers.host.password, consoleUsers.host.username)).stderr,
      /403 FORBIDDEN\): hana has none of the roles that may resolve this \(manager\)/,
    );
    const done = await cli(consoleUsers.manager.password);
    assert.equal(done.exitCode, 0, done.stderr);
    assert.equal(JSON.parse(done.stdout).role, 'manager');
    assert.equal(
      (await waitForState(stack, workflowId, 'Compensated')).attention?.resolution?.resolvedBy,
      consoleUsers.manager.username,
    );
  });

  it('refuses a decision bound to a gate that changed since it was shown (CLI and API)', async () => {
    const workflowId = String(
      (await postEvent(reservationEvent('Table for 2, Thursday 8pm, allergic to celery'))).body.workflowId,
    );
    const open = await waitForState(stack, workflowId, 'Awaiting approval');
    const stale = `sha256:${'0'.repeat(64)}`;
    const cli = await execa(
      'node',
      [
        '--conditions=baton-source',
        '--import',
        'tsx',
        'services/console/src/cli.ts',
        'decide',
        workflowId,
        'approve',
        '--by',
        consoleUsers.manager.username,
        '--digest',
        stale,
      ],
      {
        cwd: repoRoot,
        reject: false,
        env: { BATON_CONSOLE_URL: stackEnv().BATON_CONSOLE_URL, BATON_CONSOLE_PASSWORD: consoleUsers.manager.password },
        timeout: 60_000,
      },
    );
    assert.notEqual(cli.exitCode, 0);
    assert.match(
      cli.stderr,
      new RegExp(`deciding \\S+ gate ${open.gate!.gateId}`),
      'the CLI shows the gate it decides',
    );
    assert.match(cli.stderr, /the gate changed since you looked/);
    const api = (body: Record<string, unknown>) =>
      fetch(`${stackEnv().BATON_CONSOLE_URL}/api/decisions/${encodeURIComponent(workflowId)}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${consoleUsers.manager.username}:${consoleUsers.manager.password}`).toString('base64')}`,
        },
        body: JSON.stringify({ decision: 'approve', reason: 'ok', ...body }),
        signal: AbortSignal.timeout(30_000),
      });
    assert.equal((await api({})).status, 400, 'a decision bound to no gate is refused');
    const changed = await api({ gateId: open.gate!.gateId, digest: stale });
    assert.equal(changed.status, 409);
    assert.match(String(((await changed.json()) as { reason?: string }).reason), /digest/);
    assert.equal(
      (await waitForState(stack, workflowId, 'Awaiting approval')).decision,
      undefined,
      'nothing was decided',
    );
  });

  it('refuses a start input written without the payload key: an error, not a workflow', async () => {
    // As an identity Temporal lets start workflows (admin here): the codec, not the frontend, refuses it.
    const connection = await Connection.connect(temporalConnectionAs());
    try {
      // no codec: plaintext JSON payloads
      const plain = new Client({ connection, namespace: stackEnv().BATON_TEMPORAL_NAMESPACE });
      const workflowId = `reservation-plain-${randomUUID()}`;
      const event = reservationEvent('Table for 2, Friday 7pm');
      const handle = await plain.workflow.start(workflowTypes.reservation, {
        taskQueue: taskQueues.orchestrator,
        workflowId,
        args: [{ event }],
      });
      try {
        const history = await waitFor(
          'the refused workflow task',
          async () => {
            const { events } = await handle.fetchHistory();
            return events?.some((e) => e.workflowTaskFailedEventAttributes) ? events : undefined;
          },
          { timeoutMs: 60_000 },
        );
        const failure = history.find((e) => e.workflowTaskFailedEventAttributes)!.workflowTaskFailedEventAttributes!
          .failure;
        assert.match(failure?.message ?? '', /payload not encrypted \(encoding "json\/plain"\)/);
        assert.ok(!history.some((e) => e.activityTaskScheduledEventAttributes), 'no step ran');
      } finally {
        await handle.terminate('test: plaintext start refused');
      }
    } finally {
      await connection.close();
    }
  });
});

/** A page of the console as the manager sees it (signed in through the form). */
async function consolePage(path: string): Promise<string> {
  const base = stackEnv().BATON_CONSOLE_URL;
  const signIn = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
    body: new URLSearchParams({
      username: consoleUsers.manager.username,
      password: consoleUsers.manager.password,
      next: '/inbox',
    }).toString(),
    signal: AbortSignal.timeout(15_000),
  });
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
  assert.ok(cookie, `signed in (${signIn.status})`);
  const page = await fetch(`${base}${path}`, { headers: { cookie }, signal: AbortSignal.timeout(15_000) });
  assert.equal(page.status, 200);
  return page.text();
}
