// Two versions of one inbound event on the real stack: reservation.requested.v1 (free text) is
// upcast by the gateway to v2 (the text and what the publisher's form stated), so one version
// of the workflow code serves both; an invalid v2 is dead-lettered with the reason.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { publishJson } from '@baton/bus';
import { subjects } from '@baton/contracts';
import { deadLetters, nextWeekday, payloadKeyEnv, postEvent, reservationEvent, waitFor } from '@baton/testkit';
import { payloadCodec } from '@baton/temporal-codec';
import { reservationWorkflowId, type ReservationInput, type ReservationRequestedV2 } from '@baton/workflow-reservation';
import { startStack, waitForState, type Stack } from './support.js';

function v2Event(
  text: string,
  stated: Pick<ReservationRequestedV2['data'], 'partySize' | 'date' | 'time'>,
): ReservationRequestedV2 {
  const v1 = reservationEvent(text);
  return { ...v1, type: 'reservation.requested.v2', data: { ...v1.data, ...stated } };
}

describe('event versions', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
  });

  /** The input the workflow was started with, as its history stored it. */
  const startInput = async (workflowId: string): Promise<ReservationInput> => {
    const history = await stack.temporal.workflow.getHandle(workflowId).fetchHistory();
    const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    // The history holds it encrypted (@baton/temporal-codec): decoded with the stack's keys.
    const [decoded] = await payloadCodec(payloadKeyEnv()).decode([payload!]);
    return JSON.parse(Buffer.from(decoded!.data!).toString('utf8')) as ReservationInput;
  };

  it('serves a v1 event (over HTTP) and a v2 event (over NATS) with the same workflow code; what v2 states wins over the words', async () => {
    const v1 = reservationEvent('Table for 2, Saturday 8pm');
    const v1Id = String((await postEvent(v1)).body.workflowId);
    // The form said 3 guests at 20:30 on the coming Saturday; the words say otherwise.
    const saturday = nextWeekday('saturday');
    const v2 = v2Event('Table for 2, Saturday 8pm', { partySize: 3, date: saturday, time: '20:30' });
    await publishJson(stack.bus.js, subjects.event(v2.type), v2, { msgID: v2.id });
    // On baton.events.<type> (an admin's publish here) the body's source stands.
    const v2Id = reservationWorkflowId(v2.idempotencykey, v2.source);

    const [fromV1, fromV2] = await Promise.all([
      waitForState(stack, v1Id, 'Confirmed'),
      waitForState(stack, v2Id, 'Confirmed'),
    ]);
    assert.deepEqual([fromV1.request?.partySize, fromV1.request?.time], [2, '20:00'], 'v1: intake read the words');
    assert.deepEqual(
      [fromV2.request?.partySize, fromV2.request?.date, fromV2.request?.time],
      [3, saturday, '20:30'],
      'v2: the stated fields reached the workflow',
    );

    // Both runs were started as v2 of the same workflow type; v1's with nothing stated.
    const [inputV1, inputV2] = await Promise.all([startInput(v1Id), startInput(v2Id)]);
    assert.equal(inputV1.event.type, 'reservation.requested.v2');
    assert.deepEqual({ ...inputV1.event.data }, { ...v1.data, partySize: null, date: null, time: null });
    assert.equal(inputV2.event.type, 'reservation.requested.v2');
    const types = await Promise.all(
      [v1Id, v2Id].map(async (id) => (await stack.temporal.workflow.getHandle(id).describe()).type),
    );
    assert.deepEqual(types, ['reservationWorkflow', 'reservationWorkflow']);
  });

  it('dead-letters an invalid v2 with the reason, over HTTP and over NATS, and starts nothing', async () => {
    const before = (await deadLetters(stack.bus)).length;
    // A party of none, a weekday for a date, and no time key at all.
    const v1 = reservationEvent('Table for 2, Friday 8pm');
    const invalid = { ...v1, type: 'reservation.requested.v2', data: { ...v1.data, partySize: 0, date: 'Friday' } };
    const answer = await postEvent(invalid);
    assert.equal(answer.status, 400);
    assert.match(String(answer.body.reason), /^invalid reservation\.requested\.v2: /);
    for (const field of ['data.partySize', 'data.date', 'data.time'])
      assert.match(String(answer.body.reason), new RegExp(field.replace('.', '\\.')));

    const overNats = { ...invalid, id: `${invalid.id}-nats`, idempotencykey: `${invalid.idempotencykey}-nats` };
    await publishJson(stack.bus.js, subjects.event(invalid.type), overNats, { msgID: overNats.id });
    const letters = await waitFor('two new dead letters', async () => {
      const all = await deadLetters(stack.bus);
      return all.length >= before + 2 ? all.slice(before) : undefined;
    });
    assert.ok(
      letters.some(
        (l) => l.subject === 'http:/events' && /^invalid reservation\.requested\.v2: .*data\.partySize/.test(l.reason),
      ),
    );
    assert.ok(
      letters.some(
        (l) =>
          l.subject === subjects.event(invalid.type) &&
          /^invalid reservation\.requested\.v2: .*data\.partySize/.test(l.reason),
      ),
    );
    for (const key of [invalid.idempotencykey, overNats.idempotencykey]) {
      await assert.rejects(stack.temporal.workflow.getHandle(`reservation-${key}`).describe(), /not found/i);
    }
  });
});
