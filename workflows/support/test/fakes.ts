// The support escalation's agents as a workflow test answers them, over a small model of the
// systems behind them (the CRM and its cache, the order system, the ticketing system, email), and
// ticket events. Each fake keeps what it did in the world, so a test checks the order system's
// refunds and returns, not only the workflow's own account of them. Faults are knobs on the world.
import { randomUUID } from 'node:crypto';
import { AgentError, type AgentCall, type AgentFakes } from '@baton/workflow-kit/testing';
import type { CustomerRecord, DocsAnswer, Order, SupportAgents, TicketOpened } from '../src/index.js';

export const CUSTOMER: CustomerRecord = {
  customerId: 'cust-1',
  name: 'Grace Hopper',
  email: 'grace@example.com',
  tier: 'gold',
  since: '2021-03-04',
};
export const ORDER_ID = 'ord-1';

export const LATE = ['My order arrived late', 'The kettle came six days after the promised date.'] as const;
export const DAMAGED = ['The kettle arrived broken', 'The glass was cracked when I opened the parcel.'] as const;
export const PASSWORD = ['Forgot my password', 'I cannot sign in to my account.'] as const;
export const UNKNOWN = ['Question about my invoice', 'Why does my invoice show two addresses?'] as const;

/** The help desk's knowledge base, by ticket subject. */
const ARTICLES: Record<string, NonNullable<DocsAnswer['answer']>> = {
  [LATE[0]]: {
    articleId: 'late-delivery',
    title: 'My order arrived late',
    text: 'We refund a late order in full.',
    resolution: 'refund',
  },
  [DAMAGED[0]]: {
    articleId: 'damaged',
    title: 'An item arrived damaged or broken',
    text: 'We send a broken item again at no charge.',
    resolution: 'replacement',
  },
  [PASSWORD[0]]: {
    articleId: 'password',
    title: 'Resetting your password',
    text: 'Use "Forgot password" on the sign-in page.',
    resolution: 'none',
  },
};

export function ticketEvent(subject: string, body: string, data: Partial<TicketOpened['data']> = {}): TicketOpened {
  return {
    id: randomUUID(),
    source: 'urn:baton:test:help-desk',
    specversion: '1.0',
    type: 'support.ticket.opened.v1',
    time: '2026-12-07T09:00:00Z',
    datacontenttype: 'application/json',
    idempotencykey: `tkt-${randomUUID()}`,
    data: {
      ticketId: `T-${randomUUID().slice(0, 8)}`,
      customer: { id: CUSTOMER.customerId, email: CUSTOMER.email },
      subject,
      body,
      orderId: ORDER_ID,
      channel: 'web',
      ...data,
    },
  };
}

interface Written {
  ticketId: string;
  /** The resolve step's reference: the idempotency key the agent runtime gives the task. */
  reference: string;
}

/** The systems behind the support agents, as the fakes see and change them. */
export interface World {
  crm: {
    /** Down: the CRM agent's breaker is open and it answers from its cache, if it can. */
    up: boolean;
    /** The last good read the agent cached, and how old it is now. */
    cached?: { fetchedAt: string; ageMs: number };
  };
  order: Order;
  refunds: Array<Written & { refundId: string; amountCents: number; status: 'issued' | 'voided' }>;
  returns: Array<Written & { returnId: string; status: 'open' | 'cancelled' }>;
  replacements: Array<Written & { orderId: string; status: 'placed' | 'cancelled' }>;
  ticketLog: Array<{ ticketId: string; kind: string; handledBy: string; summary: string }>;
  emails: Array<{ to: string; kind: string; text: string }>;
  faults: {
    /** The order system refuses the replacement order for good with this code (after the return is open). */
    refuseReplacement?: string;
    /** The order system refuses every undo for good. */
    undoRefused?: boolean;
  };
}

/** A customer with one delivered order: a 40 EUR kettle and a 12 EUR filter, nothing refunded. */
export function newWorld(): World {
  return {
    crm: { up: true },
    order: {
      orderId: ORDER_ID,
      customerId: CUSTOMER.customerId,
      status: 'delivered',
      items: [
        { sku: 'kettle-1', name: 'Glass kettle', quantity: 1, unitPriceCents: 4_000 },
        { sku: 'filter-1', name: 'Limescale filter', quantity: 1, unitPriceCents: 1_200 },
      ],
      totalCents: 5_200,
      refundedCents: 0,
      placedAt: '2026-11-20T10:00:00.000Z',
    },
    refunds: [],
    returns: [],
    replacements: [],
    ticketLog: [],
    emails: [],
    faults: {},
  };
}

/** The reference the agent runtime derives for a task (its idempotency key): the same for every
 *  attempt of a step, whatever happens to the task. */
export const referenceOf = (call: AgentCall) => `${call.workflowId}/${call.stepId}`;

