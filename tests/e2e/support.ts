// Shared arrangements of the end-to-end suites: the running services, clients, and readers of
// the simulators' own records (the ground truth for "happened once").
import { ServiceSet, WaitAbortedError, getJson, servicesForWorkflows, postEvent, reservationEvent, stackEnv, temporalClient, testBus, waitFor, type ServiceOptions } from '@baton/testkit';
import { statusQuery } from '@baton/workflow-kit';
import { terminalReservationStates, type ReservationState, type ReservationStatus, type ReservationRequested } from '@baton/workflow-reservation';
import type { Bus } from '@baton/bus';

export interface Stack {
  services: ServiceSet;
  temporal: Awaited<ReturnType<typeof temporalClient>>;
  bus: Bus;
  close(): Promise<void>;
}

export interface StackOptions extends ServiceOptions {
  /** The workflows the file exercises (their folders): their services start, with Baton's own and
   *  any no workflow declares (@baton/testkit servicesForWorkflows). Default: the reservation and the samples. */
  workflows?: readonly string[] | 'all';
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const { workflows = ['reservation', 'samples'], ...serviceOptions } = options;
  const services = await ServiceSet.start(servicesForWorkflows(workflows), serviceOptions);
  const temporal = await temporalClient();
  const bus = await testBus();
  return {
    services,
    temporal,
    bus,
    close: async () => {
      await services.stop();
      await temporal.close();
      await bus.close();
    },
  };
}

/** Books a plain earlier reservation for `event`'s customer, so the POS knows them: a regular
 *  is decided by the guest's record, never by what the text says. */
export async function withEarlierBooking<E extends ReservationRequested>(stack: Stack, event: E): Promise<E> {
  const earlier = reservationEvent('Table for 2, Wednesday 7pm');
  const sameGuest = { ...earlier, data: { ...earlier.data, customer: event.data.customer } };
  await waitForState(stack, String((await postEvent(sameGuest)).body.workflowId), 'Confirmed');
  return event;
}

export async function reservationStatus(stack: Stack, workflowId: string): Promise<ReservationStatus> {
  return stack.temporal.workflow.getHandle(workflowId).query(statusQuery) as Promise<ReservationStatus>;
}

export async function waitForState(stack: Stack, workflowId: string, state: ReservationState, timeoutMs = 60_000): Promise<ReservationStatus> {
  return waitFor(
    `${workflowId} to reach "${state}"`,
    async () => {
      const status = await reservationStatus(stack, workflowId);
      if (status.state !== state && terminalReservationStates.has(status.state)) {
        // A definitive wrong state: the wait ends at once instead of running out its timeout.
        throw new WaitAbortedError(`${workflowId} ended in "${status.state}" instead (${status.failure ?? 'no failure recorded'})`);
      }
      return status.state === state ? status : undefined;
    },
    { timeoutMs },
  );
}

export interface PosHold {
  holdId: string;
  date: string;
  time: string;
  status: 'held' | 'released' | 'booked';
  idempotencyKey: string;
  createdAt: string;
}
export interface PosReservation {
  reservationId: string;
  holdId: string;
  idempotencyKey: string;
}
export interface SentMessage {
  to: string;
  template: string;
  idempotencyKey: string;
}

export interface Charge {
  chargeId: string;
  idempotencyKey: string;
  refunded: boolean;
}
export interface Refund {
  chargeId: string;
  idempotencyKey: string;
}
export interface SimStats {
  requests: number;
  injectedFailures: number;
  refused: number;
}
export interface Faults {
  errorRate?: number;
  latencyMs?: number;
  latencyAfterCommitMs?: number;
  outageUntil?: number;
  refuse?: string[];
  /** The error code a refused route answers with (default REFUSED_BY_PROVIDER). */
  refuseCode?: string;
}

/** Fault injection and statistics of one simulated external system. */
function simulator(baseUrl: () => string) {
  return {
    setFaults: async (faults: Faults) => {
      const response = await fetch(`${baseUrl()}/_faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(faults),
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) throw new Error(`setting faults at ${baseUrl()}: ${response.status} ${await response.text()}`);
    },
    clearFaults: () => simulator(baseUrl).setFaults({ errorRate: 0, latencyMs: 0, latencyAfterCommitMs: 0, outageUntil: 0, refuse: [], refuseCode: 'REFUSED_BY_PROVIDER' }),
    stats: () => getJson<SimStats>(`${baseUrl()}/_stats`),
  };
}

export const pos = {
  ...simulator(() => stackEnv().BATON_POS_URL),
  holds: () => getJson<PosHold[]>(`${stackEnv().BATON_POS_URL}/holds`),
  reservations: () => getJson<PosReservation[]>(`${stackEnv().BATON_POS_URL}/reservations`),
};

export const messaging = {
  ...simulator(() => stackEnv().BATON_MESSAGING_URL),
  messages: () => getJson<SentMessage[]>(`${stackEnv().BATON_MESSAGING_URL}/messages`),
};

export const payments = {
  ...simulator(() => stackEnv().BATON_PAYMENT_URL),
  charges: () => getJson<Charge[]>(`${stackEnv().BATON_PAYMENT_URL}/charges`),
  refunds: () => getJson<Refund[]>(`${stackEnv().BATON_PAYMENT_URL}/refunds`),
};

export const simulators = { pos, messaging, payments };
