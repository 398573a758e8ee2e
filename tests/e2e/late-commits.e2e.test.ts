// test-tier: own-services, own stack (its simulators run without idempotency keys and commit late; it mostly waits on
// the timeouts it provokes)
// A batch of reservations against external systems that take no idempotency key and commit late: after the agent gave
// up on the answer, after an early 504, or answered late. A retry must learn the first attempt's outcome before it
// sends again (cancel-before-create at the system), so no reference ever holds two charges, holds, bookings or
// messages; and every guest told their deposit was refunded has a refund record for it. BATON_CHAOS_LATE_N sizes the
// batch (default 24; `npm run chaos:late` runs 200), BATON_CHAOS_LATE_CONCURRENCY how many are in flight (12).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getJson, postEvent, reservationEvent, stackEnv, todayUtc, waitFor } from '@baton/testkit';
import { terminalReservationStates, type ReservationStatus } from '@baton/workflow-reservation';
import { messaging, payments, pos, reservationStatus, startStack, type Stack } from './support.js';

const N = Number(process.env.BATON_CHAOS_LATE_N ?? 24);
/** The agents give up on an external call after this long (their BATON_*_TIMEOUT_MS here). */
const CALL_TIMEOUT_MS = 1_000;
const LATE = { lateCommitMinMs: CALL_TIMEOUT_MS + 100, lateCommitMaxMs: CALL_TIMEOUT_MS * 3 };

interface Record_ {
  reference: string | null;
  createdAt?: string;
}
interface ChargeRecord extends Record_ {
  chargeId: string;
  refunded: boolean;
}
interface MessageRecord extends Record_ {
  to: string;
  template: string;
  body: string;
}
interface Stats {
  lateCommits: number;
  lateCommitsSettled: number;
  refusedAsCancelled: number;
}

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const TIMES = ['5pm', '5:30pm', '6pm', '6:30pm', '7pm', '7:30pm', '8pm', '8:30pm', '9pm', '9:30pm', '10pm'];

/** Reservations in flight at once (a busy front desk, not a flood). */
const CONCURRENCY = Number(process.env.BATON_CHAOS_LATE_CONCURRENCY ?? 12);

/** Sends `count` reservations (spread over slots so tables never run out), at most CONCURRENCY
 *  in flight, each waited for until it ends; returns their final statuses by workflow id. */
async function batch(stack: Stack, from: number, count: number): Promise<Map<string, ReservationStatus>> {
  const ended = new Map<string, ReservationStatus>();
  let next = 0;
  const worker = async () => {
    for (let k = next++; k < count; k = next++) {
      const i = from + k;
      const event = reservationEvent(`Table for 2, ${DAYS[i % 7]} ${TIMES[Math.floor(i / 7) % TIMES.length]}`, {});
      const answer = await postEvent({ ...event, data: { ...event.data, receivedOn: todayUtc() } });
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      const id = String(answer.body.workflowId);
      ended.set(
        id,
        await waitFor(
          `${id} to end`,
          async () => {
            const status = await reservationStatus(stack, id).catch(() => undefined);
            return status && terminalReservationStates.has(status.state) ? status : undefined;
          },
          { timeoutMs: 300_000 },
        ),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker));
  return ended;
}

/** Confirmed, or (a first-time guest whose deposit could not be taken within its budget, e.g.
 *  while the payment breaker was open) Compensated: nothing else. Some must be confirmed. */
function confirmedOrUndone(ended: Map<string, ReservationStatus>): void {
  const states = [...ended.values()];
  assert.deepEqual(
    states
      .filter((s) => s.state !== 'Confirmed' && !(s.state === 'Compensated' && s.deposit === undefined))
      .map((s) => `${s.state}: ${s.failure}`),
    [],
  );
  assert.ok(
    states.some((s) => s.state === 'Confirmed'),
    'some reservations confirmed',
  );
}

/** Waits until no late commit is pending at any system: what the records say is then final. */
async function settled(): Promise<void> {
  const urls = [stackEnv().BATON_PAYMENT_URL, stackEnv().BATON_POS_URL, stackEnv().BATON_MESSAGING_URL];
  await waitFor(
    'every late commit to be settled',
    async () => {
      const stats = await Promise.all(urls.map((u) => getJson<Stats>(`${u}/_stats`)));
      return stats.every((s) => s.lateCommitsSettled === s.lateCommits) ? stats : undefined;
    },
    { timeoutMs: 30_000 },
  );
}

/** References that hold more than one record of `kind`, with their counts. */
function repeated(records: Record_[], workflowIds: Set<string>): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const r of records) {
    if (!r.reference || !workflowIds.has(r.reference.split('/')[0]!)) continue;
    counts.set(r.reference, (counts.get(r.reference) ?? 0) + 1);
  }
  return [...counts].filter(([, n]) => n > 1);
}

