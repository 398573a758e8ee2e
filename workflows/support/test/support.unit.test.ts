// The support escalation's own tests: its registration stands beside every other workflow, its
// event is validated, and its rules decide what reaches a person and what a person may change.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GateRefusedError, Registry, type EventRoute } from '@baton/workflow-kit';
import registration, {
  TicketOpened,
  applyChanges,
  exceptionsOf,
  proposalOf,
  supportAgents,
  supportWorkflowId,
  type DocsAnswer,
  type OrderCheck,
  type SupportCase,
} from '../src/index.js';

const event = {
  id: 'evt-1',
  source: 'urn:example:help-desk',
  specversion: '1.0',
  type: 'support.ticket.opened.v1',
  time: '2026-12-01T09:00:00Z',
  idempotencykey: 'tkt-1',
  data: { ticketId: 'T-1', customer: { id: 'c-1', email: 'c-1@example.com' }, subject: 'Late', body: 'It came late' },
};
const order: NonNullable<OrderCheck['order']> = {
  orderId: 'o-1',
  customerId: 'c-1',
  status: 'delivered',
  items: [{ sku: 'k', name: 'Kettle', quantity: 1, unitPriceCents: 30_000 }],
  totalCents: 30_000,
  refundedCents: 5_000,
  placedAt: '2026-11-20T10:00:00.000Z',
};
const docs = (resolution: 'none' | 'refund' | 'replacement'): DocsAnswer => ({
  hits: [],
  answer: { articleId: 'a', title: 'A', text: 'text', resolution },
});
const crm = {
  source: 'crm' as const,
  customer: { customerId: 'c-1', name: 'Ada', email: 'c-1@example.com', tier: 'gold' as const, since: '2020-01-01' },
  fetchedAt: '2026-12-01T09:00:00.000Z',
  ageMs: 0,
};

describe('support workflow', () => {
  it('registers its event, agents and gate type beside the other workflows', async () => {
    const registry = await Registry.load();
    assert.equal(registry.events.get('support.ticket.opened.v1')?.workflow.definition.type, 'support');
    for (const agent of Object.keys(supportAgents)) assert.ok(registry.agents.has(agent), agent);
    assert.equal(registry.gateTypes.get('support.exception')?.autoApprove, false);
  });

  it('starts one workflow per idempotency key and refuses a ticket without a customer email', () => {
    const start = (registration.events['support.ticket.opened.v1'] as EventRoute).start(TicketOpened.parse(event));
    assert.equal(start.workflowId, supportWorkflowId('tkt-1', event.source));
    assert.equal(TicketOpened.safeParse({ ...event, data: { ...event.data, customer: { id: 'c-1' } } }).success, false);
  });

  it("proposes what the article's policy calls for on the ticket's order: the rest of the order for a refund", () => {
    assert.deepEqual(proposalOf(docs('refund'), { order, recent: [] })?.amountCents, 25_000);
    assert.equal(proposalOf(docs('replacement'), { order, recent: [] })?.kind, 'replacement');
    assert.equal(proposalOf(docs('none'), { order, recent: [] }), undefined);
    assert.equal(proposalOf(docs('refund'), { recent: [] }), undefined, 'no order, nothing to resolve against');
  });

  it('sends a case to a person for cached or missing customer data, no answer, or a refund over the limit, and not otherwise', () => {
    const proposal = proposalOf(docs('refund'), { order, recent: [] })!;
    assert.deepEqual(
      exceptionsOf({
        customer: crm,
        orders: { order, recent: [] },
        docs: docs('refund'),
        proposal,
        refundLimitCents: 30_000,
      }),
      [],
    );
    const cached = exceptionsOf({
      customer: { ...crm, source: 'cache', ageMs: 125_000 },
      orders: { order, recent: [] },
      docs: docs('refund'),
      proposal,
      refundLimitCents: 30_000,
    });
    assert.deepEqual(
      cached.map((r) => r.code),
      ['CUSTOMER_FROM_CACHE'],
    );
    assert.match(cached[0]!.detail, /from the cache, 2 min old/);
    assert.deepEqual(
      exceptionsOf({ customerError: 'CRM down', docs: { hits: [] }, refundLimitCents: 30_000 }).map((r) => r.code),
      ['CUSTOMER_UNAVAILABLE', 'NO_ANSWER'],
    );
    assert.deepEqual(
      exceptionsOf({
        customer: crm,
        orders: { order, recent: [] },
        docs: docs('refund'),
        proposal,
        refundLimitCents: 20_000,
      }).map((r) => r.code),
      ['OVER_REFUND_LIMIT'],
    );
  });

  it("applies a person's changes within what the order can still refund, and refuses anything else", () => {
    const payload: SupportCase = {
      ticket: TicketOpened.parse(event).data,
      orders: { order, recent: [] },
      proposal: proposalOf(docs('refund'), { order, recent: [] })!,
      reasons: [],
    };
    assert.equal(applyChanges(payload, { amountCents: 10_000 }).proposal?.amountCents, 10_000);
    assert.equal(applyChanges(payload, { resolution: 'replacement' }).proposal?.kind, 'replacement');
    assert.equal(applyChanges(payload, { resolution: 'none' }).proposal, undefined);
    assert.throws(() => applyChanges(payload, { amountCents: 25_001 }), GateRefusedError);
    assert.throws(() => applyChanges(payload, { resolution: 'store credit' }), GateRefusedError);
    assert.throws(() => applyChanges(payload, { notes: 'x' }), GateRefusedError);
  });
});
