// Shared arrangements of the end-to-end suites: the running services, clients, and readers of
// the simulators' own records (the ground truth for "happened once").
import { ServiceSet, getJson, stackEnv, temporalClient, testBus, waitFor, type ServiceOptions } from '@baton/testkit';
import { getReservationStatus, terminalReservationStates, type ReservationState, type ReservationStatus } from '@baton/workflows';
import type { Bus } from '@baton/bus';

export interface Stack {
  services: ServiceSet;
  temporal: Awaited<ReturnType<typeof temporalClient>>;
  bus: Bus;
  close(): Promise<void>;
}

export async function startStack(options: ServiceOptions = {}): Promise<Stack> {
  const services = await ServiceSet.start(undefined, options);
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

export async function reservationStatus(stack: Stack, workflowId: string): Promise<ReservationStatus> {
  return stack.temporal.workflow.getHandle(workflowId).query(getReservationStatus);
}

export async function waitForState(stack: Stack, workflowId: string, state: ReservationState, timeoutMs = 60_000): Promise<ReservationStatus> {
  return waitFor(
    `${workflowId} to reach "${state}"`,
    async () => {
      const status = await reservationStatus(stack, workflowId);
      if (status.state !== state && terminalReservationStates.has(status.state)) {
        throw new Error(`${workflowId} ended in "${status.state}" instead (${status.failure ?? 'no failure recorded'})`);
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
}

export const pos = {
  holds: () => getJson<PosHold[]>(`${stackEnv().BATON_POS_URL}/holds`),
  reservations: () => getJson<PosReservation[]>(`${stackEnv().BATON_POS_URL}/reservations`),
  setFaults: async (faults: Record<string, number>) => {
    const response = await fetch(`${stackEnv().BATON_POS_URL}/_faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(faults),
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) throw new Error(`setting POS faults: ${response.status}`);
  },
};

export const messaging = {
  messages: () => getJson<SentMessage[]>(`${stackEnv().BATON_MESSAGING_URL}/messages`),
};
