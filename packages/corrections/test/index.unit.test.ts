// The corrections' retrieval without a server: which corrections apply to a new input (same
// agent; the same customer unless made for everyone; enough of its words), and none once revoked.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CorrectionIndex, correctedFields, type Correction } from '../src/index.js';

const correction = (over: Partial<Correction> = {}): Correction => ({
  id: 'a'.repeat(24),
  at: '2026-12-01T10:00:00Z',
  by: 'mia',
  workflowId: 'reservation-1',
  workflowType: 'reservation',
  gateId: 'reservation-1/attention/1',
  gateType: 'baton.attention',
  agent: 'intake',
  subject: 'cust-grace',
  scope: 'customer',
  input: 'The usual on Friday, please',
  wrong: { date: '2026-11-27', missing: ['party size', 'time'] },
  right: { date: '2026-11-27', partySize: 6, time: '19:30' },
  reason: '',
  ...over,
});

describe('correction index', () => {
  it("finds a customer's correction for their next similar request, not for another customer", () => {
    const index = new CorrectionIndex();
    index.put(correction());
    assert.deepEqual(
      index.find({ agent: 'intake', subject: 'cust-grace', text: 'the usual on Saturday' }).map((c) => c.id),
      ['a'.repeat(24)],
    );
    assert.deepEqual(index.find({ agent: 'intake', subject: 'cust-ada', text: 'the usual on Saturday' }), []);
    assert.deepEqual(index.find({ agent: 'safety', subject: 'cust-grace', text: 'the usual on Saturday' }), []);
    assert.deepEqual(
      index.find({ agent: 'intake', subject: 'cust-grace', text: 'Table for 2 on Saturday at 8pm' }),
      [],
      'weekdays and "table" say nothing',
    );
  });

  it('applies a correction made for everyone to every customer, and none once revoked', () => {
    const index = new CorrectionIndex();
    index.put(correction({ scope: 'everyone', subject: undefined, input: 'a round table by the window' }));
    assert.equal(
      index.find({ agent: 'intake', subject: 'cust-ada', text: 'Could we get the round table by the window?' }).length,
      1,
    );
    index.put(
      correction({
        scope: 'everyone',
        subject: undefined,
        input: 'a round table by the window',
        revoked: { by: 'mia', at: '2026-12-01T11:00:00Z', reason: 'no more' },
      }),
    );
    assert.equal(index.size, 0);
    assert.deepEqual(
      index.find({ agent: 'intake', subject: 'cust-ada', text: 'Could we get the round table by the window?' }),
      [],
    );
  });

  it('names the fields a person changed', () => {
    assert.deepEqual(correctedFields(correction()), ['partySize', 'time']);
  });
});
