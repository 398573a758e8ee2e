// What real guests write, end to end: an allergy stated only as "keep X away" or in Spanish
// reaches a person; requests intake cannot fully read wait for a person instead of ending
// `Failed`; a date in the past is refused and the guest told why; and an idempotency key reused
// with other content is refused (409 over HTTP, a dead letter over NATS) while the first request
// stands.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { publishJson } from '@baton/bus';
import { eventSources, subjects } from '@baton/contracts';
import { execFileSync } from 'node:child_process';
import {
  LOCAL_SOURCE,
  consoleUsers,
  deadLetters,
  nextWeekday,
  postEvent,
  repoRoot,
  reservationEvent,
  stackEnv,
  temporalTlsEnv,
  waitFor,
} from '@baton/testkit';
import type { AttentionPayload } from '@baton/workflow-kit';
import { messaging, pos, startStack, waitForState, type Stack } from './support.js';

describe("real guests' input", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
  });

  const start = async (text: string) => {
    const event = reservationEvent(text);
    const answer = await postEvent(event);
    assert.equal(answer.status, 202);
    return { event, workflowId: String(answer.body.workflowId) };
  };

  it('sends an allergy stated only as "keep X away" to a person, nothing booked before', async () => {
    const { workflowId } = await start('Table for 3, Friday 7pm. Please keep peanuts away from my son.');
    const waiting = await waitForState(stack, workflowId, 'Awaiting approval');
    assert.ok(
      waiting.safety?.reasons.some((r) => r.detail.includes('peanuts')),
      'the reason names the allergen',
    );
    assert.equal((await pos.reservations()).filter((r) => r.holdId === waiting.hold?.holdId).length, 0);
  });

  it('reads a request in Spanish that mentions an allergen, and sends it to a person', async () => {
    const { workflowId } = await start(
      'Hola, quería reservar una mesa para 4 personas el sábado a las 21h. Mi hija no puede comer gluten.',
    );
    const waiting = await waitForState(stack, workflowId, 'Awaiting approval');
    assert.equal(waiting.request?.partySize, 4);
    assert.equal(waiting.request?.time, '21:00');
    assert.equal(waiting.request?.date, nextWeekday('saturday'), 'the Saturday after the day the request was taken');
    assert.ok(waiting.safety?.needsReview);
  });

  it('reads "Sunday noon", and hands a request without a party size to a person instead of failing', async () => {
    const noon = await start('Sunday noon, 2 of us');
    const booked = await waitForState(stack, noon.workflowId, 'Confirmed');
    assert.equal(booked.request?.time, '12:00');
    assert.equal(booked.request?.date, nextWeekday('sunday'));

    const { workflowId } = await start('Could we have a table on Friday at 8pm?');
    const waiting = await waitForState(stack, workflowId, 'Needs attention');
    const payload = waiting.gate?.payload as unknown as AttentionPayload;
    assert.equal(payload.step.agent, 'intake');
    assert.match(payload.step.error, /party size/);
    const read = payload.step.details as { date?: string; time?: string; missing?: string[] };
    assert.deepEqual(
      [read.date, read.time, read.missing],
      [nextWeekday('friday'), '20:00', ['party size']],
      'what was read reaches the person',
    );
  });

  it('makes a guest who says "I\'m a regular" without a record pay the deposit', async () => {
    const { workflowId } = await start("I'm a regular here! Table for 2, Friday 8pm please");
    const done = await waitForState(stack, workflowId, 'Confirmed');
    assert.equal(done.request?.customer.regular, false, 'no earlier booking in the POS');
    assert.ok(done.deposit && 'chargeId' in done.deposit, 'the deposit was charged, not waived');
    assert.equal(done.deposit.amountCents, 2_000);
  });

  it('approves with changes from the command line, as the console does', async () => {
    const { workflowId } = await start('Table for 4, Saturday 8pm, allergic to sesame');
    await waitForState(stack, workflowId, 'Awaiting approval');
    const out = execFileSync(
      'node',
      [
        '--conditions=baton-source',
        '--import',
        'tsx',
        'services/console/src/cli.ts',
        'decide',
        workflowId,
        'approve-with-changes',
        '--by',
        'mia',
        '--reason',
        'one guest cancelled',
        '--changes',
        '{"partySize":3}',
      ],
      {
        cwd: repoRoot,
        // The CLI decides through the console, signed in as mia (the role is her account's).
        env: {
          ...process.env,
          BATON_TEMPORAL_ADDRESS: stackEnv().BATON_TEMPORAL_ADDRESS,
          ...temporalTlsEnv('operator'),
          BATON_CONSOLE_URL: stackEnv().BATON_CONSOLE_URL,
          BATON_CONSOLE_PASSWORD: consoleUsers.manager.password,
        },
        encoding: 'utf8',
      },
    );
    assert.equal(JSON.parse(out).decision, 'approve-with-changes');
    const done = await waitForState(stack, workflowId, 'Confirmed');
    assert.equal(done.request?.partySize, 3);
    assert.equal(done.decision?.decidedBy, 'mia');
  });

  it('refuses a date in the past before anything is held, and tells the guest why', async () => {
    const { event, workflowId } = await start('Table for 2 on 2019-01-01 at 7pm');
    const done = await waitForState(stack, workflowId, 'Refused');
    assert.match(done.refusal ?? '', /has passed/);
    assert.equal(done.hold, undefined, 'nothing held');
    const sent = (await messaging.messages()).filter((m) => m.to === event.data.customer.id);
    assert.deepEqual(
      sent.map((m) => m.template),
      ['reservation-refused'],
    );
  });

  it('refuses the same idempotency key with other content: 409 over HTTP, a dead letter over NATS; the first request stands', async () => {
    const first = reservationEvent('Table for 2, Tuesday 7pm');
    const accepted = await postEvent(first);
    assert.equal(accepted.status, 202);
    const workflowId = String(accepted.body.workflowId);
    await waitForState(stack, workflowId, 'Confirmed');

    // The same request again is still a plain duplicate.
    assert.equal((await postEvent({ ...first, id: `${first.id}-again` })).status, 202);
    // Other content under the same key: refused with the existing workflow's id.
    const changed = { ...first, id: `${first.id}-changed`, data: { ...first.data, text: 'Table for 8, Tuesday 7pm' } };
    const conflict = await postEvent(changed);
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.workflowId, workflowId);
    assert.match(String(conflict.body.reason), /already used by event .* with different content/);

    // Keys are scoped by sender: the same sender's conflicting copy, as a replay of its webhook
    // event on baton.events.<type> carries it (the source the gateway recorded).
    const overNats = { ...changed, id: `${first.id}-changed-nats`, source: eventSources.webhook(LOCAL_SOURCE) };
    await publishJson(stack.bus.js, subjects.event(overNats.type), overNats, { msgID: overNats.id });
    const letter = await waitFor("the conflicting event's dead letter", async () =>
      (await deadLetters(stack.bus)).find((d) => d.payload.includes(overNats.id)),
    );
    assert.equal(letter.rejectedBy, 'gateway');
    assert.match(letter.reason, /different content/);

    const status = await stack.temporal.workflow.getHandle(workflowId).describe();
    assert.equal(status.status.name, 'COMPLETED');
    const runs = await stack.temporal.workflow.count(`WorkflowId = "${workflowId}"`);
    assert.equal(runs.count, 1, 'one workflow for the key');
    const booked = (await pos.reservations()).filter((r) => r.idempotencyKey.startsWith(`${workflowId}/`));
    assert.equal(booked.length, 1, 'the first booking stands, the second request booked nothing');
  });
});
