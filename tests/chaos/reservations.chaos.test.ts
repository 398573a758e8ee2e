// test-tier: own-services (its services run under faults)
// The chaos suite: N reservations through the real stack while the world misbehaves, judged by
// the external systems' own records. The world: 3% transient failures on every external call; a
// payment outage until the payment agent's breaker opens (at most a minute); a window in which
// every system stores a write and answers only after the agents' client timeout (lost answers);
// kill -9 of an agent while its calls are stored but unanswered; kill -9 of the orchestrator and
// of a random agent; a graceful restart and a kill -9 of nats-server, and the same of Temporal.
//
// By default the simulated systems run without idempotency keys (mode "off", set at run time
// with PUT /_mode): they apply every request they receive, so an effect Baton repeats shows in
// their records as a second record with the same reference. Nothing but Baton's ledger keeps
// the effects single. The report fails on: an accepted request that reached no end state within
// a bounded wait (ids printed); an effect applied twice; an effect a workflow reports that the
// records lack, or one they show that it says was undone; fewer requests ending as intended than
// a floor derived from the fault rate; more requests left with a person than that floor allows.
// Then the same traffic through a naive chain (no retries, no ledger, no saga) for comparison.
//
// BATON_CHAOS_N                 requests (default 24, sized for `npm test`; `npm run chaos`: 1000)
// BATON_CHAOS_CONCURRENCY       senders posting events side by side (default 6; `npm run chaos`: 16)
// BATON_CHAOS_IDEMPOTENCY=on    run against systems that deduplicate by Idempotency-Key instead
// BATON_TOPOLOGY=cluster        run on the production shape (three NATS nodes, Temporal on
//                               PostgreSQL) with node-level faults in place of the dev servers'
//                               restarts and crashes: kill -9 of the node leading BATON_TASKS and
//                               BATON_RESULTS (checked back as a current replica), kill -9 of
//                               Temporal, PostgreSQL stopped for 5 s, then the new leader killed.
//                               `BATON_TOPOLOGY=cluster BATON_CHAOS_N=200 npm run chaos`
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { gatePerson } from './gate-person.js';
import { postEvent, reservationEvent, waitFor, type ServiceName } from '@baton/testkit';
import { statusQuery } from '@baton/workflow-kit';
import {
  AGENT_STEP,
  DEPOSIT_STEP,
  terminalReservationStates,
  type ReservationStatus,
} from '@baton/workflow-reservation';
import { startStack, type Stack } from '../e2e/support.js';
import { NAIVE_STEPS, runNaiveChain, type NaiveOutcome } from './naive-chain.js';
import {
  countByKind,
  duplicates,
  failureRate,
  listed,
  lostEffects,
  outcomeFloor,
  printTable,
  recordsOf,
  requestOf,
} from './report.js';
import { crashServer, rejoined, restartServer, stopServer, streamLeader, type NatsNode } from './servers.js';
import {
  CALLERS,
  clearFaults,
  delta,
  idempotencyModes,
  records,
  setAnswerDelay,
  setErrorRate,
  setIdempotency,
  setPaymentOutage,
  stats,
  SYSTEMS,
  writesSince,
  type Idempotency,
} from './simulators.js';
import { guaranteedAttempts } from './policy.js';
import { reportChecks } from './report-checks.js';

const N = Number(process.env.BATON_CHAOS_N ?? 24);
const SENDERS = Number(process.env.BATON_CHAOS_CONCURRENCY ?? 6);
const IDEMPOTENCY: Idempotency = process.env.BATON_CHAOS_IDEMPOTENCY === 'on' ? 'on' : 'off';
const ERROR_RATE = 0.03;
const AGENTS: ServiceName[] = ['intake', 'availability', 'safety', 'payment', 'booking', 'notifier'];
/** The agents' client timeout on every external call (set explicitly: the lost-answer window is
 *  defined against it). */
const CALL_TIMEOUT_MS = 5_000;
/** Answers held back past the client timeout: the write is stored, the caller never hears. */
const LOST_ANSWER_MS = CALL_TIMEOUT_MS + 1_000;
/** Answers held back under the client timeout, long enough to kill the caller while it waits. */
const SLOW_ANSWER_MS = 3_000;
/** External writes on a request's intended path: hold, deposit, book, confirm (or hold,
 *  release, tell for a decline). */
