// The support escalation's contracts: the ticket event, what each system tells the workflow
// (customer, orders, documentation), the resolution and its undo, the ticket log and the email.
// zod values live here (the gateway, the result bridge and the agents load them); the workflow
// code imports types only.
import { z } from 'zod';
import { defineAgentContract, eventEnvelope, modelTurnContract } from '@baton/contracts';

/** Data of `support.ticket.opened.v1`: a customer's message as the help desk received it. */
export const TicketOpenedData = z.object({
  ticketId: z.string().min(1).max(100),
  customer: z.object({ id: z.string().min(1).max(100), email: z.email() }),
  subject: z.string().min(1).max(200),
  body: z.string().min(1).max(4000),
  /** The order the customer writes about, when the form asked for it. */
  orderId: z.string().min(1).max(100).optional(),
  channel: z.enum(['email', 'web', 'chat', 'phone']).default('web'),
});
export type TicketOpenedData = z.infer<typeof TicketOpenedData>;
export const TicketOpened = eventEnvelope('support.ticket.opened.v1', TicketOpenedData);
export type TicketOpened = z.infer<typeof TicketOpened>;

export const CustomerRecord = z.object({
  customerId: z.string().min(1),
  name: z.string().min(1),
  email: z.email(),
  tier: z.enum(['standard', 'gold', 'platinum']),
  since: z.iso.date(),
});
export type CustomerRecord = z.infer<typeof CustomerRecord>;

/** What the CRM step found: fresh from the CRM, or (its breaker open) from the cache, with age. */
export const CustomerLookup = z.object({
  source: z.enum(['crm', 'cache']),
  customer: CustomerRecord,
  /** When this data was read from the CRM. */
  fetchedAt: z.iso.datetime(),
  /** How old the data was when the step answered (0 for a fresh read). */
  ageMs: z.number().int().min(0),
  /** Why the cache served, in words (the CRM breaker's state). */
  note: z.string().max(500).optional(),
});
export type CustomerLookup = z.infer<typeof CustomerLookup>;

export const Item = z.object({
  sku: z.string().min(1),
  name: z.string().min(1),
  quantity: z.number().int().min(1),
  unitPriceCents: z.number().int().min(0),
});
export type Item = z.infer<typeof Item>;
export const Order = z.object({
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  status: z.enum(['placed', 'shipped', 'delivered', 'cancelled']),
  items: z.array(Item),
  totalCents: z.number().int().min(0),
  refundedCents: z.number().int().min(0),
  placedAt: z.iso.datetime(),
});
export type Order = z.infer<typeof Order>;

export const OrderCheck = z.object({
  /** The order the ticket is about: the one it names, else the customer's latest. */
  order: Order.optional(),
  /** The customer's recent orders, newest first. */
  recent: z.array(Order).max(10),
  /** What does not add up (the named order is not this customer's, ...). */
  problem: z.string().max(500).optional(),
});
export type OrderCheck = z.infer<typeof OrderCheck>;

export const ResolutionKind = z.enum(['refund', 'replacement']);
export type ResolutionKind = z.infer<typeof ResolutionKind>;

export const DocsAnswer = z.object({
  hits: z.array(z.object({ articleId: z.string().min(1), title: z.string().min(1), score: z.number() })).max(5),
  /** The best article, when the search found one good enough to answer with. */
  answer: z
    .object({
      articleId: z.string().min(1),
      title: z.string().min(1),
      text: z.string().min(1).max(4000),
      /** What the article's policy says support does: nothing more than answering, or a resolution. */
      resolution: z.enum(['none', 'refund', 'replacement']),
      /** The article's whole text, when the search asked for it (`full`): a long one goes to a
       *  tool loop by reference (the kit's agentLoop). */
      fullText: z.string().min(1).optional(),
    })
    .optional(),
});
export type DocsAnswer = z.infer<typeof DocsAnswer>;

/** A resolution as the workflow proposes it (and a person may change). */
export const Proposal = z.object({
  kind: ResolutionKind,
  orderId: z.string().min(1),
  /** A refund's amount; a replacement ships the order's items again at no charge. */
  amountCents: z.number().int().min(1).optional(),
  items: z.array(Item).min(1),
  reason: z.string().min(1).max(500),
});
export type Proposal = z.infer<typeof Proposal>;

export const Resolution = z.object({
  kind: ResolutionKind,
  /** Another escalation of the same ticket resolved it first: nothing was done twice. */
  alreadyResolved: z.boolean(),
  returnId: z.string().optional(),
  refundId: z.string().optional(),
  replacementOrderId: z.string().optional(),
  /** The lease's fencing token the writes carried. */
  fencingToken: z.number().int().positive(),
});
export type Resolution = z.infer<typeof Resolution>;

export const supportAgents = {
  'crm-lookup': defineAgentContract('crm-lookup', {
    input: z.object({ customerId: z.string().min(1) }),
    output: CustomerLookup,
  }),
  'order-check': defineAgentContract('order-check', {
    input: z.object({ customerId: z.string().min(1), orderId: z.string().min(1).optional() }),
    output: OrderCheck,
  }),
  'docs-search': defineAgentContract('docs-search', {
    /** `full`: the best article's whole text too (answer.fullText), not only its first 4000 characters. */
    input: z.object({ query: z.string().min(1).max(4400), full: z.boolean().optional() }),
    output: DocsAnswer,
  }),
  resolver: defineAgentContract('resolver', {
    input: z.object({ ticketId: z.string().min(1), customerId: z.string().min(1), proposal: Proposal }),
    output: Resolution,
    // Registered before the resolution runs: whatever was written under the resolve step's
    // reference (a return, a refund, a replacement order) is cancelled or voided.
    compensation: {
      input: z.object({ ticketId: z.string().min(1), reference: z.string().min(1) }),
      output: z.object({ undone: z.array(z.string()), nothingDone: z.boolean() }),
    },
  }),
  'ticket-log': defineAgentContract('ticket-log', {
    input: z.object({
      ticketId: z.string().min(1),
      customerId: z.string().min(1),
      /** `note`: a remark the resolution assistant left on the ticket while it worked. */
      kind: z.enum(['resolved', 'answered', 'declined', 'not-resolved', 'duplicate', 'expired', 'note']),
      summary: z.string().min(1).max(4000),
      handledBy: z.string().min(1).max(200),
    }),
    output: z.object({ entryId: z.string().min(1) }),
  }),
  /** Plays the model turns of the resolution assistant (BATON_SUPPORT_ASSISTANT). */
  'support-assistant': modelTurnContract('support-assistant'),
  'support-mailer': defineAgentContract('support-mailer', {
    input: z.object({
      to: z.email(),
      name: z.string().max(200).optional(),
      ticketId: z.string().min(1),
      kind: z.enum(['resolved', 'answered', 'declined', 'not-resolved', 'expired']),
      /** The answer from the documentation, or what was done. */
      text: z.string().min(1).max(4000),
    }),
    output: z.object({ messageId: z.string().min(1) }),
  }),
};
export type SupportAgents = typeof supportAgents;
