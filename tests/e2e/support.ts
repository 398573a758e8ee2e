// Shared arrangements of the end-to-end suites: the running services, clients, and readers of
// the simulators' own records (the ground truth for "happened once").
import {
  OWN_SERVICES_MARK,
  ServiceSet,
  type ServiceSetOptions,
  WaitAbortedError,
  getJson,
  servicesForWorkflows,
  sharedServices,
  postEvent,
  reservationEvent,
  stackEnv,
  temporalClient,
  testBus,
  waitFor,
  type ServiceOptions,
} from '@baton/testkit';
import { statusQuery } from '@baton/workflow-kit';
import {
  terminalReservationStates,
  type ReservationState,
  type ReservationStatus,
  type ReservationRequested,
} from '@baton/workflow-reservation';
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
  /** A file that starts its own services runs the agents and simulators in one service host (the
   *  default: a tenth of the memory and start-up CPU); one that kills or restarts an agent sets
   *  false, so that every service is a process of its own. */
  hosted?: ServiceSetOptions['hosted'];
}

/**
 * The services a file exercises, and clients of the servers. In `npm test`, files without the
 * own-services mark share one set of services started once for the whole group (infra/test.sh):
 * this attaches to it, after putting every simulator back to its defaults (no faults, idempotency
 * on). A file that needs services of its own (its own settings, or it stops or kills one) carries
 * the mark on its first line and runs after the shared set is stopped.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const { workflows = ['reservation', 'samples'], hosted = true, ...serviceOptions } = options;
  const wanted = servicesForWorkflows(workflows);
  const shared = sharedServices();
  let services: ServiceSet;
  if (shared) {
    const missing = wanted.filter((name) => !shared.includes(name));
    if (serviceOptions.env && Object.keys(serviceOptions.env).length > 0)
      throw new Error(`this file sets its services' environment: mark it "${OWN_SERVICES_MARK}" so it starts its own`);
    if (missing.length > 0)
      throw new Error(`the shared services lack ${missing.join(', ')}: mark the file "${OWN_SERVICES_MARK}"`);
    await resetSimulators(shared.filter((name) => name.endsWith('-sim')));
    services = ServiceSet.attach(shared);
  } else {
    services = await ServiceSet.start(wanted, { ...serviceOptions, hosted });
  }
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

/** Every simulator's faults and idempotency mode back to their defaults (BATON_<SYSTEM>_URL). */
async function resetSimulators(names: readonly string[]): Promise<void> {
  await Promise.all(
    names.map(async (name) => {
      const system = name.slice(0, -'-sim'.length).toUpperCase();
      const url = process.env[`BATON_${system}_URL`];
      if (!url)
        throw new Error(`no BATON_${system}_URL for the shared ${name} (infra/env.sh exports one per simulator)`);
      await simulator(() => url).clearFaults();
      const mode = await fetch(`${url}/_mode`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ idempotency: 'on' }),
        signal: AbortSignal.timeout(5_000),
      });
      if (!mode.ok) throw new Error(`resetting ${name}'s mode: ${mode.status} ${await mode.text()}`);
    }),
  );
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

export async function waitForState(
  stack: Stack,
  workflowId: string,
  state: ReservationState,
  timeoutMs = 60_000,
): Promise<ReservationStatus> {
  return waitFor(
    `${workflowId} to reach "${state}"`,
    async () => {
      const status = await reservationStatus(stack, workflowId);
      if (status.state !== state && terminalReservationStates.has(status.state)) {
        // A definitive wrong state: the wait ends at once instead of running out its timeout.
        throw new WaitAbortedError(
          `${workflowId} ended in "${status.state}" instead (${status.failure ?? 'no failure recorded'})`,
        );
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
  /** Late commits (packages/simulator/src/faults.ts). */
  lateCommitShare?: number;
  lateCommitMinMs?: number;
  lateCommitMaxMs?: number;
  lateCommitAnswer?: 'first' | 'after-commit';
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
    clearFaults: () =>
      simulator(baseUrl).setFaults({
        errorRate: 0,
        latencyMs: 0,
        latencyAfterCommitMs: 0,
        outageUntil: 0,
        refuse: [],
        refuseCode: 'REFUSED_BY_PROVIDER',
        lateCommitShare: 0,
        lateCommitMinMs: 0,
        lateCommitMaxMs: 0,
        lateCommitAnswer: 'after-commit',
      }),
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
