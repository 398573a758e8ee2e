// The chaos suite: N reservations through the real stack while the world misbehaves: 3%
// transient failures on every external call, a payment outage long enough to open its breaker,
// kill -9 of agents and of the orchestrator, a nats-server restart and a Temporal restart.
// The payment outage lasts until the payment agent's breaker opens (at most a minute).
// Then the same requests' worth of traffic through a naive chain, and a report of both.
//
// BATON_CHAOS_N sets N (default 24, sized for CI); `npm run chaos` runs N=1000.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { DecisionRefusedError, decide, pending } from '@baton/console';
import { postEvent, repoRoot, reservationEvent, waitFor, type ServiceName } from '@baton/testkit';
import { statusQuery } from '@baton/workflow-kit';
import { terminalReservationStates, type ReservationStatus } from '@baton/workflow-reservation';
import { messaging, payments, pos, startStack, type SimStats, type Stack } from '../e2e/support.js';
import { NAIVE_STEPS, runNaiveChain, type NaiveOutcome } from './naive-chain.js';
import { failureRate, printTable, requestOf, tally, type Records } from './report.js';

const N = Number(process.env.BATON_CHAOS_N ?? 24);
const SENDERS = Number(process.env.BATON_CHAOS_CONCURRENCY ?? 6);
const ERROR_RATE = 0.03;
const AGENTS: ServiceName[] = ['intake', 'availability', 'safety', 'payment', 'booking', 'notifier'];

/** The person at the gate approves three in four, by a stable rule so both runs agree. */
const approves = (workflowId: string) => createHash('sha256').update(workflowId).digest()[0]! % 4 !== 0;

/** Each run books its own span of years, so reruns on one stack never compete for tables; the
 *  naive chain books three years later (N=1000 spans under three years). */
const BASE_YEAR = 2030 + (Math.floor(Date.now() / 1000) % 60);

/** A spread of requests: mostly plain, some allergies (a person decides), some regulars. */
function requestText(i: number, year = BASE_YEAR): { text: string; receivedOn: string } {
  const day = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'][i % 7];
  const time = ['6pm', '6:30pm', '7pm', '7:30pm', '8pm', '8:30pm', '9pm'][(i * 3) % 7];
  const size = 2 + (i % 5);
  const extra = i % 5 === 0 ? ', allergic to shellfish' : i % 7 === 3 ? ', customer is a regular' : '';
  // Spread the requests over many weeks so the restaurant never runs out of tables.
  const receivedOn = new Date(Date.UTC(year, 0, 4) + Math.floor(i / 7) * 7 * 86_400_000).toISOString().slice(0, 10);
  return { text: `Table for ${size}, ${day} ${time}${extra}`, receivedOn };
}

async function stats(): Promise<Record<string, SimStats>> {
  return { pos: await pos.stats(), payment: await payments.stats(), messaging: await messaging.stats() };
}

async function records(): Promise<Records> {
  return { charges: await payments.charges(), refunds: await payments.refunds(), reservations: await pos.reservations(), holds: await pos.holds(), messages: await messaging.messages() };
}

const setAllFaults = (errorRate: number) => Promise.all([pos, payments, messaging].map((s) => s.setFaults({ errorRate })));

