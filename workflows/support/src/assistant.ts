// The support escalation's resolution assistant: a tool-using model loop (the kit's agentLoop)
// that works the ticket with four tools, each a step of the agent that owns it: the order lookup
// (order-check), the documentation search (docs-search), a refund (resolver, under the ticket's
// lease; above the refund limit a person approves, changes or declines it first) and a note on
// the ticket (ticket-log). Pure workflow code: types only from the contracts.
import type { AgentLoopSpec, GateTier, LoopTool } from '@baton/workflow-kit/workflow';
import type { Order, OrderCheck, Proposal, Resolution, TicketOpenedData } from './contracts.js';
import { REFUND_GATE } from './definition.js';
import { DEFAULT_EXCEPTION_TIERS } from './policies.js';
import { money } from './rules.js';

/** What the tools did, as the workflow needs it after the loop. */
export interface AssistantWork {
  /** Every order a lookup returned, by id (a refund needs its items). */
  orders: Map<string, Order>;
  refunds: Array<{ proposal: Proposal; resolution: Resolution }>;
}

export const ASSISTANT_SYSTEM = [
  'You resolve customer support tickets for a shop.',
  'Look the order up before you refund it; search the documentation for the policy that applies.',
  'Refund at most what the order can still refund (total minus refunded), in cents. A refund above the limit waits for a person, who may change or decline it.',
  'Leave a note on the ticket when something needs a person to know it.',
  'When you are done, answer with the message to send to the customer, and nothing else.',
].join('\n');

export function assistantPrompt(ticket: TicketOpenedData): string {
  return [
    `Ticket ${ticket.ticketId} from customer ${ticket.customer.id} (via ${ticket.channel}).`,
    ticket.orderId ? `It names order ${ticket.orderId}.` : 'It names no order.',
    `Subject: ${ticket.subject}`,
    '',
    ticket.body,
  ].join('\n');
}

const str = (v: unknown, what: string): string => {
  if (typeof v !== 'string' || v.trim() === '') throw new Error(`${what} must be a non-empty string`);
  return v;
};

/** The loop's spec: its tools over the support agents, and its limits. */
export function assistantSpec(
  ticket: TicketOpenedData,
  options: { refundLimitCents: number; maxTurns?: number; maxTokens?: number; tiers?: GateTier[] },
  work: AssistantWork,
): AgentLoopSpec {
  const customerId = ticket.customer.id;
  const remember = (check: OrderCheck) => {
    for (const order of [...(check.order ? [check.order] : []), ...check.recent]) work.orders.set(order.orderId, order);
  };
  const refundOf = (args: Record<string, unknown>): Proposal => {
    const orderId = str(args.orderId, 'orderId');
    const order = work.orders.get(orderId);
    if (!order) throw new Error(`order ${orderId} is not one the lookup returned: look it up first`);
    const refundable = order.totalCents - order.refundedCents;
    const amountCents = args.amountCents;
    if (
      typeof amountCents !== 'number' ||
      !Number.isInteger(amountCents) ||
      amountCents < 1 ||
      amountCents > refundable
    ) {
      throw new Error(
        `amountCents must be a whole number of cents between 1 and ${refundable} (what order ${orderId} can still refund)`,
      );
    }
    return {
      kind: 'refund',
      orderId,
      amountCents,
      items: order.items,
      reason: str(args.reason, 'reason').slice(0, 500),
    };
  };
  const tools: LoopTool[] = [
    {
      name: 'lookup_order',
      description: "Looks up the customer's order (the one named, else their latest) and their recent orders.",
      parameters: {
        type: 'object',
        properties: { orderId: { type: 'string', description: 'The order id; leave out for the latest' } },
        additionalProperties: false,
      },
      agent: 'order-check',
      input: (args) => ({
        customerId,
        ...(typeof args.orderId === 'string' && args.orderId ? { orderId: args.orderId } : {}),
      }),
      result: (output) => {
        remember(output as OrderCheck);
        return output;
      },
    },
    {
      name: 'search_docs',
      description:
        "Searches the shop's help articles; the best one says what support does (nothing more than answer, refund or replacement). Its text is the article's start; with full: true you get the whole article (a long one by reference: read it with read_result).",
      parameters: {
        type: 'object',
        properties: { query: { type: 'string' }, full: { type: 'boolean' } },
        required: ['query'],
        additionalProperties: false,
      },
      agent: 'docs-search',
      input: (args) => ({
        query: str(args.query, 'query').slice(0, 4400),
        ...(args.full === true ? { full: true } : {}),
      }),
    },
    {
      name: 'refund',
      description: `Refunds part or all of an order, in cents. Above ${money(options.refundLimitCents)} a person approves it first.`,
      parameters: {
        type: 'object',
        properties: {
          orderId: { type: 'string' },
          amountCents: { type: 'integer', minimum: 1 },
          reason: { type: 'string' },
        },
        required: ['orderId', 'amountCents', 'reason'],
        additionalProperties: false,
      },
      agent: 'resolver',
      input: (args) => ({ ticketId: ticket.ticketId, customerId, proposal: refundOf(args) }),
      needsApproval: (args) => typeof args.amountCents === 'number' && args.amountCents > options.refundLimitCents,
      result: (output, args) => {
        const resolution = output as Resolution;
        if (!resolution.alreadyResolved) work.refunds.push({ proposal: refundOf(args), resolution });
        return output;
      },
    },
    {
      name: 'add_note',
      description: 'Leaves a note on the ticket for the people who read it.',
      parameters: {
        type: 'object',
        properties: { text: { type: 'string' } },
        required: ['text'],
        additionalProperties: false,
      },
      agent: 'ticket-log',
      input: (args) => ({
        ticketId: ticket.ticketId,
        customerId,
        kind: 'note',
        summary: str(args.text, 'text').slice(0, 4000),
        handledBy: 'baton',
      }),
    },
  ];
  return {
    name: 'assistant',
    purpose: 'support-resolution',
    modelAgent: 'support-assistant',
    system: ASSISTANT_SYSTEM,
    prompt: assistantPrompt(ticket),
    tools,
    limits: {
      maxTurns: options.maxTurns ?? 8,
      ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
    },
    approval: {
      gateType: REFUND_GATE,
      tiers: options.tiers ?? DEFAULT_EXCEPTION_TIERS,
      safeDefault: 'the refund is not made; the assistant is told nobody approved it',
    },
    turnHandles: ['MODEL_NOT_CONFIGURED'],
  };
}
