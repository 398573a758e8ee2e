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

export const Decision = z.object({
  decision: z.enum(['approve', 'decline']),
  decidedBy: z.string().min(1).max(200),
  reason: z.string().max(2000).default(''),
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
  decision?: Decision & { decidedAt: string };
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
/** A person's decision on a flagged request; refused unless the workflow awaits one. */
export const decideReservation = defineUpdate<ReservationStatus, [DecisionInput]>('decideReservation');

/** A person decides within a day, or the hold is released and the customer told. */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 24 * 3600_000;

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
