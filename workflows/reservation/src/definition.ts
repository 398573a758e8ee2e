// The reservation's declared states, gate types and limits, and the shape of its status: pure
// data shared by its workflow code (in the sandbox) and its registration (everywhere else).
import type { GateView, KitState, RunOptions, WorkflowDefinition, WorkflowStatus } from '@baton/workflow-kit/workflow';
import type {
  Booking,
  Deposit,
  ReservationAgents,
  ReservationRequest,
  ReservationRequested,
  ReservationRequestedV2,
  SafetyAssessment,
  TableHold,
} from './contracts.js';
import type { BookingPolicy } from './rules.js';

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
  'Refused',
  'Expired',
  'Compensated',
  'Failed',
] as const;
export type ReservationState = (typeof ReservationStates)[number];
const terminal: ReservationState[] = ['Confirmed', 'Declined', 'Refused', 'Expired', 'Compensated', 'Failed'];
export const terminalReservationStates: ReadonlySet<string> = new Set(terminal);

export const reservation: WorkflowDefinition<ReservationState, ReservationAgents, ReservationStatus> = {
  type: 'reservation',
  states: ReservationStates,
  terminal,
  // Ended as intended: booked, declined by a person, or refused by a business rule (the guest told why).
  succeeded: ['Confirmed', 'Declined', 'Refused'],
  // Agent steps normally take seconds; a gate waiting two hours for a person is worth flagging
  // long before it expires.
  limitsMs: {
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
  },
  gateTypes: {
    'reservation.allergy': { autoApprove: false, title: 'A guest declared an allergy: the kitchen must confirm' },
    'reservation.large-party': { autoApprove: true, title: 'A large party: the floor plan changes' },
    'reservation.review': { autoApprove: false, title: 'The request mentions a health need intake did not structure' },
  },
};
export const RESERVATION_STATE_LIMITS_MS = reservation.limitsMs;
export type GateType = keyof typeof reservation.gateTypes & string;

/** The payload of a reservation's approval gate: the request and the table it would book. */
export interface ReservationGatePayload {
  request: ReservationRequest;
  table: { tableId: string; seats: number };
  reasons: SafetyAssessment['reasons'];
}

export interface ReservationStatus extends WorkflowStatus<ReservationState> {
  state: ReservationState | KitState;
  /** The approval gate. (While a failed step waits for a person, `gate.kind` is `attention` and
   *  its payload an AttentionPayload.) */
  gate?: GateView<ReservationGatePayload>;
  previousGates?: GateView[];
  eventId: string;
  request?: ReservationRequest;
  hold?: TableHold;
  safety?: SafetyAssessment;
  deposit?: Deposit | { waived: true; reason: string };
  booking?: Booking;
  holdReleased: boolean;
  /** Why a business rule refused the request (a past date, a party too large, too far ahead). */
  refusal?: string;
  /** Set when the event's own time is more than a day from when it arrived: worth a look (the
   *  request is still read relative to the guest's day and checked against today). */
  eventTimeFlag?: string;
}

/** What starts a reservation: the event, and what the deployment sets (the gateway's booking
 *  policy). Gate timings are the workflow's own (rules.ts approvalGateOf); runs started with the
 *  retired test-only ones keep them on replay (patches.ts). */
export interface ReservationInput extends RunOptions<ReservationState> {
  /** v2 from the gateway (which upcasts v1); v1 in runs started before v2 existed, or by hand. */
  event: ReservationRequested | ReservationRequestedV2;
  /** The restaurant's booking horizon and largest party (the gateway sets it from config). */
  bookingPolicy?: BookingPolicy;
}

export const workflowTypes = { reservation: 'reservationWorkflow' } as const;

/** Workflow id of the reservation an event starts: replaying the event finds the same one. Scoped by
 *  the event's source, which the gateway sets from the authenticated sender (a webhook source, a
 *  NATS publisher), never from the body: one sender's key never blocks another's. */
export function reservationWorkflowId(idempotencyKey: string, source: string): string {
  return `reservation-${encodeURIComponent(source)}/${idempotencyKey}`;
}