describe('late commits, without idempotency keys', () => {
  let stack: Stack;
  const statuses = new Map<string, ReservationStatus>();
  before(async () => {
    stack = await startStack({
      // The machine running the suite may be busy: a slow start is not what this file tests.
      readyTimeoutMs: 180_000,
      // A short breaker cool-down, as in the chaos suite: with the default, the late charges kept
      // the payment breaker open for a minute at a time and the refunds waited it out (the third
      // batch took 190 s, nearly all of it spent waiting for the breaker).
      env: {
        BATON_SIM_IDEMPOTENCY: 'off',
        BATON_PAYMENT_TIMEOUT_MS: String(CALL_TIMEOUT_MS),
        BATON_POS_TIMEOUT_MS: String(CALL_TIMEOUT_MS),
        BATON_MESSAGING_TIMEOUT_MS: String(CALL_TIMEOUT_MS),
        BATON_BREAKER_COOLDOWN_MS: '3000',
      },
    });
  });
  after(async () => {
    await stack?.close();
  });

  it('commits after the agents gave up (half the charges, a fifth of the holds, bookings and messages): confirmed, or undone when no deposit could be taken', async () => {
    await payments.setFaults({ lateCommitShare: 0.5, ...LATE, lateCommitAnswer: 'after-commit' });
    await pos.setFaults({ lateCommitShare: 0.2, ...LATE, lateCommitAnswer: 'after-commit' });
    await messaging.setFaults({ lateCommitShare: 0.2, ...LATE, lateCommitAnswer: 'after-commit' });
    const ended = await batch(stack, 0, Math.ceil(N / 3));
    for (const [id, s] of ended) statuses.set(id, s);
    confirmedOrUndone(ended);
  });

  it('commits after an early 504 and answers the rest late: confirmed, or undone when no deposit could be taken', async () => {
    await payments.setFaults({
      lateCommitShare: 0.4,
      ...LATE,
      lateCommitAnswer: 'first',
      latencyAfterCommitMs: CALL_TIMEOUT_MS + 300,
    });
    await pos.setFaults({ lateCommitShare: 0.2, ...LATE, lateCommitAnswer: 'first' });
    await messaging.setFaults({ lateCommitShare: 0.2, ...LATE, lateCommitAnswer: 'first' });
    const ended = await batch(stack, Math.ceil(N / 3), Math.ceil(N / 3));
    for (const [id, s] of ended) statuses.set(id, s);
    confirmedOrUndone(ended);
  });

  it('undoes reservations whose booking the POS refuses, with late charges: each guest told refunded has a refund record', async () => {
    await payments.setFaults({
      lateCommitShare: 0.5,
      ...LATE,
      lateCommitAnswer: 'after-commit',
      latencyAfterCommitMs: 0,
    });
    await pos.setFaults({ lateCommitShare: 0, refuse: ['POST /reservations'] });
    await messaging.setFaults({ lateCommitShare: 0 });
    const ended = await batch(stack, 2 * Math.ceil(N / 3), N - 2 * Math.ceil(N / 3));
    for (const [id, s] of ended) statuses.set(id, s);
    assert.deepEqual(
      [...ended.values()].filter((s) => s.state !== 'Compensated').map((s) => `${s.state}: ${s.failure}`),
      [],
    );
    assert.deepEqual(
      [...ended.values()]
        .filter((s) => s.deposit !== undefined && !s.compensated.includes('refund-deposit'))
        .map((s) => s.eventId),
      [],
      'every deposit taken was refunded',
    );
    assert.ok(
      [...ended.values()].some((s) => s.compensated.includes('refund-deposit')),
      'some deposits were taken and refunded',
    );
  });

  it('made no double charge, hold, booking or message, and told "refunded" only where a refund stands', async () => {
    assert.equal(statuses.size, N);
    await settled();
    const ids = new Set(statuses.keys());
    const charges = await getJson<ChargeRecord[]>(`${stackEnv().BATON_PAYMENT_URL}/charges`);
    const refunds = await getJson<Array<{ chargeId: string }>>(`${stackEnv().BATON_PAYMENT_URL}/refunds`);
    assert.deepEqual(repeated(charges, ids), [], 'double charges');
    assert.deepEqual(repeated(await getJson<Record_[]>(`${stackEnv().BATON_POS_URL}/holds`), ids), [], 'double holds');
    assert.deepEqual(
      repeated(await getJson<Record_[]>(`${stackEnv().BATON_POS_URL}/reservations`), ids),
      [],
      'double bookings',
    );
    const messages = await getJson<MessageRecord[]>(`${stackEnv().BATON_MESSAGING_URL}/messages`);
    assert.deepEqual(repeated(messages, ids), [], 'double messages');
    const late = await getJson<Stats>(`${stackEnv().BATON_PAYMENT_URL}/_stats`);
    assert.ok(
      late.lateCommits > 0 && late.refusedAsCancelled > 0,
      `late charges happened and some were refused: ${JSON.stringify(late)}`,
    );

    const refunded = new Set(refunds.map((r) => r.chargeId));
    for (const [id, status] of statuses) {
      const mine = charges.filter((c) => c.reference === `${id}/deposit`);
      const told = messages.filter((m) => m.to === status.request?.customer.id);
      if (status.state === 'Confirmed') {
        assert.deepEqual(
          mine.map((c) => [c.chargeId, c.refunded]),
          [[status.deposit && 'chargeId' in status.deposit ? status.deposit.chargeId : 'none', false]],
          `${id}: one charge, the recorded one`,
        );
        assert.deepEqual(
          told.map((m) => m.template),
          ['reservation-confirmed'],
        );
      } else {
        assert.ok(
          mine.every((c) => c.refunded && refunded.has(c.chargeId)),
          `${id}: no charge stands`,
        );
        for (const m of told.filter((t) => /has been refunded/.test(t.body)))
          assert.ok(
            mine.some((c) => refunded.has(c.chargeId)),
            `${id}: told "${m.body}" without a refund record`,
          );
        assert.equal(told.length, 1);
      }
    }
  });
});
