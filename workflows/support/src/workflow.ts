// The support escalation as a business process, eight steps: receive the ticket -> the customer
// from the CRM (or its cache while the CRM's breaker is open) -> the order -> the documentation
// -> (a person decides when anything is exceptional) -> the resolution (a refund or a replacement
// under the ticket's lease, undone by the saga if it fails) -> the ticket log -> the email. Where
// the deployment runs the resolution assistant (a model loop with tools: assistant.ts), it works
// the ticket after the customer lookup, and the rules serve when it has no model or reaches a
// limit. Types only from the contracts: no zod in the workflow sandbox.
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import {
  APPROVAL_OPTIONS,
  BatonCustomer,
  agentLoop,
  causeOf,
  runWorkflow,
  type RunOf,
} from '@baton/workflow-kit/workflow';
import type { SupportAgents } from './contracts.js';
import { assistantSpec, type AssistantWork } from './assistant.js';
import {
  EXCEPTION_GATE,
  REFUND_GATE,
  support,
  type SupportCase,
  type SupportInput,
  type SupportState,
  type SupportStatus,
} from './definition.js';
import {
  COMPENSATION_STEP,
  CRM_STEP,
  DEFAULT_EXCEPTION_TIERS,
  DEFAULT_REFUND_LIMIT_CENTS,
  RESOLVE_STEP,
  SUPPORT_STEP,
} from './policies.js';
import { applyChanges, caseOf, exceptionsOf, money, proposalOf } from './rules.js';

type Run = RunOf<typeof support>;
type Outcome = 'resolved' | 'answered' | 'declined' | 'not-resolved' | 'expired';

export async function supportWorkflow(input: SupportInput): Promise<SupportStatus> {
  const ticket = input.event.data;
  return runWorkflow(
    support,
    { state: 'Receiving ticket', eventId: input.event.id, ticket, reasons: [], handledBy: 'baton' },
    input,
    (run) => escalate(run, input),
  );
}

async function escalate(run: Run, input: SupportInput): Promise<SupportStatus> {
  const { status } = run;
  const ticket = input.event.data;
  const { workflowId } = workflowInfo();

  // 1. The ticket, as the gateway validated it.
  run.enter('Receiving ticket');
  upsertSearchAttributes([{ key: BatonCustomer, value: ticket.customer.id }]);

  // 2. The customer. Any failure here is the workflow's to route: no data at all is a reason for
  //    a person, not an attention gate on the lookup.
  run.enter('Looking up customer');
  let customerError: string | undefined;
  status.customer = await run
    .step('crm-lookup', 'crm-lookup', { customerId: ticket.customer.id }, { policy: CRM_STEP, handles: 'all' })
    .catch((err: unknown) => {
      customerError = causeOf(err);
      return undefined;
    });

  // The resolution assistant, when the deployment runs one: it settles the ticket, or hands it to
  // the rules below (no model configured, or a limit reached) with what it did not finish.
  if (input.assistant) {
    const settled = await assist(run, input);
    if (settled) return settled;
  }

  // 3. The order the ticket is about.
  run.enter('Checking orders');
  let ordersError: string | undefined;
  status.orders = await run
    .step(
      'order-check',
      'order-check',
      { customerId: ticket.customer.id, ...(ticket.orderId ? { orderId: ticket.orderId } : {}) },
      { policy: SUPPORT_STEP, handles: 'all' },
    )
    .catch((err: unknown) => {
      ordersError = causeOf(err);
      return undefined;
    });

  // 4. The documentation: the answer, and the policy it states.
  run.enter('Searching documentation');
  status.docs = await run.step(
    'docs-search',
    'docs-search',
    { query: `${ticket.subject}\n${ticket.body}` },
    { policy: SUPPORT_STEP },
  );
  status.proposal = proposalOf(status.docs, status.orders);
  const { customer, orders, docs, proposal } = status;
  status.reasons = exceptionsOf({
    customer,
    customerError,
    orders,
    ordersError,
    docs,
    proposal,
    refundLimitCents: input.refundLimitCents ?? DEFAULT_REFUND_LIMIT_CENTS,
  });

  // 6. Exceptions go to a person with the whole case; what they approve is what runs.
  if (status.reasons.length > 0) {
    const outcome = await run.gate<SupportCase>({
      gateId: `${workflowId}/exception`,
      gateType: EXCEPTION_GATE,
      payload: caseOf(ticket, status),
      options: [...APPROVAL_OPTIONS],
      tiers: input.exceptionTiers ?? DEFAULT_EXCEPTION_TIERS,
      safeDefault: 'no resolution: the ticket is logged as expired and the customer told that a person will follow up',
      applyChanges,
    });
    if (outcome.kind === 'timed-out')
      return finish(run, 'expired', 'Expired', 'Nobody decided in time; a person will follow up.');
    status.handledBy = outcome.decision.decidedBy;
    if (outcome.kind !== 'approved')
      return finish(
        run,
        'declined',
        'Declined',
        `${outcome.decision.decidedBy} decided against a resolution: ${outcome.decision.reason || 'no reason given'}`,
      );
    status.proposal = outcome.payload.proposal;
  }

  // 5. The resolution, under the ticket's lease (in the resolver). Its undo is registered before
  //    it runs, by the step's reference: a return opened before a refusal is found and cancelled.
  if (status.proposal) {
    run.enter('Resolving');
    run.undoWith(
      'resolver',
      'undo-resolution',
      () => ({ ticketId: ticket.ticketId, reference: run.reference('resolve') }),
      COMPENSATION_STEP,
      (undone) => !undone.nothingDone,
    );
    try {
      status.resolution = await run.step(
        'resolver',
        'resolve',
        { ticketId: ticket.ticketId, customerId: ticket.customer.id, proposal: status.proposal },
        {
          policy: RESOLVE_STEP,
          handles: ['REFUSED_BY_PROVIDER', 'REFUND_EXCEEDS_ORDER', 'ORDER_NOT_FOUND', 'OUT_OF_STOCK'],
        },
      );
    } catch (err) {
      const end = () =>
        finish(
          run,
          'not-resolved',
          status.compensated.length > 0 ? 'Compensated' : 'Failed',
          'We could not complete the resolution; nothing was charged or changed, and a person will follow up.',
        );
      return run.unwind({
        state: 'Compensating',
        reason: 'the resolution failed and could not be fully undone',
        cause: err,
        end,
      });
    }
    if (status.resolution.alreadyResolved) {
      // Another escalation of this ticket resolved it first: log it, do not write to the customer twice.
      await log(run, 'duplicate', 'another escalation of this ticket had already resolved it; nothing was done twice');
      return run.end('Already resolved');
    }
    const p = status.proposal;
    return finish(
      run,
      'resolved',
      'Resolved',
      p.kind === 'refund'
        ? `We refunded ${money(p.amountCents ?? 0)} for order ${p.orderId}.`
        : `We are sending a replacement for order ${p.orderId}.`,
    );
  }
  return finish(run, 'answered', 'Answered', status.docs?.answer?.text ?? 'A person from our team will follow up.');
}

