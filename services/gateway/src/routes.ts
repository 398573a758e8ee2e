// Which workflow each inbound event type starts, and under which id. The id derives from the
// event's idempotency key, so a replayed event finds the workflow it already started.
import type { AnyEventEnvelope, InboundEventType, ReservationRequested } from '@baton/contracts';
import { reservationWorkflowId, workflowTypes, type ReservationInput } from '@baton/workflows';

export interface WorkflowStart {
  workflowType: string;
  workflowId: string;
  args: unknown[];
}

export const routes: { [T in InboundEventType]: (event: ReservationRequested) => WorkflowStart } = {
  'reservation.requested.v1': (event) => {
    const input: ReservationInput = { event };
    return { workflowType: workflowTypes.reservation, workflowId: reservationWorkflowId(event.idempotencykey), args: [input] };
  },
};

export function isRoutedType(type: AnyEventEnvelope['type']): type is InboundEventType {
  return Object.hasOwn(routes, type);
}
