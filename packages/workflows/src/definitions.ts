// What workflow and client agree on by import: names, states, queries, updates, search attributes.
// Pure: safe inside the workflow sandbox and in any client.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import type { AgentName, Booking, Deposit, ReservationRequest, SafetyAssessment, TableHold } from '@baton/contracts';

/** Mirrors the workflow's named state, so the Temporal UI can filter by it. */
export const BatonState = defineSearchAttributeKey('BatonState', SearchAttributeType.KEYWORD);
export const BatonWorkflowType = defineSearchAttributeKey('BatonWorkflowType', SearchAttributeType.KEYWORD);
/** When the workflow entered its current state. */
export const BatonStateSince = defineSearchAttributeKey('BatonStateSince', SearchAttributeType.DATETIME);
/** True while the workflow has stayed in its state past that state's limit. */
export const BatonStuck = defineSearchAttributeKey('BatonStuck', SearchAttributeType.BOOL);
/** The customer's opaque id (never a name): the approval console counts their past reservations. */
export const BatonCustomer = defineSearchAttributeKey('BatonCustomer', SearchAttributeType.KEYWORD);

export const ReservationStates = [
  'Understanding request',
  'Holding table',
  'Checking safety',
  'Awaiting approval',
  'Charging deposit',
  'Booking',
  'Confirming to customer',
  'Compensating',
  'Telling customer',
  'Needs attention',
  'Confirmed',
  'Declined',
  'Expired',
  'Compensated',
  'Failed',
] as const;
export type ReservationState = (typeof ReservationStates)[number];
export const terminalReservationStates: ReadonlySet<ReservationState> = new Set(['Confirmed', 'Declined', 'Expired', 'Compensated', 'Failed']);

export interface StepRecord {
  stepId: string;
  agent: AgentName;
  kind: 'run' | 'compensate';
  status: 'running' | 'ok' | 'failed';
  startedAt: string;
  finishedAt?: string;
  output?: unknown;
  error?: string;
}

/** Kinds of human gate. Each has a policy: who decides at which tier, and whether earned
 *  trust may ever approve it without a person. */
export const GateTypes = ['reservation.allergy', 'reservation.large-party', 'reservation.review'] as const;
export type GateType = (typeof GateTypes)[number];

export interface GatePolicy {
  /** May approve without a person once trust is earned. Allergies never do. */
  autoApprove: boolean;
}
export const GATE_POLICIES: Record<GateType, GatePolicy> = {
  'reservation.allergy': { autoApprove: false },
  'reservation.large-party': { autoApprove: true },
  'reservation.review': { autoApprove: false },
};

/** Consecutive clean approvals after which a gate type that allows it approves by itself. */
export const DEFAULT_TRUST_THRESHOLD = 100;

/** One tier of approvers: who may decide, and how long the gate waits for them before it
 *  escalates to the next tier (or, after the last, takes the safe default). */
export const GateTier = z.object({ role: z.string().min(1).max(100), timeoutMs: z.number().int().positive() });
export type GateTier = z.infer<typeof GateTier>;

export const GateOption = z.enum(['approve', 'decline', 'approve-with-changes']);
export type GateOption = z.infer<typeof GateOption>;

/** What a person may change when approving a reservation with changes. */
export const ReservationChanges = z
  .object({
    partySize: z.number().int().min(1).max(50).optional(),
    notes: z.string().max(2000).optional(),
  })
  .strict();
export type ReservationChanges = z.infer<typeof ReservationChanges>;

/** A gate as shown to a person: what is decided, with which options, by whom, and the digest
 *  that binds a decision to exactly this payload and these options. */
export interface GateView<P = unknown> {
  gateId: string;
  gateType: GateType;
  payload: P;
  options: GateOption[];
  /** `sha256:<hex>` of the canonical JSON of { gateType, payload, options }. */
  digest: string;
  tiers: GateTier[];
  /** Index of the tier that may decide now. */
  tier: number;
  openedAt: string;
  /** When the current tier began (the gate opened, or the last escalation). */
  tierSince: string;
  escalations: Array<{ tier: number; role: string; at: string }>;
  status: 'open' | 'approved' | 'declined' | 'timed-out';
  /** The payload the step after an approval executes (the payload, with any approved changes). */
  approvedPayload?: P;
  decidedAt?: string;
  /** Who closed it: a person's name, `earned-trust`, or `timeout`. */
  decidedBy?: string;
}

/** The payload of a reservation gate: the request and the table it would book. */
export interface ReservationGatePayload {
  request: ReservationRequest;
  table: { tableId: string; seats: number };
  reasons: SafetyAssessment['reasons'];
}

