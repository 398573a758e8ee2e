// The support escalation registers itself: its event type and how it starts the workflow, its
// agents' contracts, its gate type (in its definition), its workflow function, and how the
// console shows a case to the person deciding: the ticket, the customer (and whether that data
// came from the CRM or from its cache, and how old it is), the order, the documentation's
// answer, the proposed resolution and why it reached them.
import { z } from 'zod';
import { loadConfig } from '@baton/contracts';
import { defineWorkflow, type ContextRow, sourceModule } from '@baton/workflow-kit';
import type { ToolApprovalPayload, TranscriptEntry } from '@baton/workflow-kit/workflow';
import { TicketOpened, supportAgents, type SupportAgents } from './contracts.js';
import {
  REFUND_GATE,
  support,
  supportWorkflowId,
  workflowTypes,
  type SupportCase,
  type SupportInput,
  type SupportStatus,
} from './definition.js';
import { DEFAULT_REFUND_LIMIT_CENTS } from './policies.js';
import { describeAge, money } from './rules.js';

/** Read where events start escalations (the gateway). */
export const SupportConfig = z.object({
  BATON_SUPPORT_REFUND_LIMIT_CENTS: z.coerce.number().int().min(0).default(DEFAULT_REFUND_LIMIT_CENTS),
  /** The resolution assistant works each ticket first (the support-assistant agent's models). */
  BATON_SUPPORT_ASSISTANT: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  BATON_SUPPORT_ASSISTANT_MAX_TURNS: z.coerce.number().int().min(1).max(50).default(8),
  BATON_SUPPORT_ASSISTANT_MAX_TOKENS: z.coerce.number().int().min(1).optional(),
});
const config = loadConfig(SupportConfig);
const assistantLimits = {
  maxTurns: config.BATON_SUPPORT_ASSISTANT_MAX_TURNS,
  ...(config.BATON_SUPPORT_ASSISTANT_MAX_TOKENS !== undefined
    ? { maxTokens: config.BATON_SUPPORT_ASSISTANT_MAX_TOKENS }
    : {}),
};

/** The rows a person sees about a case (the console's gate page, `baton status`). */
export function caseContext(s: SupportStatus): ContextRow[] {
  if (s.gate?.gateType === REFUND_GATE) return refundContext(s, s.gate.payload as unknown as ToolApprovalPayload);
  const c: Partial<SupportCase> = s.gate?.kind === 'approval' ? (s.gate.payload as SupportCase) : s;
  const customer = c.customer;
  const order = c.orders?.order;
  const proposal = c.proposal;
  return [
    { label: 'why a person', value: (c.reasons ?? s.reasons).map((r) => r.detail).join('; ') },
    {
      label: 'customer data',
      id: 'customer-source',
      emphasis: customer?.source !== 'crm',
      value: !customer
        ? 'none: the CRM did not answer and nothing was cached'
        : customer.source === 'cache'
          ? `from the cache, ${describeAge(customer.ageMs)} old (read from the CRM at ${customer.fetchedAt})`
          : 'fresh from the CRM',
    },
    {
      label: 'customer',
      id: 'customer',
      value: customer
        ? `${customer.customer.name} (${customer.customer.customerId}) · ${customer.customer.tier} since ${customer.customer.since}`
        : `${s.ticket.customer.id} · ${s.ticket.customer.email}`,
    },
    { label: 'ticket', id: 'ticket', value: `${s.ticket.ticketId} · ${s.ticket.subject}: ${s.ticket.body}` },
    {
      label: 'order',
      id: 'order',
      value: order
        ? `${order.orderId} · ${order.status} · ${order.items.map((i) => `${i.quantity}× ${i.name}`).join(', ')} · ${money(order.totalCents)} (refunded ${money(order.refundedCents)})`
        : (c.orders?.problem ?? 'none found'),
    },
    {
      label: 'documentation',
      id: 'answer',
      value: c.docs?.answer ? `${c.docs.answer.title}: ${c.docs.answer.text}` : 'no article answers this ticket',
    },
    {
      label: 'proposed resolution',
      id: 'proposal',
      value: proposal
        ? `${proposal.kind}${proposal.amountCents ? ` of ${money(proposal.amountCents)}` : ''} on order ${proposal.orderId} (${proposal.reason})`
        : 'none: answer only',
    },
    ...(s.assistant ? [assistantRow(s)] : []),
  ];
}

