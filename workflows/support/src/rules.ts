// The support escalation's business rules, pure: what resolution the documentation and the
// order call for, what must go to a person, and how a person's changes apply. Used by the
// workflow (in the sandbox) and tested on their own.
import { GateRefusedError } from '@baton/workflow-kit/workflow';
import type {
  CustomerLookup,
  DocsAnswer,
  OrderCheck,
  Proposal,
  ResolutionKind,
  TicketOpenedData,
} from './contracts.js';
import type { CaseReason, SupportCase } from './definition.js';

/** The resolution the matching article's policy calls for, on the ticket's order. */
export function proposalOf(docs: DocsAnswer | undefined, orders: OrderCheck | undefined): Proposal | undefined {
  const kind = docs?.answer?.resolution;
  const order = orders?.order;
  if (!kind || kind === 'none' || !order) return undefined;
  const reason = `${docs.answer!.title} (article ${docs.answer!.articleId})`;
  if (kind === 'refund') {
    const amountCents = order.totalCents - order.refundedCents;
    return amountCents > 0 ? { kind, orderId: order.orderId, amountCents, items: order.items, reason } : undefined;
  }
  return { kind, orderId: order.orderId, items: order.items, reason };
}

/** What is known of a case (a field left out or undefined: not known). */
export interface CaseFacts {
  customer?: CustomerLookup | undefined;
  customerError?: string | undefined;
  orders?: OrderCheck | undefined;
  ordersError?: string | undefined;
  docs?: DocsAnswer | undefined;
  proposal?: Proposal | undefined;
  refundLimitCents: number;
}

/** Why this case must reach a person, if it must. Empty: Baton settles it alone. */
export function exceptionsOf(facts: CaseFacts): CaseReason[] {
  const reasons: CaseReason[] = [];
  if (!facts.customer)
    reasons.push({
      code: 'CUSTOMER_UNAVAILABLE',
      detail: `no customer data: ${facts.customerError || 'the CRM did not answer'}`,
    });
  else if (facts.customer.source === 'cache') {
    reasons.push({
      code: 'CUSTOMER_FROM_CACHE',
      detail: `customer data from the cache, ${describeAge(facts.customer.ageMs)} old (read from the CRM at ${facts.customer.fetchedAt}); ${facts.customer.note ?? 'the CRM is unavailable'}`,
    });
  }
  if (facts.ordersError)
    reasons.push({ code: 'ORDER_UNAVAILABLE', detail: `the order system did not answer: ${facts.ordersError}` });
  else if (facts.orders?.problem) reasons.push({ code: 'ORDER_MISMATCH', detail: facts.orders.problem });
  if (!facts.docs?.answer)
    reasons.push({ code: 'NO_ANSWER', detail: 'the documentation has no article that answers this ticket' });
  if (facts.proposal?.kind === 'refund' && (facts.proposal.amountCents ?? 0) > facts.refundLimitCents) {
    reasons.push({
      code: 'OVER_REFUND_LIMIT',
      detail: `a refund of ${money(facts.proposal.amountCents ?? 0)} is above the limit of ${money(facts.refundLimitCents)}`,
    });
  }
  return reasons;
}

/** The whole case a person sees at the exception gate: only what is known, and why it is theirs. */
export function caseOf(
  ticket: TicketOpenedData,
  known: Pick<SupportCase, 'customer' | 'orders' | 'docs' | 'proposal' | 'reasons'>,
): SupportCase {
  return {
    ticket,
    ...(known.customer ? { customer: known.customer } : {}),
    ...(known.orders ? { orders: known.orders } : {}),
    ...(known.docs ? { docs: known.docs } : {}),
    ...(known.proposal ? { proposal: known.proposal } : {}),
    reasons: known.reasons,
  };
}

/** A person's changes at the gate: another resolution, another amount, or none at all. */
export function applyChanges(payload: SupportCase, changes: Record<string, unknown>): SupportCase {
  const { resolution, amountCents: amount, ...rest } = changes;
  if (Object.keys(rest).length)
    throw new GateRefusedError(`only resolution and amountCents may change, not ${Object.keys(rest).join(', ')}`);
  if (resolution !== undefined && resolution !== 'refund' && resolution !== 'replacement' && resolution !== 'none')
    throw new GateRefusedError('resolution must be refund, replacement or none');
  if (amount !== undefined && (!Number.isInteger(amount) || (amount as number) < 1))
    throw new GateRefusedError('amountCents must be a whole number of cents, at least 1');
  if (resolution === 'none') return { ...payload, proposal: undefined };
  const kind = (resolution as ResolutionKind | undefined) ?? payload.proposal?.kind;
  if (!kind) throw new GateRefusedError('there is no resolution to change: choose refund or replacement');
  const order = payload.orders?.order;
  if (!order) throw new GateRefusedError('the case has no order to resolve against');
  const refundable = order.totalCents - order.refundedCents;
  const amountCents =
    kind === 'refund' ? ((amount as number | undefined) ?? payload.proposal?.amountCents ?? refundable) : undefined;
  if (amountCents !== undefined && (amountCents < 1 || amountCents > refundable))
    throw new GateRefusedError(
      `amountCents must be between 1 and ${refundable} (what order ${order.orderId} can still refund)`,
    );
  return {
    ...payload,
    proposal: {
      kind,
      orderId: order.orderId,
      items: order.items,
      reason: payload.proposal?.reason ?? 'chosen by a person',
      ...(amountCents !== undefined ? { amountCents } : {}),
    },
  };
}

export function describeAge(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  const h = Math.round(m / 60);
  return h < 48 ? `${h} h` : `${Math.round(h / 24)} days`;
}

export function money(cents: number): string {
  return `${(cents / 100).toFixed(2)} EUR`;
}