export const Decision = z.object({
  /** The gate decided, and the digest of what the person saw: both must match the open gate. */
  gateId: z.string().min(1).max(300),
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 hex digits>'),
  decision: GateOption,
  decidedBy: z.string().min(1).max(200),
  /** The approver's role, when a console checked it; the gate refuses a role not allowed now. */
  role: z.string().min(1).max(100).optional(),
  reason: z.string().max(2000).default(''),
  /** With `approve-with-changes` only. */
  changes: ReservationChanges.optional(),
});
export type Decision = z.infer<typeof Decision>;
export type DecisionInput = z.input<typeof Decision>;

export const Resolution = z.object({
  resolvedBy: z.string().min(1).max(200),
  note: z.string().max(2000).default(''),
});
export type Resolution = z.infer<typeof Resolution>;
export type ResolutionInput = z.input<typeof Resolution>;

/** Something only a person can finish: a compensation that kept failing, a customer not told. */
export interface Attention {
  reason: string;
  failures: Array<{ name: string; error: string }>;
  since: string;
  resolution?: Resolution & { resolvedAt: string };
}

export interface ReservationStatus {
  state: ReservationState;
  stateSince: string;
  /** Set while the current state has lasted longer than its limit. */
  stuck?: { state: ReservationState; limitMs: number; since: string };
  eventId: string;
  request?: ReservationRequest;
  hold?: TableHold;
  safety?: SafetyAssessment;
  /** The human gate, once one opened (flagged requests only). */
  gate?: GateView<ReservationGatePayload>;
  decision?: Decision & { decidedAt: string };
  /** Set when earned trust approved the gate without a person. */
  autoApproved?: { count: number; threshold: number };
  deposit?: Deposit | { waived: true; reason: string };
  booking?: Booking;
  holdReleased: boolean;
  steps: StepRecord[];
  failure?: string;
  /** Names of the compensations that ran, in the order they ran. */
  compensated: string[];
  attention?: Attention;
}

export const getReservationStatus = defineQuery<ReservationStatus>('getReservationStatus');
/** A person's decision on a flagged request; refused unless the workflow awaits one and the
 *  decision names the open gate and the digest of what it showed. */
export const decideReservation = defineUpdate<ReservationStatus, [DecisionInput]>('decideReservation');

/** A person decides within a day, or the hold is released and the customer told. */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 24 * 3600_000;
/** A host has two hours; then a manager has the rest of the day; then the safe default. */
export const DEFAULT_APPROVAL_TIERS: GateTier[] = [
  { role: 'host', timeoutMs: 2 * 3600_000 },
  { role: 'manager', timeoutMs: DEFAULT_APPROVAL_TIMEOUT_MS - 2 * 3600_000 },
];

/** A person's word that an escalated problem is dealt with; refused unless one is open. */
export const resolveAttention = defineUpdate<ReservationStatus, [ResolutionInput]>('resolveAttention');

/** How long each state may last before the workflow reports itself stuck. Agent steps normally
 *  take seconds; a gate waiting two hours for a person is worth flagging long before it expires. */
export const RESERVATION_STATE_LIMITS_MS: Partial<Record<ReservationState, number>> = {
  'Understanding request': 10 * 60_000,
  'Holding table': 10 * 60_000,
  'Checking safety': 10 * 60_000,
  'Awaiting approval': 2 * 3600_000,
  'Charging deposit': 10 * 60_000,
  Booking: 10 * 60_000,
  'Confirming to customer': 10 * 60_000,
  Compensating: 2 * 3600_000,
  'Telling customer': 2 * 3600_000,
  'Needs attention': 4 * 3600_000,
};

/** Data of the `workflow.stuck.v1` notice. Ids and states only: never personal data. */
/** Data of the `gate.opened.v1`, `gate.escalated.v1` and `gate.decided.v1` notices. Ids and
 *  gate data only: never the customer's name or allergy. */
export interface GateNotice {
  workflowId: string;
  workflowType: string;
  gateId: string;
  gateType: GateType;
  tier: number;
  role: string;
  digest: string;
  decision?: GateOption | 'timeout';
  decidedBy?: string;
}
export const gateNoticeTypes = { opened: 'gate.opened.v1', escalated: 'gate.escalated.v1', decided: 'gate.decided.v1' } as const;

export interface WorkflowStuckNotice {
  workflowId: string;
  workflowType: string;
  state: string;
  stateSince: string;
  limitMs: number;
}

export const workflowTypes = { reservation: 'reservationWorkflow' } as const;

/** Workflow id of the reservation an event starts: replaying the event finds the same one. */
export function reservationWorkflowId(idempotencyKey: string): string {
  return `reservation-${idempotencyKey}`;
}