/** The assistant's loop; its answer settles the ticket (resolved when it refunded, else answered).
 *  Without a model, or at a limit, the rules take over, unless a refund was already made. */
async function assist(run: Run, input: SupportInput): Promise<SupportStatus | undefined> {
  const { status } = run;
  const ticket = input.event.data;
  run.enter('Working on ticket');
  const work: AssistantWork = { orders: new Map(), refunds: [] };
  const limits = {
    refundLimitCents: input.refundLimitCents ?? DEFAULT_REFUND_LIMIT_CENTS,
    ...input.assistant,
    ...(input.exceptionTiers ? { tiers: input.exceptionTiers } : {}),
  };
  const spec = assistantSpec(ticket, limits, work);
  const outcome = await agentLoop(run, spec, (t) => (status.assistant = t));
  const approver = [...(status.previousGates ?? []), ...(status.gate ? [status.gate] : [])]
    .reverse()
    .find((g) => g.gateType === REFUND_GATE && g.status === 'approved');
  if (approver?.decidedBy) status.handledBy = approver.decidedBy;
  const refund = work.refunds.at(-1);
  if (refund) {
    status.proposal = refund.proposal;
    status.resolution = refund.resolution;
  }
  if (outcome.kind === 'answered' && outcome.text.trim())
    return finish(run, refund ? 'resolved' : 'answered', refund ? 'Resolved' : 'Answered', outcome.text.slice(0, 4000));
  status.assistantFallback = outcome.kind === 'answered' ? 'the assistant gave an empty answer' : outcome.detail;
  if (refund)
    return finish(
      run,
      'resolved',
      'Resolved',
      `We refunded ${money(refund.proposal.amountCents ?? 0)} for order ${refund.proposal.orderId}.`,
    );
  return undefined;
}

/** 7 and 8: log the interaction in the ticketing system, then email the customer. Once the
 *  outcome stands, a log or email that cannot be done goes to a person; it undoes nothing. */
async function finish(run: Run, outcome: Outcome, end: SupportState, text: string): Promise<SupportStatus> {
  const { status } = run;
  const ticket = status.ticket;
  await log(run, outcome, text);
  run.enter('Emailing customer');
  const email = {
    to: ticket.customer.email,
    ...(status.customer ? { name: status.customer.customer.name } : {}),
    ticketId: ticket.ticketId,
    kind: outcome,
    text,
  };
  const sent = await run.orEscalate(
    run.step('support-mailer', 'email', email, { policy: SUPPORT_STEP, handles: 'all' }),
    'the case is settled but the customer could not be emailed',
    'email',
  );
  if (sent) status.messageId = sent.messageId;
  return run.end(end);
}

async function log(run: Run, kind: Outcome | 'duplicate', summary: string): Promise<void> {
  const { status } = run;
  run.enter('Logging ticket');
  const entry = await run.orEscalate(
    run.step(
      'ticket-log',
      'ticket-log',
      {
        ticketId: status.ticket.ticketId,
        customerId: status.ticket.customer.id,
        kind,
        summary,
        handledBy: status.handledBy,
      },
      { policy: SUPPORT_STEP, handles: 'all' },
    ),
    'the interaction could not be logged in the ticketing system',
    'ticket-log',
  );
  if (entry) status.ticketEntryId = entry.entryId;
}
