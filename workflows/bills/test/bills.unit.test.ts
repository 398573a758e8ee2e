// The bills workflow's own tests: its registration stands beside every other workflow, its events
// are validated, its timeline and risk rules, and its configuration names a bad field.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry, type EventRoute } from '@baton/workflow-kit';
import registration, { BillReceived, billWorkflowId, riskOf, timelineFrom, timelineOf } from '../src/index.js';

const bill = {
  billId: 'b-1',
  vendor: 'City Power',
  amountCents: 12_000,
  currency: 'EUR',
  dueAt: '2026-12-10T12:00:00Z',
  account: 'acct-1',
  owner: { id: 'owner-1', name: 'Mia' },
};
const event = {
  id: 'evt-1',
  source: 'urn:example',
  specversion: '1.0',
  type: 'bill.received.v1',
  time: '2026-12-01T09:00:00Z',
  idempotencykey: 'b-1',
  data: bill,
};
const DAY = 86_400_000;
const now = Date.parse('2026-12-01T12:00:00Z');

describe('bills workflow', () => {
  it('registers bill.received.v1 as a start and bill.paid.v1 as a signal to the same workflow', async () => {
    const registry = await Registry.load();
    assert.equal(registry.events.get('bill.received.v1')?.workflow.definition.type, 'bills');
    assert.equal(registry.signals.get('bill.paid.v1')?.workflow.definition.type, 'bills');
    assert.equal(registry.gateTypes.get('bills.missed-payment')?.autoApprove, false);
    const start = (registration.events['bill.received.v1'] as EventRoute).start(BillReceived.parse(event));
    const paid = registration.signals!['bill.paid.v1']!.signal({
      ...event,
      type: 'bill.paid.v1',
      data: { billId: 'b-1', paidAt: '2026-12-02T10:00:00Z' },
    });
    assert.equal(start.workflowId, billWorkflowId('b-1'));
    assert.equal(paid.workflowId, start.workflowId);
  });

  it('refuses a bill without a due date', () => {
    assert.equal(BillReceived.safeParse({ ...event, data: { ...bill, dueAt: undefined } }).success, false);
  });

  it('checks now, reminds 7 days and 1 day before, opens the risk window 48 h before and checks at the due time', () => {
    const points = timelineOf(
      bill,
      { remindBeforeMs: [DAY, 7 * DAY], riskWindowMs: 2 * DAY, postponeMs: DAY, decisionTimeoutMs: DAY },
      now,
    );
    assert.deepEqual(
      points.map((p) => `${p.kind}${p.reminder ?? ''}@${new Date(p.at).toISOString()}`),
      [
        'check@2026-12-01T12:00:00.000Z',
        'reminder1@2026-12-03T12:00:00.000Z',
        'risk@2026-12-08T12:00:00.000Z',
        'reminder2@2026-12-09T12:00:00.000Z',
        'due@2026-12-10T12:00:00.000Z',
      ],
    );
  });

  it('sees a risk when unpaid within the window or when the balance is below the amount, none when paid', () => {
    assert.deepEqual(riskOf(bill, { paid: false, balanceCents: 50_000 }, now, 2 * DAY), []);
    assert.deepEqual(
      riskOf(bill, { paid: false, balanceCents: 5_000 }, now, 2 * DAY).map((r) => r.code),
      ['BALANCE_SHORT'],
    );
    assert.deepEqual(
      riskOf(bill, { paid: false, balanceCents: null }, Date.parse(bill.dueAt) - DAY, 2 * DAY).map((r) => r.code),
      ['DUE_SOON'],
    );
    assert.deepEqual(riskOf(bill, { paid: true, balanceCents: 0 }, Date.parse(bill.dueAt) + DAY, 2 * DAY), []);
  });

  it('reads its timeline from configuration and names the field of a bad value', () => {
    assert.deepEqual(
      timelineFrom({ BATON_BILLS_REMIND_BEFORE_MS: '20000,10000', BATON_BILLS_RISK_WINDOW_MS: '5000' }).remindBeforeMs,
      [20_000, 10_000],
    );
    assert.throws(() => timelineFrom({ BATON_BILLS_REMIND_BEFORE_MS: '20000,soon' }), /BATON_BILLS_REMIND_BEFORE_MS/);
    assert.throws(() => timelineFrom({ BATON_BILLS_RISK_WINDOW_MS: '-1' }), /BATON_BILLS_RISK_WINDOW_MS/);
  });
});
