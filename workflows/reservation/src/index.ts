// The reservation registers itself: its event type and how it starts the workflow, its agents'
// contracts, its gate types (in its definition), its workflow function, and how the console
// shows a reservation to the person deciding.
import { z } from 'zod';
import { loadConfig } from '@baton/contracts';
import { defineWorkflow, sourceModule } from '@baton/workflow-kit';
import {
  ReservationRequested,
  ReservationRequestedV2,
  reservationAgents,
  type ReservationAgents,
} from './contracts.js';
import { upcastRequestedV1 } from './events.js';
import {
  reservation,
  reservationWorkflowId,
  workflowTypes,
  type ReservationGatePayload,
  type ReservationInput,
  type ReservationStatus,
} from './definition.js';
import { DEFAULT_BOOKING_POLICY } from './rules.js';

/** The restaurant's booking rules, read where events start reservations (the gateway). */
export const ReservationConfig = z.object({
  BATON_RESERVATION_HORIZON_DAYS: z.coerce.number().int().min(1).max(3650).default(DEFAULT_BOOKING_POLICY.horizonDays),
  BATON_RESERVATION_MAX_PARTY: z.coerce.number().int().min(1).max(500).default(DEFAULT_BOOKING_POLICY.maxPartySize),
  /** The restaurant's IANA time zone: its own today, before which no date is booked. */
  BATON_RESERVATION_TIMEZONE: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en-CA', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Europe/Paris')
    .default('UTC'),
});
const config = loadConfig(ReservationConfig);
const bookingPolicy = {
  horizonDays: config.BATON_RESERVATION_HORIZON_DAYS,
  maxPartySize: config.BATON_RESERVATION_MAX_PARTY,
  timezone: config.BATON_RESERVATION_TIMEZONE,
};

export default defineWorkflow<ReservationStatus, ReservationAgents>({
  definition: reservation,
  workflowName: workflowTypes.reservation,
  workflowModule: sourceModule(import.meta.url, './workflow.ts'),
  events: {
    // v1 (free text only) is still accepted until its last day, as v2 with nothing stated.
    'reservation.requested.v1': {
      schema: ReservationRequested,
      upcastTo: 'reservation.requested.v2',
      upcast: upcastRequestedV1,
      acceptedUntil: '2027-06-30',
    },
    'reservation.requested.v2': {
      schema: ReservationRequestedV2,
      start: (event: ReservationRequestedV2) => ({
        workflowId: reservationWorkflowId(event.idempotencykey, event.source),
        input: { event, bookingPolicy } satisfies ReservationInput,
      }),
    },
  },
  agents: reservationAgents,
  view: {
    summary: (s) => (s.request ? `${s.request.partySize} guests, ${s.request.date} ${s.request.time}` : ''),
    context: (s, history) => {
      const payload = s.gate?.kind === 'approval' ? (s.gate.payload as ReservationGatePayload) : undefined;
      const request = payload?.request ?? s.request;
      return [
        { label: 'why a person', value: (payload?.reasons ?? s.safety?.reasons ?? []).map((r) => r.detail).join('; ') },
        { label: 'allergies', id: 'allergies', emphasis: true, value: request?.allergies.join(', ') || 'none' },
        {
          label: 'table',
          id: 'table',
          value: payload ? `${payload.table.tableId} (${payload.table.seats} seats)` : (s.hold?.tableId ?? ''),
        },
        {
          label: 'request',
          value: request
            ? `${request.partySize} guests on ${request.date} at ${request.time}${request.notes ? ` · notes: ${request.notes}` : ''}`
            : '',
        },
        {
          label: 'customer',
          id: 'customer',
          value: request
            ? `${request.customer.name} (${request.customer.id}) · ${request.customer.regular ? 'a regular' : 'not a regular'}${history ? ` · ${history.previous} previous reservation(s) with us` : ''}`
            : '',
        },
      ];
    },
    changeFields: [
      { name: 'partySize', label: 'Party size (with changes)', type: 'number', min: 1, max: 50 },
      { name: 'notes', label: 'Notes (with changes)', type: 'text', maxLength: 2000 },
    ],
    customerId: (s) => s.request?.customer.id,
    successState: 'Confirmed',
  },
});

export * from './contracts.js';
export { upcastRequestedV1, withStated } from './events.js';
export * from './definition.js';
export { AGENT_STEP, COMPENSATION_STEP, DEPOSIT_STEP, DEPOSIT_PER_GUEST_CENTS } from './policies.js';
export { DEFAULT_BOOKING_POLICY, refusalOf, type BookingPolicy } from './rules.js';
