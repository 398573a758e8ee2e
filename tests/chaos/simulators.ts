// The chaos suite's hands on the simulated external systems: their idempotency mode, their
// records (the ground truth), their request counters, and the faults that make an answer come
// too late or never (the cases where only Baton's ledger stands between a retry and a second
// charge when the system itself does not deduplicate).
import { getJson, stackEnv } from '@baton/testkit';
import { messaging, payments, pos } from '../e2e/support.js';
import type { BookingRecord, ChargeRecord, HoldRecord, MessageRecord, Records, RefundRecord } from './report.js';

export type Idempotency = 'on' | 'off';
export type System = 'pos' | 'payment' | 'messaging';
export const SYSTEMS: readonly System[] = ['pos', 'payment', 'messaging'];

export interface SystemStats {
  requests: number;
  injectedFailures: number;
  /** Mode "off": writes with a key the route had applied before (a key-honoring system would
   *  have absorbed them). */
  repeatedKeys: number;
}

const clients = { pos, payment: payments, messaging };

function urlOf(system: System): string {
  const env = stackEnv();
  return { pos: env.BATON_POS_URL, payment: env.BATON_PAYMENT_URL, messaging: env.BATON_MESSAGING_URL }[system];
}

/** The agents that call each system: the ones that have a call in flight when it is slow. */
export const CALLERS: Record<System, string[]> = {
  pos: ['availability', 'booking'],
  payment: ['payment'],
  messaging: ['notifier'],
};

/** Sets every system's idempotency mode at run time (PUT /_mode) and reads it back. */
export async function setIdempotency(mode: Idempotency): Promise<Idempotency[]> {
  for (const system of SYSTEMS) {
    const response = await fetch(`${urlOf(system)}/_mode`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ idempotency: mode }),
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) throw new Error(`PUT ${system} /_mode: ${response.status} ${await response.text()}`);
  }
  return idempotencyModes();
}

export async function idempotencyModes(): Promise<Idempotency[]> {
  return Promise.all(
    SYSTEMS.map(async (s) => (await getJson<{ idempotency: Idempotency }>(`${urlOf(s)}/_mode`)).idempotency),
  );
}

export async function stats(): Promise<Record<System, SystemStats>> {
  const [p, pay, m] = await Promise.all(SYSTEMS.map((s) => getJson<SystemStats>(`${urlOf(s)}/_stats`)));
  return { pos: p!, payment: pay!, messaging: m! };
}

export function delta(a: Record<System, SystemStats>, b: Record<System, SystemStats>, s: System): SystemStats {
  return {
    requests: b[s].requests - a[s].requests,
    injectedFailures: b[s].injectedFailures - a[s].injectedFailures,
    repeatedKeys: b[s].repeatedKeys - a[s].repeatedKeys,
  };
}

export async function records(): Promise<Records> {
  const get = <T>(system: System, path: string) => getJson<T[]>(`${urlOf(system)}${path}`);
  return {
    charges: await get<ChargeRecord>('payment', '/charges'),
    refunds: await get<RefundRecord>('payment', '/refunds'),
    reservations: await get<BookingRecord>('pos', '/reservations'),
    holds: await get<HoldRecord>('pos', '/holds'),
    messages: await get<MessageRecord>('messaging', '/messages'),
  };
}

export const setErrorRate = (errorRate: number) => Promise.all(SYSTEMS.map((s) => clients[s].setFaults({ errorRate })));
export const clearFaults = () => Promise.all(SYSTEMS.map((s) => clients[s].clearFaults()));
export const setPaymentOutage = (until: number) => payments.setFaults({ outageUntil: until });

/** Every system stores each write, then waits this long before answering (0: answers at once). */
export const setAnswerDelay = (latencyAfterCommitMs: number) =>
  Promise.all(SYSTEMS.map((s) => clients[s].setFaults({ latencyAfterCommitMs })));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls the systems' counters until at least `atLeast` writes arrived since `since` (or the
 * bound passes), and says which systems got them.
 */
export async function writesSince(
  since: Record<System, SystemStats>,
  atLeast: number,
  boundMs: number,
): Promise<{ count: number; systems: System[] }> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const now = await stats();
    const systems = SYSTEMS.filter((s) => now[s].requests > since[s].requests);
    const count = SYSTEMS.reduce((sum, s) => sum + now[s].requests - since[s].requests, 0);
    if (count >= atLeast || Date.now() >= deadline) return { count, systems };
    await sleep(50);
  }
}
