// test-tier: own-services (its sources run with a shortened budget)
// The daily digest end to end, on the real stack: the orchestrator ensures the declared schedule;
// a firing reads the POS, the weather and the rates services, removes duplicates and sends the
// digest once per day through the messaging provider, naming a source that is down; two firings
// for one day send one digest. Each test fires its own copy of the declared schedule (a unique
// id and recipient), so a rerun on the same day is not mistaken for a second firing. The
// workflow's own branches are specified on the harness in workflows/digest/test/digest.workflow.test.ts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { repoRoot, stackEnv, temporalTlsEnv, waitFor } from '@baton/testkit';
import { Registry, ensureSchedule, statusQuery, type ScheduleDeclaration } from '@baton/workflow-kit/internal';
import { DIGEST_SCHEDULE_ID, digestWorkflowId, type DigestFiring, type DigestStatus } from '@baton/workflow-digest';
import { messaging, startStack, type Stack } from './support.js';
import { setFaults, smallBizEnv } from './smallbiz.js';

const SOURCE_BUDGET_MS = 6_000;

describe('daily digest', () => {
  let stack: Stack;
  let declared: ScheduleDeclaration;
  const copies: string[] = [];
  before(async () => {
    stack = await startStack({
      workflows: ['digest'],
      env: { BATON_DIGEST_SOURCE_TIMEOUT_MS: String(SOURCE_BUDGET_MS) },
      readyTimeoutMs: 120_000,
    });
    declared = (await Registry.load()).schedules.find((s) => s.scheduleId === DIGEST_SCHEDULE_ID)!;
  });
  after(async () => {
    await setFaults(smallBizEnv().BATON_WEATHER_URL, { outageUntil: 0 });
    for (const id of copies) await stack.temporal.schedule.getHandle(id).delete();
    await stack?.close();
  });

  const today = () => new Date().toISOString().slice(0, 10);
  /** A copy of the declared schedule under its own id, sending to its own recipient. */
  const copyOfSchedule = async (calendars = declared.calendars) => {
    const scheduleId = `${DIGEST_SCHEDULE_ID}-test-${randomUUID().slice(0, 8)}`;
    const recipient = `owner-${randomUUID().slice(0, 8)}`;
    copies.push(scheduleId);
    assert.equal(
      await ensureSchedule(stack.temporal, {
        ...declared,
        calendars,
        scheduleId,
        args: [{ recipient, sourceTimeoutMs: SOURCE_BUDGET_MS }],
      }),
      'created',
    );
    return { scheduleId, recipient, handle: stack.temporal.schedule.getHandle(scheduleId) };
  };
  const firings = (scheduleId: string, n: number) =>
    waitFor(
      `${n} firing(s) of ${scheduleId} to finish`,
      async () => {
        const ids: string[] = [];
        for await (const wf of stack.temporal.workflow.list({
          query: `TemporalScheduledById = "${scheduleId}" AND ExecutionStatus = "Completed"`,
        }))
          ids.push(wf.workflowId);
        return ids.length >= n
          ? Promise.all(ids.map((id) => stack.temporal.workflow.getHandle(id).result() as Promise<DigestFiring>))
          : undefined;
      },
      { timeoutMs: 60_000 },
    );
  const digestsTo = async (recipient: string) =>
    (await messaging.messages()).filter((m) => m.to === recipient && m.template === 'daily-digest') as Array<{
      body?: string;
    }>;

  it('was created by the orchestrator from the registration, with its overlap policy and catch-up window', async () => {
    const description = await stack.temporal.schedule.getHandle(DIGEST_SCHEDULE_ID).describe();
    assert.equal(description.policies.overlap, 'SKIP');
    assert.equal(description.policies.catchupWindow, 12 * 3_600_000);
    assert.equal(description.action.type, 'startWorkflow');
  });

  it('sends the digest once with the weather service down, and names it', async () => {
    // A booking today, straight in the POS, so the digest has one to count.
    const pos = stackEnv().BATON_POS_URL;
    const post = async (path: string, body: unknown) =>
      (await (
        await fetch(`${pos}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
          body: JSON.stringify(body),
        })
      ).json()) as Record<string, string>;
    const hold = await post('/holds', { partySize: 5, date: today(), time: '23:45' });
    await post('/reservations', { holdId: hold.holdId, partySize: 5, customerId: 'cust-digest' });
    await setFaults(smallBizEnv().BATON_WEATHER_URL, { outageUntil: Date.now() + 10 * 60_000 });

    const { scheduleId, recipient, handle } = await copyOfSchedule();
    await handle.trigger();
    const [firing] = await firings(scheduleId, 1);
    assert.equal(firing?.outcome, 'sent');
    assert.equal(firing?.digestWorkflowId, digestWorkflowId(scheduleId, today()));
    const status = (await stack.temporal.workflow
      .getHandle(firing.digestWorkflowId)
      .query(statusQuery)) as DigestStatus;
    assert.equal(status.state, 'Sent');
    assert.deepEqual(
      status.unavailable.map((u) => u.source),
      ['weather'],
    );
    assert.ok(status.duplicatesRemoved >= 1, 'the rates feed repeats a rate; it is removed');

    const sent = await digestsTo(recipient);
    assert.equal(sent.length, 1);
    const body = sent[0]!.body ?? '';
    assert.match(body, /Not available today: Weather \(weather\)/);
    assert.match(body, /23:45 party of 5/);
    assert.match(body, /Bookings: \d+ bookings?, \d+ covers?/);
    assert.equal(body.match(/ECB main refinancing rate/g)?.length, 1, 'a duplicate line is sent once');
    await setFaults(smallBizEnv().BATON_WEATHER_URL, { outageUntil: 0 });
  });

  it('sends one digest for a day when the schedule fires twice: once late, once by hand', async () => {
    // At midnight UTC, so today's firing time has always passed: the backfill is a late firing
    // for today, the trigger another one now (each its own workflow, overlap allowed).
    const { scheduleId, recipient, handle } = await copyOfSchedule([{ hour: 0, minute: 0 }]);
    const midnight = new Date(`${today()}T00:00:00Z`);
    await handle.backfill([{ start: midnight, end: new Date(midnight.getTime() + 1_000), overlap: 'ALLOW_ALL' }]);
    // The backfill's action first: a trigger sent while the schedule is still taking the backfill
    // can replace it (seen on the dev server: one action of the two, about one time in four).
    await waitFor(
      'the backfilled firing to be taken',
      async () =>
        (await handle.describe()).info.recentActions.some((a) => a.scheduledAt.getTime() === midnight.getTime()) ||
        undefined,
    );
    await handle.trigger('ALLOW_ALL');
    const results = await firings(scheduleId, 2);
    assert.deepEqual(results.map((r) => r.outcome).sort(), ['already-started', 'sent']);
    assert.equal(new Set(results.map((r) => r.digestWorkflowId)).size, 1, 'both firings are for the same day');
    const status = (await stack.temporal.workflow.getHandle(results[0]!.digestWorkflowId).result()) as DigestStatus;
    assert.equal(status.state, 'Sent');
    assert.deepEqual(status.unavailable, []);
    assert.equal((await digestsTo(recipient)).length, 1, 'one digest sent');
  });

  it('lets the owner change its time and pause it from the command line', async () => {
    const { scheduleId, handle } = await copyOfSchedule();
    const baton = (...args: string[]) =>
      JSON.parse(
        execFileSync(
          'node',
          ['--conditions=baton-source', '--import', 'tsx', 'services/console/src/cli.ts', 'schedule', ...args],
          {
            cwd: repoRoot,
            env: {
              ...process.env,
              BATON_TEMPORAL_ADDRESS: stackEnv().BATON_TEMPORAL_ADDRESS,
              ...temporalTlsEnv('operator'),
            },
            encoding: 'utf8',
          },
        ),
      ) as {
        times: string[];
        timezone: string;
        paused: boolean;
        note?: string;
      };
    const moved = baton('set-time', scheduleId, '06:30', '--timezone', 'Europe/Berlin');
    assert.deepEqual([moved.times, moved.timezone], [['06:30'], 'Europe/Berlin']);
    const spec = (await handle.describe()).spec;
    assert.deepEqual(
      [spec.calendars?.[0]?.hour[0]?.start, spec.calendars?.[0]?.minute[0]?.start, spec.timezone],
      [6, 30, 'Europe/Berlin'],
    );
    const paused = baton('pause', scheduleId, '--by', 'mia', '--reason', 'closed for the holidays');
    assert.equal(paused.paused, true);
    assert.equal(paused.note, 'paused by mia: closed for the holidays');
    assert.equal((await handle.describe()).state.paused, true);
    assert.equal(baton('resume', scheduleId, '--by', 'mia').paused, false);
  });
});