/** What the resolution assistant did: turns, tokens, why it stopped, and its transcript. */
function assistantRow(s: SupportStatus): ContextRow {
  const a = s.assistant!;
  const head = `${a.turns} turns, ${a.usage.inputTokens + a.usage.outputTokens} tokens, ${a.status}${s.assistantFallback ? ` (the rules took over: ${s.assistantFallback})` : ''}`;
  return {
    label: 'resolution assistant',
    id: 'assistant',
    value: `${head}\n${transcriptText(a.entries)}`.slice(0, 4000),
  };
}

/** The assistant's transcript in lines a person reads (bounded). */
function transcriptText(entries: TranscriptEntry[]): string {
  const line = (e: TranscriptEntry) =>
    e.role === 'user'
      ? `ticket: ${e.text}`
      : e.role === 'assistant'
        ? `assistant: ${[e.text, ...(e.calls ?? []).map((c) => `${c.name}(${JSON.stringify(c.args)})`)].filter(Boolean).join(' ')}`
        : `${e.name}: ${e.error ?? (e.reference ? `${e.reference.summary} (${e.reference.size} characters, by reference)` : e.page ? `page at ${e.page.offset}` : JSON.stringify(e.result))}`;
  return entries.map(line).join('\n').slice(0, 4000);
}

/** The rows of the assistant's refund a person approves: the call, and the transcript so far. */
function refundContext(s: SupportStatus, p: ToolApprovalPayload): ContextRow[] {
  const amount = typeof p.args.amountCents === 'number' ? money(p.args.amountCents) : String(p.args.amountCents);
  return [
    { label: 'why a person', value: 'the resolution assistant wants to refund more than the limit' },
    {
      label: 'refund',
      id: 'refund',
      value: `${amount} on order ${String(p.args.orderId)}: ${String(p.args.reason ?? '')}`,
    },
    { label: 'customer', id: 'customer', value: `${s.ticket.customer.id} · ${s.ticket.customer.email}` },
    { label: 'ticket', id: 'ticket', value: `${s.ticket.ticketId} · ${s.ticket.subject}: ${s.ticket.body}` },
    { label: 'transcript', id: 'transcript', value: transcriptText(p.transcript) },
  ];
}

export default defineWorkflow<SupportStatus, SupportAgents>({
  definition: support,
  workflowName: workflowTypes.support,
  workflowModule: sourceModule(import.meta.url, './workflow.ts'),
  events: {
    'support.ticket.opened.v1': {
      schema: TicketOpened,
      start: (event: TicketOpened) => ({
        workflowId: supportWorkflowId(event.idempotencykey, event.source),
        input: {
          event,
          refundLimitCents: config.BATON_SUPPORT_REFUND_LIMIT_CENTS,
          ...(config.BATON_SUPPORT_ASSISTANT ? { assistant: assistantLimits } : {}),
        } satisfies SupportInput,
      }),
    },
  },
  agents: supportAgents,
  view: {
    summary: (s) => `${s.ticket.ticketId}: ${s.ticket.subject}`,
    context: (s) => caseContext(s),
    changeFields: [
      {
        name: 'resolution',
        label: 'Resolution (with changes): refund, replacement or none',
        type: 'text',
        maxLength: 20,
      },
      { name: 'amountCents', label: 'Refund in cents (with changes)', type: 'number', min: 1, max: 10_000_000 },
    ],
    customerId: (s) => s.ticket.customer.id,
    successState: 'Resolved',
  },
});

export * from './contracts.js';
export * from './definition.js';
export {
  COMPENSATION_STEP,
  CRM_STEP,
  DEFAULT_EXCEPTION_TIERS,
  DEFAULT_REFUND_LIMIT_CENTS,
  RESOLVE_STEP,
  SUPPORT_STEP,
} from './policies.js';
export { applyChanges, describeAge, exceptionsOf, money, proposalOf } from './rules.js';
