// The support escalation's declared states, gate type and limits, and its status: pure data
// shared by its workflow code (in Temporal's sandbox) and its registration.
import type {
  GateTier,
  GateView,
  KitState,
  LoopTranscript,
  RunOptions,
  WorkflowDefinition,
  WorkflowStatus,
} from '@baton/workflow-kit/workflow';
import type {
  CustomerLookup,
  DocsAnswer,
  OrderCheck,
  Proposal,
  Resolution,
  SupportAgents,
  TicketOpened,
  TicketOpenedData,
} from './contracts.js';

export const SupportStates = [
  'Receiving ticket',
  'Looking up customer',
  'Working on ticket',
  'Checking orders',
  'Searching documentation',
  'Awaiting approval',
  'Resolving',
  'Logging ticket',
  'Emailing customer',
  'Compensating',
  'Needs attention',
  'Resolved',
  'Answered',
  'Already resolved',
  'Declined',
  'Expired',
  'Compensated',
  'Failed',
] as const;
export type SupportState = (typeof SupportStates)[number];
const terminal: SupportState[] = [
  'Resolved',
  'Answered',
  'Already resolved',
  'Declined',
  'Expired',
  'Compensated',
  'Failed',
];
export const terminalSupportStates: ReadonlySet<string> = new Set(terminal);

export const EXCEPTION_GATE = 'support.exception';
/** The resolution assistant's refund above the limit: a person approves, changes or declines it. */
export const REFUND_GATE = 'support.refund';

export const support: WorkflowDefinition<SupportState, SupportAgents, SupportStatus> = {
  type: 'support',
  states: SupportStates,
  terminal,
  // Ended as intended: resolved or answered, found resolved by another escalation, or a person
  // decided against a resolution (the customer is told either way).
  succeeded: ['Resolved', 'Answered', 'Already resolved', 'Declined'],
  limitsMs: {
    'Receiving ticket': 10 * 60_000,
    'Looking up customer': 10 * 60_000,
    'Working on ticket': 30 * 60_000,
    'Checking orders': 10 * 60_000,
    'Searching documentation': 10 * 60_000,
    'Awaiting approval': 4 * 3600_000,
    Resolving: 10 * 60_000,
    'Logging ticket': 30 * 60_000,
    'Emailing customer': 30 * 60_000,
    Compensating: 2 * 3600_000,
    'Needs attention': 4 * 3600_000,
  },
  gateTypes: {
    // Money moves on what a person saw: never approved by earned trust.
    [EXCEPTION_GATE]: {
      autoApprove: false,
      title: 'A support case Baton must not settle alone: a person decides with the full context',
    },
    [REFUND_GATE]: {
      autoApprove: false,
      title:
        'A refund above the limit the resolution assistant wants to make: a person approves, changes or declines it',
    },
  },
};

/** Why a case reached a person: a stable code and words for them. */
export interface CaseReason {
  code:
    | 'CUSTOMER_FROM_CACHE'
    | 'CUSTOMER_UNAVAILABLE'
    | 'ORDER_UNAVAILABLE'
    | 'ORDER_MISMATCH'
    | 'NO_ANSWER'
    | 'OVER_REFUND_LIMIT';
  detail: string;
}

/** The exception gate's payload: the whole case as the workflow knows it. */
export interface SupportCase {
  ticket: TicketOpenedData;
  customer?: CustomerLookup;
  orders?: OrderCheck;
  docs?: DocsAnswer;
  /** What Baton would do; absent when it would only answer. */
  proposal?: Proposal;
  reasons: CaseReason[];
}

export interface SupportStatus extends WorkflowStatus<SupportState> {
  state: SupportState | KitState;
  gate?: GateView<SupportCase>;
  previousGates?: GateView[];
  eventId: string;
  ticket: TicketOpenedData;
  customer?: CustomerLookup;
  orders?: OrderCheck;
  docs?: DocsAnswer;
  proposal?: Proposal;
  reasons: CaseReason[];
  resolution?: Resolution;
  /** The resolution assistant's transcript (large tool results by reference), when it ran. */
  assistant?: LoopTranscript;
  /** Why the assistant handed the ticket to the rules (no model, a limit), when it did. */
  assistantFallback?: string;
  /** Who settled it: `baton`, or the person who decided at the gate. */
  handledBy: string;
  ticketEntryId?: string;
  messageId?: string;
}

/** What starts a support escalation: the event, and what tests or a deployment override. */
export interface SupportInput extends RunOptions<SupportState> {
  event: TicketOpened;
  /** A refund above this goes to a person (the gateway sets it from BATON_SUPPORT_REFUND_LIMIT_CENTS). */
  refundLimitCents?: number;
  /** Who decides an exception, tier by tier; default a manager for a working day. */
  exceptionTiers?: GateTier[];
  /** The resolution assistant (a tool-using model loop) works the ticket first; without it, or
   *  when it has no model or reaches a limit, the rules resolve it (the gateway sets it from
   *  BATON_SUPPORT_ASSISTANT*). */
  assistant?: { maxTurns?: number; maxTokens?: number };
}

export const workflowTypes = { support: 'supportWorkflow' } as const;

/** Workflow id of the escalation an event starts: replaying the event finds the same one. Scoped by
 *  the event's source, which the gateway sets from the authenticated sender (a webhook source, a
 *  NATS publisher), never from the body: one sender's key never blocks another's. */
export function supportWorkflowId(idempotencyKey: string, source: string): string {
  return `support-${encodeURIComponent(source)}/${idempotencyKey}`;
}