describe(`chaos: ${N} reservations under faults`, () => {
  let stack: Stack;
  before(async () => {
    // Quick redelivery after a crash and a short breaker cool-down, so recovery fits the run.
    stack = await startStack({ env: { BATON_AGENT_ACK_WAIT_MS: '3000', BATON_BREAKER_COOLDOWN_MS: '3000' } });
  });
  after(async () => {
    await Promise.all([pos, payments, messaging].map((s) => s.clearFaults().catch(() => undefined)));
    await stack?.close();
  });

  it('ends every accepted request in a terminal state or with a person, with no duplicate effect, lost request, orphan hold or kept deposit; and prints the report beside a naive chain', async () => {
    const started = Date.now();
    const paymentLog = stack.services.get('payment').logFile;
    const paymentLogStart = statSync(paymentLog).size;
    await setAllFaults(ERROR_RATE);
    const statsBefore = await stats();
    const accepted: string[] = [];
    const chaosLog: string[] = [];

    // The person at the approval gate.
    let bot = true;
    const decided = new Set<string>();
    const person = (async () => {
      while (bot) {
        try {
          for (const { workflowId, state } of await pending(stack.temporal)) {
            if (state !== 'Awaiting approval' || decided.has(workflowId)) continue;
            await decide(stack.temporal, workflowId, { decision: approves(workflowId) ? 'approve' : 'decline', decidedBy: 'chaos-person' })
              .then(() => decided.add(workflowId))
              .catch((err: unknown) => {
                if (err instanceof DecisionRefusedError) decided.add(workflowId);
              });
          }
        } catch {
          // Temporal is restarting; look again shortly.
        }
        await new Promise((r) => setTimeout(r, 300));
      }
    })();

    // Existing systems sending events, retrying on anything but a 202 as they would in life.
    let next = 0;
    const send = async () => {
      for (let i = next++; i < N; i = next++) {
        const { text, receivedOn } = requestText(i);
        const event = reservationEvent(text);
        event.data.receivedOn = receivedOn;
        const workflowId = await waitFor(`event ${i} to be accepted`, async () => {
          const answer = await postEvent(event).catch(() => undefined);
          return answer?.status === 202 ? String(answer.body.workflowId) : undefined;
        }, { timeoutMs: 120_000, intervalMs: 500 });
        accepted.push(workflowId);
      }
    };

    // The faults, spread over the run by how many requests were accepted.
    const at = (share: number) => waitFor(`${share * 100}% accepted`, () => accepted.length >= Math.ceil(N * share) || undefined, { timeoutMs: 600_000 });
    const randomAgent = () => AGENTS[Math.floor(Math.random() * AGENTS.length)]!;
    const kill9 = async (name: ServiceName) => {
      await stack.services.get(name).kill9();
      chaosLog.push(`kill -9 ${name}`);
      await new Promise((r) => setTimeout(r, 1_000));
      await stack.services.get(name).start();
    };
    const restart = async (server: 'nats' | 'temporal') => {
      await execa('bash', ['infra/stack.sh', 'restart', server], { cwd: repoRoot, timeout: 120_000 });
      chaosLog.push(`restart ${server}`);
    };
    const breakerOpenings = () =>
      readFileSync(paymentLog, 'utf8')
        .slice(paymentLogStart)
        .split('\n')
        .filter((l) => l.includes('circuit breaker state changed') && l.includes('"state":"open"')).length;
    const chaos = (async () => {
      await at(0.1);
      // The payment provider goes down until the payment agent's breaker has seen >30% of its
      // last 10 calls fail and opened (at most a minute), then comes back.
      const outageStart = Date.now();
      await payments.setFaults({ outageUntil: outageStart + 60_000 });
      await waitFor('the payment breaker to open', () => breakerOpenings() > 0 || undefined, { timeoutMs: 60_000 }).catch(() => undefined);
      await payments.setFaults({ outageUntil: 0 });
      chaosLog.push(`payment outage ${((Date.now() - outageStart) / 1000).toFixed(1)} s`);
      await at(0.25);
      await kill9(randomAgent());
      await at(0.4);
      await kill9('orchestrator');
      await at(0.55);
      await restart('nats');
      await at(0.7);
      await restart('temporal');
      await at(0.85);
      await kill9(randomAgent());
    })();

    await Promise.all([...Array.from({ length: SENDERS }, send), chaos]);

    // Every accepted request must settle: a terminal state, or waiting for a person.
    const statuses = new Map<string, ReservationStatus>();
    await waitFor(
      'every accepted request to settle',
      async () => {
        for (const id of accepted) {
          if (statuses.has(id) && terminalReservationStates.has(statuses.get(id)!.state)) continue;
          const status = await stack.temporal.workflow.getHandle(id).query(statusQuery).then((s) => s as ReservationStatus).catch(() => undefined);
          if (status) statuses.set(id, status);
        }
        const open = accepted.filter((id) => { const s = statuses.get(id); return !s || (!terminalReservationStates.has(s.state) && s.state !== 'Needs attention'); });
        return open.length === 0 || undefined;
      },
      { timeoutMs: 600_000 + N * 500, intervalMs: 1_000 },
    );
    bot = false;
    await person;
    const statsAfter = await stats();
    const baton = await records();
    // The payment agent's own log says when its breaker opened (each replica logs its view).
    const openings = breakerOpenings();
    const batonSeconds = (Date.now() - started) / 1000;

    // The naive chain, at the same fault rate (no outage, no crashes: it would only do worse).
    const naiveStart = await stats();
    const naive: NaiveOutcome[] = [];
    let naiveNext = 0;
    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        for (let i = naiveNext++; i < N; i = naiveNext++) {
          const { text, receivedOn } = requestText(i, BASE_YEAR + 3);
          const event = reservationEvent(text);
          event.data.receivedOn = receivedOn;
          naive.push(await runNaiveChain(event, approves));
        }
      }),
    );
    const naiveEnd = await stats();
    const all = await records();
    await setAllFaults(0);

    // --- Baton's outcome, from workflow state and the simulators' records.
    const isBaton = (id: string) => accepted.includes(id);
    const count = (state: string) => [...statuses.values()].filter((s) => s.state === state).length;
    const batonTally = tally(baton, isBaton);
    const lost = accepted.filter((id) => !statuses.has(id)).length;
    const orphanHolds = baton.holds.filter((h) => isBaton(requestOf(h.idempotencyKey)) && h.status === 'held');
    const keptDeposits = baton.charges.filter((c) => {
      const owner = statuses.get(requestOf(c.idempotencyKey));
      return isBaton(requestOf(c.idempotencyKey)) && !c.refunded && owner?.state !== 'Confirmed' && owner?.state !== 'Needs attention';
    });
    const expected = (id: string) => (statuses.get(id)?.safety?.needsReview && !approves(id) ? 'Declined' : 'Confirmed');
    const asIntended = accepted.filter((id) => statuses.get(id)?.state === expected(id)).length;

    // --- The naive chain's outcome.
    const naiveIds = new Set(naive.map((o) => o.workflowId));
    const isNaive = (id: string) => naiveIds.has(id);
    const naiveTally = tally(all, isNaive);
    const naiveOrphans = all.holds.filter((h) => isNaive(requestOf(h.idempotencyKey)) && h.status === 'held').length;
    const naiveKept = all.charges.filter((c) => isNaive(requestOf(c.idempotencyKey)) && !naive.find((o) => o.workflowId === requestOf(c.idempotencyKey))?.completed).length;
    const naiveAsIntended = naive.filter((o) => o.completed || o.declined).length;
    const stepFailures = NAIVE_STEPS.map((s) => `${s} ${naive.filter((o) => o.failedAt === s).length}`).join(', ');
    const delta = (a: Record<string, SimStats>, b: Record<string, SimStats>, k: string): SimStats => ({
      requests: b[k]!.requests - a[k]!.requests,
      injectedFailures: b[k]!.injectedFailures - a[k]!.injectedFailures,
      refused: 0,
    });
    const rates = (a: Record<string, SimStats>, b: Record<string, SimStats>) => ['pos', 'payment', 'messaging'].map((k) => `${k} ${failureRate(delta(a, b, k))}`).join('; ');

    const pct = (n: number) => `${((100 * n) / N).toFixed(1)}% (${n}/${N})`;
    console.log(
      '\n' +
        printTable(
          `Reliability report: ${N} reservations, ${ERROR_RATE * 100}% injected failures per external call. Baton run also had: ${chaosLog.join(', ')}.`,
          ['', 'naive chain', 'Baton'],
          [
            ['injected failure rate per call', rates(naiveStart, naiveEnd), rates(statsBefore, statsAfter)],
            ['ended as intended (booked, or declined by the person)', pct(naiveAsIntended), pct(asIntended)],
            ['confirmed', naive.filter((o) => o.completed).length, count('Confirmed')],
            ['declined by the person', naive.filter((o) => o.declined).length, count('Declined')],
            ['compensated (undone, customer told)', 0, count('Compensated')],
            ['waiting for a person', 0, count('Needs attention')],
            ['failed, effects left behind', `${naive.filter((o) => o.failedAt).length} (at: ${stepFailures})`, count('Failed')],
            ['duplicate charges / bookings / messages / refunds', `${naiveTally.duplicateCharges} / ${naiveTally.duplicateBookings} / ${naiveTally.duplicateMessages} / ${naiveTally.duplicateRefunds}`, `${batonTally.duplicateCharges} / ${batonTally.duplicateBookings} / ${batonTally.duplicateMessages} / ${batonTally.duplicateRefunds}`],
            ['lost requests', 'n/a', lost],
            ['payment breaker openings', 'no breaker', openings],
            ['orphan holds', naiveOrphans, orphanHolds.length],
            ['deposits kept without a booking', naiveKept, keptDeposits.length],
            ['wall time', '', `${batonSeconds.toFixed(0)} s`],
          ],
        ) +
        '\n',
    );

    assert.equal(accepted.length, N, 'every event was eventually accepted');
    assert.equal(lost, 0, 'no accepted request without a workflow');
    assert.deepEqual(batonTally, { duplicateCharges: 0, duplicateBookings: 0, duplicateMessages: 0, duplicateRefunds: 0 });
    assert.deepEqual(orphanHolds.map((h) => requestOf(h.idempotencyKey)), [], 'no table left held');
    assert.deepEqual(keptDeposits.map((c) => requestOf(c.idempotencyKey)), [], 'no deposit kept without a booking');
    assert.equal(chaosLog.length, 6, 'every planned fault happened');
    assert.ok(openings >= 1, 'the payment outage opened the payment breaker');
  });
});