const CALLS_PER_REQUEST = 4;
/**
 * How long the settle wait goes on without any accepted request reaching an end state before
 * the rest count as lost. After the last fault, a healthy Baton finishes any step within one
 * attempt (30 s) plus its backoff (at most 10 s), or hands it to a person; three minutes of
 * nothing is a loss, not slowness. The whole wait is bounded too (10 minutes plus 0.5 s per
 * request, as the backlog of a long run drains).
 */
const QUIET_MS = 180_000;
const SETTLE_BOUND_MS = 600_000 + N * 500;

/** The person at the gate approves three in four, by a stable rule so both runs agree. */
const approves = (workflowId: string) => createHash('sha256').update(workflowId).digest()[0]! % 4 !== 0;

/** The run books from next year on (the naive chain three years later; N=1000 spans under three
 *  years), inside the booking horizon its gateway is given (HORIZON_DAYS): the workflow refuses a
 *  date past the horizon counted from today, and one before today. */
const BASE_YEAR = new Date().getUTCFullYear() + 1;
const HORIZON_DAYS = 3650;

/** A spread of requests: mostly plain, some allergies (a person decides), some guests who say they
 *  are regulars (which changes nothing: a regular is known by the guest's record in the POS). */
function requestText(i: number, year = BASE_YEAR): { text: string; receivedOn: string } {
  const day = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'][i % 7];
  const time = ['6pm', '6:30pm', '7pm', '7:30pm', '8pm', '8:30pm', '9pm'][(i * 3) % 7];
  const size = 2 + (i % 5);
  const extra = i % 5 === 0 ? ', allergic to shellfish' : i % 7 === 3 ? ', customer is a regular' : '';
  // Spread the requests over many weeks so the restaurant never runs out of tables.
  const receivedOn = new Date(Date.UTC(year, 0, 4) + Math.floor(i / 7) * 7 * 86_400_000).toISOString().slice(0, 10);
  return { text: `Table for ${size}, ${day} ${time}${extra}`, receivedOn };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The streams that carry every step's task and its result. */
const WORK_STREAMS = ['BATON_TASKS', 'BATON_RESULTS'];

/** kill -9 of the node that leads the task and result streams (of each in turn, if two nodes
 *  lead them), each brought back and seen current in both streams' replica groups. */
async function killStreamLeaders(): Promise<string> {
  const leaders = new Map<NatsNode, string[]>();
  for (const stream of WORK_STREAMS) {
    const node = await streamLeader(stream);
    leaders.set(node, [...(leaders.get(node) ?? []), stream]);
  }
  const done: string[] = [];
  for (const [node, streams] of leaders) {
    const down = await crashServer(node);
    const back = Date.now();
    for (const stream of WORK_STREAMS) await rejoined(node, stream);
    done.push(
      `kill -9 ${node} (leader of ${streams.join(' + ')}; down ${seconds(down)}, current again after ${seconds(Date.now() - back)})`,
    );
  }
  return done.join(', ');
}

/** The infrastructure faults, at their share of the run's progress. The dev topology has one
 *  server of each kind, so it restarts and crashes the whole of it; the cluster topology loses
 *  one node at a time, as production does, and its database. */
const SERVER_FAULTS: [number, () => Promise<string>][] =
  process.env.BATON_TOPOLOGY === 'cluster'
    ? [
        [0.45, killStreamLeaders],
        [0.55, async () => `kill -9 temporal (down ${seconds(await crashServer('temporal'))})`],
        [0.65, async () => `stop postgres (down ${seconds(await stopServer('postgres', 5_000))})`],
        // A second node loss, on the leaders elected after the first.
        [0.75, killStreamLeaders],
      ]
    : [
        [0.45, async () => (await restartServer('nats'), 'restart nats')],
        [0.55, async () => `kill -9 nats (down ${seconds(await crashServer('nats'))})`],
        [0.65, async () => (await restartServer('temporal'), 'restart temporal')],
        [0.75, async () => `kill -9 temporal (down ${seconds(await crashServer('temporal'))})`],
      ];
const settled = (s: ReservationStatus | undefined) =>
  s !== undefined && (terminalReservationStates.has(s.state) || s.state === 'Needs attention');

/** Why a request waits for a person, in one line. */
function whyAtPerson(s: ReservationStatus): string {
  if (s.attention)
    return `${s.attention.reason}: ${s.attention.failures.map((f) => `${f.name} (${f.error})`).join('; ')}`;
  const payload =
    s.gate?.kind === 'attention'
      ? (s.gate.payload as { reason?: string; step?: { errorCode?: string } } | undefined)
      : undefined;
  return payload?.reason ? `${payload.reason} [${payload.step?.errorCode ?? '?'}]` : 'no reason recorded';
}

reportChecks();

describe(`chaos: ${N} reservations under faults, simulators with idempotency ${IDEMPOTENCY}`, () => {
  let stack: Stack;
  before(async () => {
    // Quick redelivery after a crash and a short breaker cool-down, so recovery fits the run.
    // Every agent a process of its own: the schedule kills them.
    stack = await startStack({
      hosted: false,
      env: {
        BATON_AGENT_ACK_WAIT_MS: '3000',
        BATON_BREAKER_COOLDOWN_MS: '3000',
        BATON_POS_TIMEOUT_MS: String(CALL_TIMEOUT_MS),
        BATON_PAYMENT_TIMEOUT_MS: String(CALL_TIMEOUT_MS),
        BATON_MESSAGING_TIMEOUT_MS: String(CALL_TIMEOUT_MS),
        BATON_RESERVATION_HORIZON_DAYS: String(HORIZON_DAYS),
      },
    });
  });
  after(async () => {
    await clearFaults().catch(() => undefined);
    await setIdempotency('on').catch(() => undefined);
    await stack?.close();
  });

  it('applies every effect once, loses no request and no effect, and ends at least the floor as intended, beside a naive chain', async () => {
    const started = Date.now();
    const paymentLog = stack.services.get('payment').logFile;
    const paymentLogStart = statSync(paymentLog).size;
    assert.deepEqual(
      await setIdempotency(IDEMPOTENCY),
      SYSTEMS.map(() => IDEMPOTENCY),
      `every system runs with idempotency ${IDEMPOTENCY}`,
    );
    await setErrorRate(ERROR_RATE);
    const statsBefore = await stats();
    const accepted: string[] = [];
    /** What the chaos did, each with the second of the run it happened at. */
    const chaosLog: string[] = [];
    const logged = (what: string) => void chaosLog.push(`${what} @${((Date.now() - started) / 1000).toFixed(0)}s`);

    // The person at the approval gate. An attention gate (a step only a person can finish) is
    // left open: those requests count as waiting for a person, listed with why.
    const person = gatePerson(stack.temporal, { decidedBy: 'chaos-person', approves, intervalMs: 300 });

    // Existing systems sending events, retrying on anything but a 202 as they would in life.
    let next = 0;
    const send = async () => {
      for (let i = next++; i < N; i = next++) {
        const { text, receivedOn } = requestText(i);
        const event = reservationEvent(text);
        event.data.receivedOn = receivedOn;
        const workflowId = await waitFor(
          `event ${i} to be accepted`,
          async () => {
            const answer = await postEvent(event).catch(() => undefined);
            return answer?.status === 202 ? String(answer.body.workflowId) : undefined;
          },
          { timeoutMs: 120_000, intervalMs: 500 },
        );
        accepted.push(workflowId);
      }
    };

    // The faults, spread over the run by its progress: messages sent (nearly every request ends
    // with one). Events are accepted far faster than they are worked on, so acceptance would
    // bunch every fault at the start of a long run. A stalled run still gets every fault: after
    // a minute without progress the next one goes ahead.
    const progress = async () => (await stats()).messaging.requests - statsBefore.messaging.requests;
    const at = async (share: number) => {
      let last = -1;
      let since = Date.now();
      for (;;) {
        const done = await progress().catch(() => last);
        if (done >= Math.ceil(N * share)) return;
        if (done !== last) [last, since] = [done, Date.now()];
        if (Date.now() - since > 60_000) return void logged(`(progress stalled at ${done}/${N})`);
        await sleep(250);
      }
    };
    const randomAgent = () => AGENTS[Math.floor(Math.random() * AGENTS.length)]!;
    const kill9 = async (names: ServiceName[]) => {
      await Promise.all(names.map((n) => stack.services.get(n).kill9()));
      logged(`kill -9 ${names.join(' + ')}`);
      await sleep(1_000);
      await Promise.all(names.map((n) => stack.services.get(n).start()));
    };
    const breakerOpenings = () =>
      readFileSync(paymentLog, 'utf8')
        .slice(paymentLogStart)
        .split('\n')
        .filter((l) => l.includes('circuit breaker state changed') && l.includes('"state":"open"')).length;
    let lostAnswerWrites = 0;
    let midCallWrites = 0;
    const chaos = (async () => {
      await at(0.05);
      // The payment provider goes down until the payment agent's breaker has seen >30% of its
      // last 10 calls fail and opened (at most a minute), then comes back.
      const outageStart = Date.now();
      await setPaymentOutage(outageStart + 60_000);
      await waitFor('the payment breaker to open', () => breakerOpenings() > 0 || undefined, {
        timeoutMs: 60_000,
      }).catch(() => undefined);
      await setPaymentOutage(0);
      logged(`payment outage ${((Date.now() - outageStart) / 1000).toFixed(1)} s`);

      await at(0.15);
      // Lost answers: every write is stored, then answered after the caller gave up. The window
      // stays open until at least three writes (one in a hundred requests' worth on a long run)
      // fell into it, at most 30 s.
      const beforeLost = await stats();
      await setAnswerDelay(LOST_ANSWER_MS);
      lostAnswerWrites = (await writesSince(beforeLost, Math.max(3, Math.ceil(N / 100)), 30_000)).count;
      await setAnswerDelay(0);
      logged(`answers lost for ${lostAnswerWrites} writes`);

      await at(0.25);
      // Crash mid-call: writes are stored and their answers held back; the agents waiting for
      // them are killed before they can record anything.
      const beforeSlow = await stats();
      await setAnswerDelay(SLOW_ANSWER_MS);
      const inFlight = await writesSince(beforeSlow, 1, 30_000);
      midCallWrites = inFlight.count;
      const victims = [...new Set(inFlight.systems.flatMap((s) => CALLERS[s]))];
      await Promise.all(victims.map((n) => stack.services.get(n).kill9()));
      await setAnswerDelay(0);
      logged(`kill -9 ${victims.join(' + ') || 'nobody'} mid-call (${midCallWrites} writes unanswered)`);
      await sleep(1_000);
      await Promise.all(victims.map((n) => stack.services.get(n).start()));

      await at(0.35);
      await kill9(['orchestrator']);
      for (const [share, fault] of SERVER_FAULTS) {
        await at(share);
        logged(await fault());
      }
      await at(0.85);
      await kill9([randomAgent()]);
    })();

    const sent = Promise.all(Array.from({ length: SENDERS }, send)).then(() => logged(`(all ${N} accepted)`));
    await Promise.all([sent, chaos]);
    const chaosOver = Date.now();

    // Every accepted request must reach an end state (or a person) within a bounded wait: the
    // wait ends when all have, or when none has for QUIET_MS, or at SETTLE_BOUND_MS. Whatever is
    // still open then is lost, and reported by id.
    const statuses = new Map<string, ReservationStatus>();
    /** Why a request is not (yet) in an end state: its last state, or what Temporal said. */
    const why = new Map<string, string>();
    /** Requests whose workflow closed without a reservation state (failed, terminated): lost for good. */
    const gone = new Set<string>();
    const open = () => accepted.filter((id) => !settled(statuses.get(id)) && !gone.has(id));
    const look = async (id: string) => {
      const handle = stack.temporal.workflow.getHandle(id);
      try {
        const { status } = await handle.describe();
        // A closed workflow's status is its result, read from Temporal's history; only a running
        // one needs a worker to answer the query.
        if (status.name === 'COMPLETED') statuses.set(id, (await handle.result()) as ReservationStatus);
        else if (status.name === 'RUNNING') statuses.set(id, (await handle.query(statusQuery)) as ReservationStatus);
        else {
          gone.add(id);
          why.set(id, `workflow ${status.name}`);
        }
        const s = statuses.get(id);
        if (s && !settled(s)) why.set(id, `still "${s.state}" since ${s.stateSince}`);
      } catch (err) {
        why.set(id, `no answer from Temporal (${(err as Error).name}: ${(err as Error).message})`);
      }
    };
    let lastSettled = 0;
    let quietSince = Date.now();
    while (open().length > 0 && Date.now() - quietSince < QUIET_MS && Date.now() - chaosOver < SETTLE_BOUND_MS) {
      // A few at a time: a long run has a thousand to look at, a small machine two cores.
      const ids = open();
      for (let i = 0; i < ids.length; i += 8) await Promise.all(ids.slice(i, i + 8).map(look));
      const count = accepted.length - open().length;
      if (count !== lastSettled) [lastSettled, quietSince] = [count, Date.now()];
      if (open().length > 0) await sleep(1_000);
    }
    const settleSeconds = (Date.now() - chaosOver) / 1000;
    await person.stop();
    const statsAfter = await stats();
    const modesAfter = await idempotencyModes();
    const acceptedIds = new Set(accepted);
    const isBaton = (id: string) => acceptedIds.has(id);
    const baton = recordsOf(await records(), isBaton);
    const openings = breakerOpenings();
    const batonSeconds = (Date.now() - started) / 1000;

    // The naive chain, at the same fault rate and mode (no outage, no crashes: it would only do worse).
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
    const naiveIds = new Set(naive.map((o) => o.workflowId));
    const naiveRecords = recordsOf(await records(), (id) => naiveIds.has(id));
    await setErrorRate(0);

    // --- Baton's outcome, from workflow state and the systems' records.
    const lostRequests = [...open(), ...gone].map((id) => `${id}: ${why.get(id) ?? 'never looked at'}`);
    const batonDuplicates = duplicates(baton);
    const lost = lostEffects(baton, statuses);
    const count = (state: string) => [...statuses.values()].filter((s) => s.state === state).length;
    const orphanHolds = baton.holds.filter((h) => h.status === 'held');
    const keptDeposits = baton.charges.filter((c) => {
      const owner = statuses.get(requestOf(c.idempotencyKey));
      return !c.refunded && owner?.state !== 'Confirmed' && owner?.state !== 'Needs attention';
    });
    const atPerson = accepted
      .filter((id) => statuses.get(id)?.state === 'Needs attention')
      .map((id) => `${id}: ${whyAtPerson(statuses.get(id)!)}`);
    const expected = (id: string) =>
      statuses.get(id)?.safety?.needsReview && !approves(id) ? 'Declined' : 'Confirmed';
    const notAsIntended = accepted.filter((id) => statuses.get(id)?.state !== expected(id));
    const asIntended = accepted.length - notAsIntended.length;
    const attempts = Math.min(guaranteedAttempts(AGENT_STEP), guaranteedAttempts(DEPOSIT_STEP));
    const floor = outcomeFloor(N, ERROR_RATE, CALLS_PER_REQUEST, attempts);

    // --- The naive chain's outcome.
    const naiveDuplicates = duplicates(naiveRecords);
    const naiveOrphans = naiveRecords.holds.filter((h) => h.status === 'held').length;
    const naiveKept = naiveRecords.charges.filter(
      (c) => !naive.find((o) => o.workflowId === requestOf(c.idempotencyKey))?.completed,
    ).length;
    const naiveAsIntended = naive.filter((o) => o.completed || o.declined).length;
    const stepFailures = NAIVE_STEPS.map((s) => `${s} ${naive.filter((o) => o.failedAt === s).length}`).join(', ');

    const rates = (a: Awaited<ReturnType<typeof stats>>, b: Awaited<ReturnType<typeof stats>>) =>
      SYSTEMS.map((s) => `${s} ${failureRate(delta(a, b, s))}`).join('; ');
    const repeats = (a: Awaited<ReturnType<typeof stats>>, b: Awaited<ReturnType<typeof stats>>) =>
      SYSTEMS.map((s) => delta(a, b, s).repeatedKeys).join(' / ');
    const dup = (d: ReturnType<typeof countByKind>) =>
      `${d.charge} / ${d.hold} / ${d.booking} / ${d.message} / ${d.refund}`;
    const pct = (n: number) => `${((100 * n) / N).toFixed(1)}% (${n}/${N})`;
    console.log(
      '\n' +
        [
          printTable(
            `Reliability report: ${N} reservations, ${ERROR_RATE * 100}% injected failures per external call, systems with idempotency ${IDEMPOTENCY} (at the end: ${modesAfter.join('/')}). Baton run also had: ${chaosLog.join(', ')}.`,
            ['', 'naive chain', 'Baton'],
            [
              ['injected failure rate per call', rates(naiveStart, naiveEnd), rates(statsBefore, statsAfter)],
              ['ended as intended (booked, or declined by the person)', pct(naiveAsIntended), pct(asIntended)],
              [
                `  floor (retries absorb random faults; ε = ${(100 * floor.epsilon).toFixed(1)}%)`,
                '',
                `>= ${floor.atLeast}/${N}`,
              ],
              ['confirmed', naive.filter((o) => o.completed).length, count('Confirmed')],
              ['declined by the person', naive.filter((o) => o.declined).length, count('Declined')],
              ['compensated (undone, customer told)', 0, count('Compensated')],
              ['waiting for a person', 0, `${atPerson.length} (at most ${floor.allowed})`],
              [
                'failed, effects left behind',
                `${naive.filter((o) => o.failedAt).length} (at: ${stepFailures})`,
                count('Failed'),
              ],
              [
                'duplicate charges / holds / bookings / messages / refunds',
                dup(countByKind(naiveDuplicates)),
                dup(countByKind(batonDuplicates)),
              ],
              [
                'repeated keys the systems applied (pos / payment / messaging)',
                repeats(naiveStart, naiveEnd),
                repeats(statsBefore, statsAfter),
              ],
              ['lost requests (accepted, no end state)', 'n/a', lostRequests.length],
              ['lost effects (records contradict the end state)', 'n/a', lost.length],
              ['payment breaker openings', 'no breaker', openings],
              ['orphan holds', naiveOrphans, orphanHolds.length],
              ['deposits kept without a booking', naiveKept, keptDeposits.length],
              [
                'wall time (settle wait after the last fault)',
                '',
                `${batonSeconds.toFixed(0)} s (${settleSeconds.toFixed(0)} s)`,
              ],
            ],
          ),
          listed('lost requests', lostRequests),
          listed(
            'lost effects',
            lost.map((l) => `${l.workflowId} [${l.state}]: ${l.problem}`),
          ),
          listed(
            'duplicate effects',
            batonDuplicates.map((d) => `${d.kind} x${d.count}: ${d.key}`),
          ),
          listed('waiting for a person', atPerson),
          listed(
            'not as intended',
            notAsIntended.map(
              (id) =>
                `${id}: ${statuses.get(id)?.state ?? 'no state'}, expected ${expected(id)}${statuses.get(id)?.failure ? ` (${statuses.get(id)!.failure})` : ''}`,
            ),
          ),
        ].join('\n') +
        '\n',
    );

    assert.deepEqual(
      modesAfter,
      SYSTEMS.map(() => IDEMPOTENCY),
      `the systems kept idempotency ${IDEMPOTENCY} for the whole run`,
    );
    assert.equal(new Set(accepted).size, N, 'every event was accepted, each as its own workflow');
    assert.deepEqual(lostRequests, [], 'every accepted request reached an end state or a person');
    assert.deepEqual(batonDuplicates, [], 'no effect applied twice, by the systems own records');
    assert.deepEqual(lost, [], 'every end state matches the systems records');
    assert.deepEqual(
      orphanHolds.map((h) => requestOf(h.idempotencyKey)),
      [],
      'no table left held',
    );
    assert.deepEqual(
      keptDeposits.map((c) => requestOf(c.idempotencyKey)),
      [],
      'no deposit kept without a booking',
    );
    assert.ok(asIntended >= floor.atLeast, `${asIntended}/${N} ended as intended, under the floor of ${floor.atLeast}`);
    assert.ok(
      atPerson.length <= floor.allowed,
      `${atPerson.length} requests wait for a person, more than ${floor.allowed}`,
    );
    assert.ok(lostAnswerWrites >= 1, 'writes fell into the lost-answer window');
    assert.ok(midCallWrites >= 1, 'an agent was killed with writes unanswered');
    assert.equal(chaosLog.filter((l) => !l.startsWith('(')).length, 9, 'every planned fault happened');
    assert.ok(openings >= 1, 'the payment outage opened the payment breaker');
  });
});
