// test-tier: own-services (its orchestrator and gateway run with small dead-letter limits)
// Least privilege on NATS, on the real stack: each service connects as its own identity, and the
// server refuses what that identity may not do; the bridge believes only the subject a result
// came on and the seal of its task; dead letters keep no task tokens or Authorization headers.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { headers as natsHeaders, nanos } from '@nats-io/transport-node';
import { agentIdentity, connectBus, ensureConsumer, sealTask, type Bus } from '@baton/bus';
import { consumers, streams, subjects, type AgentResult } from '@baton/contracts';
import {
  NodeProcess,
  ServiceSet,
  adminSeed,
  deadLetters,
  identityEnv,
  scrape,
  sealKeyFile,
  seedFileOf,
  stackEnv,
  sumOf,
  waitFor,
} from '@baton/testkit';

const DLQ_MAX_AGE_MS = 3 * 24 * 3600_000;
const DLQ_MAX_BYTES = 64 * 1024 ** 2;

describe('NATS identities and permissions', () => {
  let services: ServiceSet;
  let admin: Bus;
  let asAvailability: Bus;
  before(async () => {
    services = await ServiceSet.start(['orchestrator', 'gateway'], {
      env: { BATON_DLQ_MAX_AGE_MS: String(DLQ_MAX_AGE_MS), BATON_DLQ_MAX_BYTES: String(DLQ_MAX_BYTES) },
      readyTimeoutMs: 180_000,
    });
    // As the admin, without ensuring the topology again: the orchestrator's retention stands.
    admin = await connectBus({ servers: stackEnv().BATON_NATS_URL, name: 'permissions-test', nkeySeed: adminSeed() });
    asAvailability = await connectBus({
      servers: stackEnv().BATON_NATS_URL,
      name: agentIdentity('availability'),
      nkeySeed: readFileSync(seedFileOf(agentIdentity('availability')), 'utf8').trim(),
    });
  });
  after(async () => {
    await asAvailability?.close();
    await admin?.close();
    await services?.stop();
  });

  it('refuses an anonymous connection', async () => {
    await assert.rejects(
      connectBus({ servers: stackEnv().BATON_NATS_URL, name: 'anonymous', nkeySeed: '' }),
      /authorization/i,
    );
  });

  it("agent A cannot pull B's tasks, publish B's results or events, or touch B's ledger keys; each refusal is logged and counted", async () => {
    const env = stackEnv();
    const metricsPort = env.BATON_METRICS_BASE_PORT + 97;
    const rogue = new NodeProcess({
      name: 'rogue-availability',
      entry: join('tests', 'e2e', 'fixtures', 'rogue-agent.ts'),
      logDir: join(env.stateDir, 'logs', 'services'),
      env: {
        ...identityEnv('availability'),
        ROGUE_AS: 'availability',
        ROGUE_VICTIM: 'safety',
        BATON_METRICS_PORT: String(metricsPort),
      },
    });
    // Its log file gathers every run: this run's lines start here.
    const offset = existsSync(rogue.logFile) ? statSync(rogue.logFile).size : 0;
    await rogue.start();
    try {
      // The log file is written behind the process's stdout: wait for the line, not for a time.
      const readLines = () =>
        readFileSync(rogue.logFile)
          .subarray(offset)
          .toString('utf8')
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>);
      const attempts = await waitFor("the rogue agent's attempts in its log", async () =>
        readLines()
          .filter((l) => l.msg === 'attempts')
          .at(-1),
      );
      const lines = readLines();
      const { results, denials } = attempts as unknown as { results: Record<string, string>; denials: number };
      // The identity works: what it needs is allowed.
      assert.equal(results.ownConsumer, 'allowed');
      assert.equal(results.ownLedgerKey, 'allowed');
      // Everything else is refused by the server.
      const refused = [
        'readVictimConsumer',
        'pullVictimTasks',
        'consumeVictimSubject',
        'newConsumerOnTasks',
        'readTaskBySequence',
        'publishVictimResult',
        'publishEvent',
        'publishNotice',
        'writeVictimLedgerKey',
        'readVictimLedgerKey',
        'writeTrust',
        'subscribeVictimTasks',
        'subscribeEveryInbox',
      ];
      for (const attempt of refused)
        assert.match(
          results[attempt] ?? 'missing',
          /refused: .*permissions violation/i,
          `${attempt}: ${results[attempt]}`,
        );
      // Logged, one line per refusal, with the subject...
      const logged = lines.filter((l) => l.msg === 'NATS refused: permissions violation');
      assert.ok(logged.length >= refused.length, `${logged.length} refusals logged`);
      assert.ok(logged.some((l) => l.subject === subjects.result('safety') && l.operation === 'publish'));
      assert.ok(logged.some((l) => l.subject === subjects.task('safety') && l.operation === 'subscription'));
      assert.ok(denials >= refused.length);
      // ...and counted in the agent's metrics.
      const samples = await scrape(`http://${env.BATON_HOST}:${metricsPort}/metrics`);
      assert.ok(
        sumOf(samples, 'baton_nats_permission_denied_total', { baton_connection: 'agent-availability' }) >=
          refused.length,
      );
      assert.equal(
        sumOf(samples, 'baton_nats_permission_denied_total', {
          baton_connection: 'agent-availability',
          messaging_destination_name: subjects.event('reservation.requested.v1'),
        }),
        1,
      );
    } finally {
      await rogue.stop();
    }
  });

  it('the bridge takes the agent from the subject and refuses a result that does not match its task, dead-lettered without its token', async () => {
    const sealKey = readFileSync(sealKeyFile(), 'utf8').trim();
    const base = {
      kind: 'run' as const,
      workflowId: 'reservation-forged',
      stepId: 'safety',
      attempt: 1,
      finishedAt: new Date().toISOString(),
      status: 'ok' as const,
      output: { requiresReview: false },
    };
    const cases: Array<{ name: string; result: AgentResult; reason: RegExp }> = [
      // The body claims to be the safety agent; the subject says availability.
      {
        name: 'claims another agent',
        result: {
          ...base,
          taskId: 'forged-1',
          agent: 'safety',
          taskToken: Buffer.from('forged-token-1').toString('base64'),
        },
        reason: /claims to come from agent safety/,
      },
      // The right agent in the body, no seal: not a task the orchestrator sent to it.
      {
        name: 'no seal',
        result: {
          ...base,
          taskId: 'forged-2',
          agent: 'availability',
          taskToken: Buffer.from('forged-token-2').toString('base64'),
        },
        reason: /does not carry the seal of a task sent to availability/,
      },
      // The genuine seal of a task for safety, answered by availability: the seal names safety.
      (() => {
        const task = { taskId: 'forged-3', kind: 'run', taskToken: Buffer.from('forged-token-3').toString('base64') };
        return {
          name: "another agent's seal",
          result: {
            ...base,
            ...task,
            kind: 'run' as const,
            agent: 'availability',
            seal: sealTask(sealKey, { ...task, agent: 'safety' }),
          },
          reason: /does not carry the seal/,
        };
      })(),
    ];
    for (const c of cases)
      await asAvailability.js.publish(subjects.result('availability'), JSON.stringify(c.result), {
        msgID: `forged:${c.result.taskId}:${Date.now()}`,
      });
    for (const c of cases) {
      const letter = await waitFor(`the dead letter of "${c.name}"`, async () =>
        (await deadLetters(admin)).find((d) => d.rejectedBy === 'bridge' && d.payload.includes(`"${c.result.taskId}"`)),
      );
      assert.match(letter.reason, c.reason, c.name);
      assert.equal(letter.subject, subjects.result('availability'));
      assert.ok(!letter.payload.includes(c.result.taskToken), `${c.name}: the task token is not kept`);
      assert.match(letter.payload, /"taskToken":"\[redacted\]"/);
    }
    assert.equal(asAvailability.permissionDenials, 0, 'publishing on its own result subject is allowed');
  });

  it('dead-letters, from the orchestrator, a task whose agent crashed on every delivery: agents may not read tasks by sequence', async () => {
    // An agent (here the test, as admin) takes the task twice and dies each time before acking.
    const agent = `ghost${Date.now()}`;
    await ensureConsumer(admin, streams.tasks, consumers.agent(agent), subjects.task(agent), 1_000, 2);
    try {
      const taskId = `ghost-task-${Date.now()}`;
      await admin.js.publish(subjects.task(agent), JSON.stringify({ taskId, taskToken: 'dG9rZW4=' }), {
        msgID: taskId,
      });
      const raw = await admin.js.consumers.get(streams.tasks, consumers.agent(agent));
      for (let delivery = 1; delivery <= 2; delivery++)
        assert.equal((await raw.next({ expires: 5_000 }))?.info.deliveryCount, delivery);
      // The next ask exceeds max_deliver: the server withholds the task and says so in an advisory.
      assert.equal(await raw.next({ expires: 3_000 }), null);
      const letter = await waitFor('the dead letter of the abandoned task', async () =>
        (await deadLetters(admin)).find((d) => d.rejectedBy === agent),
      );
      assert.match(letter.reason, /reached max_deliver after 2 deliveries without an ack/);
      assert.equal(letter.subject, subjects.task(agent));
      assert.ok(letter.payload.includes(taskId) && !letter.payload.includes('dG9rZW4='), 'the task, without its token');
      await waitFor(
        'the task removed from the work queue',
        async () =>
          ((await admin.jsm.streams.info(streams.tasks, { subjects_filter: subjects.task(agent) })).state.subjects?.[
            subjects.task(agent)
          ] ?? 0) === 0 || undefined,
      );
    } finally {
      await admin.jsm.consumers.delete(streams.tasks, consumers.agent(agent)).catch(() => undefined);
    }
  });

  it('dead letters keep no Authorization header, and the dead-letter stream has the configured retention', async () => {
    const h = natsHeaders();
    h.set('Authorization', 'Bearer a-secret-of-the-publisher');
    const id = `auth-${Date.now()}`;
    await admin.js.publish(subjects.event('reservation.requested.v1'), `{"id":"${id}", not json`, {
      msgID: id,
      headers: h,
    });
    const letter = await waitFor("the malformed event's dead letter", async () =>
      (await deadLetters(admin)).find((d) => d.rejectedBy === 'gateway' && d.payload.includes(id)),
    );
    assert.equal(letter.headers.Authorization, '[redacted]');
    assert.ok(!JSON.stringify(letter).includes('a-secret-of-the-publisher'));

    const { config } = await admin.jsm.streams.info(streams.deadLetters);
    assert.equal(config.max_age, nanos(DLQ_MAX_AGE_MS));
    assert.equal(config.max_bytes, DLQ_MAX_BYTES);
  });
});