/** Agents that answer as the real ones do over `world`; a test overrides one per run. */
export function agents(world: World): AgentFakes<SupportAgents> {
  return {
    'crm-lookup': (input) => {
      if (world.crm.up)
        return {
          source: 'crm',
          customer: { ...CUSTOMER, customerId: input.customerId },
          fetchedAt: '2026-12-07T09:00:00.000Z',
          ageMs: 0,
        };
      const cached = world.crm.cached;
      if (!cached)
        throw new AgentError(
          'CUSTOMER_UNAVAILABLE',
          `the CRM is unavailable (circuit breaker open) and nothing is cached for ${input.customerId}`,
          false,
        );
      return {
        source: 'cache',
        customer: { ...CUSTOMER, customerId: input.customerId },
        fetchedAt: cached.fetchedAt,
        ageMs: cached.ageMs,
        note: 'the CRM is unavailable: its circuit breaker is open',
      };
    },
    'order-check': (input) => {
      const order = world.order;
      if (input.orderId && input.orderId !== order.orderId)
        return { recent: [order], problem: `order ${input.orderId} is not one of ${input.customerId}'s orders` };
      return { order, recent: [order] };
    },
    'docs-search': (input) => {
      const article = ARTICLES[input.query.split('\n')[0]!];
      return article
        ? { hits: [{ articleId: article.articleId, title: article.title, score: 0.9 }], answer: article }
        : { hits: [] };
    },
    resolver: {
      run: (input, call) => {
        const reference = referenceOf(call);
        const { ticketId, proposal } = input;
        // Another escalation of this ticket resolved it first: nothing is written twice.
        const otherRefund = world.refunds.find(
          (r) => r.ticketId === ticketId && r.status === 'issued' && r.reference !== reference,
        );
        const otherOrder = world.replacements.find(
          (o) => o.ticketId === ticketId && o.status === 'placed' && o.reference !== reference,
        );
        if (otherRefund || otherOrder) {
          return {
            kind: otherRefund ? 'refund' : 'replacement',
            alreadyResolved: true,
            ...(otherRefund ? { refundId: otherRefund.refundId } : { replacementOrderId: otherOrder!.orderId }),
            fencingToken: 1,
          };
        }
        if (proposal.kind === 'refund') {
          // Found by reference when an earlier attempt already refunded.
          let refund = world.refunds.find((r) => r.reference === reference);
          if (!refund) {
            refund = {
              ticketId,
              reference,
              refundId: `rf-${world.refunds.length + 1}`,
              amountCents: proposal.amountCents ?? 0,
              status: 'issued',
            };
            world.refunds.push(refund);
          }
          return { kind: 'refund', alreadyResolved: false, refundId: refund.refundId, fencingToken: 1 };
        }
        let ret = world.returns.find((r) => r.reference === reference);
        if (!ret) {
          ret = { ticketId, reference, returnId: `ret-${world.returns.length + 1}`, status: 'open' };
          world.returns.push(ret);
        }
        if (world.faults.refuseReplacement)
          throw new AgentError(
            world.faults.refuseReplacement,
            `the order system refuses POST /orders: ${world.faults.refuseReplacement}`,
            false,
          );
        let order = world.replacements.find((o) => o.reference === reference);
        if (!order) {
          order = { ticketId, reference, orderId: `ord-r${world.replacements.length + 1}`, status: 'placed' };
          world.replacements.push(order);
        }
        return {
          kind: 'replacement',
          alreadyResolved: false,
          returnId: ret.returnId,
          replacementOrderId: order.orderId,
          fencingToken: 1,
        };
      },
      // Undoes whatever the resolve step wrote under the reference, newest first.
      compensate: (input) => {
        if (world.faults.undoRefused)
          throw new AgentError('REFUSED_BY_PROVIDER', 'the order system refuses to cancel', false);
        const mine = <T extends Written>(rows: T[]) =>
          rows.filter((r) => r.reference === input.reference && r.ticketId === input.ticketId);
        const undone: string[] = [];
        for (const o of mine(world.replacements).filter((o) => o.status === 'placed')) {
          o.status = 'cancelled';
          undone.push(`replacement order ${o.orderId} cancelled`);
        }
        for (const r of mine(world.refunds).filter((r) => r.status === 'issued')) {
          r.status = 'voided';
          undone.push(`refund ${r.refundId} voided`);
        }
        for (const r of mine(world.returns).filter((r) => r.status === 'open')) {
          r.status = 'cancelled';
          undone.push(`return ${r.returnId} cancelled`);
        }
        return { undone, nothingDone: undone.length === 0 };
      },
    },
    'ticket-log': (input) => {
      world.ticketLog.push({
        ticketId: input.ticketId,
        kind: input.kind,
        handledBy: input.handledBy,
        summary: input.summary,
      });
      return { entryId: `entry-${world.ticketLog.length}` };
    },
    'support-mailer': (input) => {
      world.emails.push({ to: input.to, kind: input.kind, text: input.text });
      return { messageId: `msg-${world.emails.length}` };
    },
  };
}
