// The partitions report (issue 32, `npm run partitions`, through tests/chaos/partitions.sh): on
// the hosts topology (every server in a network namespace of its own, infra/hosts.sh), each
// network fault in turn during a load of reservations and support escalations, each with a
// report like the chaos suite's, judged by the simulated systems' own records:
//   - 0 lost acknowledged events: every event the gateway answered 202 reaches an end state or
//     a person within a bounded wait after the fault healed;
//   - 0 duplicate effects: no charge, hold, booking, message or refund applied twice for one
//     request (the simulators run without idempotency keys, so a repeat shows as a second record);
//   - 0 lost effects: every end state matches the records (a resolved ticket has its refund);
//   - the lease fault: the cut-off holder's late write is refused by the fencing token.
// The faults (BATON_PARTITIONS_ONLY=minority,asymmetric,zones,database,lease picks some):
//   minority    the NATS meta leader and the BATON_TASKS leader cut off from the other nodes 30 s
//   asymmetric  the BATON_TASKS leader's packets to one follower dropped (the follower does not
//               hear it, it hears the follower) for 30 s
//   zones       nats-3 in a zone of its own: 5 % loss each way (and 200 ms each way where the
//               kernel has tc netem) to every other host for 60 s
//   database    Temporal cut off from PostgreSQL for 10 s
//   lease       a lease holder on its own host cut off from NATS until its lease expired; a new
//               holder writes; the old one's late write must be refused
// Exits 1 if any invariant fails. BATON_PARTITIONS_RESERVATIONS / _TICKETS size each fault's
// load (default 10 and 5).
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { gatePerson } from './gate-person.js';
import { Leases } from '@baton/lease';
import { postEvent, repoRoot, reservationEvent, testBus, waitFor } from '@baton/testkit';
import { statusQuery } from '@baton/workflow-kit';
import { terminalReservationStates, type ReservationStatus } from '@baton/workflow-reservation';
import { terminalSupportStates } from '@baton/workflow-support';
import { execa } from 'execa';
import { startStack, type Stack } from '../e2e/support.js';
import { LATE, customerWithOrder, orders, setOrdersMode, ticketEvent } from '../e2e/support-escalation.js';
import { countByKind, duplicates, listed, lostEffects, printTable, recordsOf } from './report.js';
import { metaLeader, rejoined, streamLeader, type NatsNode } from './servers.js';
import { records, setIdempotency } from './simulators.js';

const RESERVATIONS = Number(process.env.BATON_PARTITIONS_RESERVATIONS ?? 10);
const TICKETS = Number(process.env.BATON_PARTITIONS_TICKETS ?? 5);
const ONLY = process.env.BATON_PARTITIONS_ONLY?.split(',');
const QUIET_MS = 120_000;
const SETTLE_BOUND_MS = 360_000;
const HORIZON_DAYS = 3650;
const NODES: NatsNode[] = ['nats-1', 'nats-2', 'nats-3'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function hosts(...args: string[]): Promise<void> {
  await execa('bash', ['infra/hosts.sh', ...args], { cwd: repoRoot, timeout: 60_000 });
}

interface Fault {
  name: string;
  /** How long the fault holds, about: the load's posts are spread over it. */
  spanMs: number;
  /** Applies the fault, holds it, heals it; returns what happened, in one line. */
  run: (stack: Stack, extra: string[]) => Promise<string>;
}

/** Cuts `node` off from the other NATS nodes for `ms`, then heals and waits until it is current
 *  again in the work stream's replica group. */
async function isolate(node: NatsNode, ms: number): Promise<string> {
  for (const other of NODES.filter((n) => n !== node)) await hosts('cut', node, other);
  const t0 = Date.now();
  await sleep(ms);
  const newLeader = await streamLeader('BATON_TASKS').catch(() => 'none');
  await hosts('heal');
  const healed = Date.now();
  await rejoined(node, 'BATON_TASKS');
  return `${node} cut off ${seconds(healed - t0)} (BATON_TASKS led by ${newLeader} meanwhile), current again ${seconds(Date.now() - healed)} after healing`;
}

const FAULTS: Fault[] = [
  {
    name: 'minority',
    spanMs: 45_000,
    run: async () => {
      const meta = await metaLeader();
      const tasks = await streamLeader('BATON_TASKS');
      const done = [`meta leader ${meta}, BATON_TASKS leader ${tasks}`, await isolate(meta, 30_000)];
      // Two leaders on two nodes: each is cut off in turn (cutting both would leave the third
      // node alone, a minority, and the two a majority of their own).
      if (tasks !== meta) done.push(await isolate(tasks, 30_000));
      return done.join('; ');
    },
  },
  {
    name: 'asymmetric',
    spanMs: 30_000,
    run: async () => {
      const leader = await streamLeader('BATON_TASKS');
      const follower = NODES.find((n) => n !== leader)!;
      await hosts('oneway', leader, follower);
      const t0 = Date.now();
      await sleep(30_000);
      const during = await streamLeader('BATON_TASKS').catch(() => 'none');
      await hosts('heal');
      const healed = Date.now();
      await rejoined(follower, 'BATON_TASKS');
      return `${follower} did not hear ${leader} (the BATON_TASKS leader) for ${seconds(healed - t0)}, leader then ${during}; ${follower} current again ${seconds(Date.now() - healed)} after healing`;
    },
  },
  {
    name: 'zones',
    spanMs: 60_000,
    run: async () => {
      const others = ['nats-1', 'nats-2', 'postgres', 'temporal', 'svc'];
      const notes: string[] = [];
      for (const other of others) {
        const r = await execa('bash', ['infra/hosts.sh', 'loss', 'nats-3', other, '5', '200'], {
          cwd: repoRoot,
          all: true,
        });
        const note = (r.all ?? '')
          .replace(/^hosts: /, '')
          .replace(/\s+/g, ' ')
          .trim();
        if (note && !notes.includes(note)) notes.push(note);
      }
      const t0 = Date.now();
      await sleep(60_000);
      await hosts('heal');
      await rejoined('nats-3', 'BATON_TASKS');
      return `nats-3 behind 5 % loss each way for ${seconds(Date.now() - t0)}${notes.length ? ` [${notes.join('; ')}]` : ''}`;
    },
  },
  {
    name: 'database',
    spanMs: 10_000,
    run: async () => {
      await hosts('cut', 'temporal', 'postgres');
      const t0 = Date.now();
      await sleep(10_000);
      await hosts('heal');
      return `temporal cut off from postgres for ${seconds(Date.now() - t0)}`;
    },
  },
  {
    name: 'lease',
    spanMs: 15_000,
    run: async (_stack, extra) => {
      const who = await customerWithOrder();
      const ticketId = `T-${randomUUID().slice(0, 8)}`;
      const ttlMs = 5_000;
      const child = spawn(
        'bash',
        [
          'infra/hosts.sh',
          'exec-on',
          'svc2',
          'node',
          '--conditions=baton-source',
          '--import',
          'tsx',
          'tests/chaos/lease-holder.ts',
          ticketId,
          who.orderId,
          String(ttlMs),
        ],
        {
          cwd: repoRoot,
          stdio: ['pipe', 'pipe', 'inherit'],
        },
      );
      const lines: Record<string, unknown>[] = [];
      createInterface({ input: child.stdout }).on('line', (l) => lines.push(JSON.parse(l) as Record<string, unknown>));
      const line = (what: string, pick: (l: Record<string, unknown>) => boolean) =>
        waitFor(what, () => lines.find(pick), { timeoutMs: 60_000, intervalMs: 100 });
      const staleToken = Number((await line('the holder to take the lease', (l) => 'token' in l)).token);
      for (const node of NODES) await hosts('cut', 'svc2', node);
      const cutAt = Date.now();
      const failedRenewal = await line('a renewal to fail while cut off', (l) => l.renewed === false);
      // The lease runs out; another holder (this process, on the services host) takes it over and writes.
      await sleep(ttlMs + 1_000);
      const bus = await testBus('partitions-lease-taker');
      const leases = await Leases.open(bus);
      const fresh = await waitFor(
        'the expired lease to be taken over',
        () => leases.acquire(`ticket:${ticketId}`, 'partitions-new-holder', { ttlMs: 30_000 }).catch(() => undefined),
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      const ok = await fetch(`${process.env.BATON_ORDERS_URL}/refunds`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({
          orderId: who.orderId,
          ticketId,
          amountCents: 5_200,
          fencing: { resource: `ticket:${ticketId}`, token: fresh.token },
        }),
      });
      await bus.close();
      // The cut-off holder wakes up and writes with the token it still has.
      child.stdin.write('write\n');
      const late = await line('the late write to be answered', (l) => 'status' in l);
      await hosts('heal');
      const refunds = await orders.refunds(ticketId);
      const refused = late.status === 409 && (late.body as { code?: string }).code === 'STALE_FENCING_TOKEN';
      const onlyNew = refunds.length === 1 && refunds[0]!.fencingToken === fresh.token;
      if (!refused)
        extra.push(
          `FENCING: the late write (token ${staleToken}) was answered ${String(late.status)} ${JSON.stringify(late.body)}`,
        );
      if (!onlyNew)
        extra.push(
          `FENCING: refunds recorded ${JSON.stringify(refunds.map((r) => r.fencingToken))}, expected only token ${fresh.token}`,
        );
      if (ok.status !== 201) extra.push(`FENCING: the new holder's write was answered ${ok.status}`);
      return `holder on svc2 (token ${staleToken}) cut off from NATS ${seconds(Date.now() - cutAt)} (renewal failed: ${String(failedRenewal.error)}); new holder token ${fresh.token} wrote (${ok.status}); late write with ${staleToken}: ${String(late.status)} ${String((late.body as { code?: string }).code ?? '')}; refunds recorded ${refunds.length}`;
    },
  },
];

/** The person at the approval gate approves three in four, by a stable rule. */
const approves = (workflowId: string) => createHash('sha256').update(workflowId).digest()[0]! % 4 !== 0;

function reservationText(i: number): { text: string; receivedOn: string } {
  const day = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'][i % 7];
  const extra = i % 5 === 0 ? ', allergic to shellfish' : '';
  const year = new Date().getUTCFullYear() + 1;
  const receivedOn = new Date(Date.UTC(year, 0, 4) + i * 86_400_000).toISOString().slice(0, 10);
  return { text: `Table for ${2 + (i % 4)}, ${day} 7pm${extra}`, receivedOn };
}

type Kind = 'reservation' | 'ticket';
interface Accepted {
  kind: Kind;
  workflowId: string;
  ticketId?: string;
}
interface Settled {
  state: string;
  status?: ReservationStatus;
}

let reservationSeq = 0;

/** One fault's run: the load posted a request at a time through the fault, the fault, the
 *  settle wait, the checks from the systems' records. Returns the failures (empty: passed). */
async function runFault(stack: Stack, fault: Fault): Promise<string[]> {
  const started = Date.now();
  const accepted: Accepted[] = [];
  const ackFailures: string[] = [];
  let refusedPosts = 0;
  let posted = 0;
  const post = async (kind: Kind, event: Parameters<typeof postEvent>[0], ticketId?: string) => {
    posted++;
    const workflowId = await waitFor(
      `a ${kind} event to be accepted`,
      async () => {
        const answer = await postEvent(event).catch(() => undefined);
        if (answer?.status === 202) return String(answer.body.workflowId);
        refusedPosts++;
        return undefined;
      },
      { timeoutMs: 180_000, intervalMs: 500 },
    ).catch((err: unknown) => void ackFailures.push(`${kind}: ${(err as Error).message}`));
    if (workflowId) accepted.push({ kind, workflowId, ...(ticketId ? { ticketId } : {}) });
  };
  // The load: reservations and tickets interleaved, spread over the fault (at least a second apart).
  const load = (async () => {
    const total = RESERVATIONS + TICKETS;
    let ticketsPosted = 0;
    for (let i = 0; i < total; i++) {
      if (ticketsPosted < TICKETS && (i % Math.ceil(total / TICKETS) === 1 || total - i <= TICKETS - ticketsPosted)) {
        ticketsPosted++;
        const who = await customerWithOrder();
        const event = ticketEvent(who, ...LATE);
        void post('ticket', event, event.data.ticketId);
      } else {
        const { text, receivedOn } = reservationText(reservationSeq++);
        const event = reservationEvent(text);
        event.data.receivedOn = receivedOn;
        void post('reservation', event);
      }
      await sleep(Math.max(1_000, fault.spanMs / (RESERVATIONS + TICKETS)));
    }
  })();
  const person = gatePerson(stack.temporal, { decidedBy: 'partitions-person', approves, intervalMs: 500 });

  await sleep(3_000);
  const extra: string[] = [];
  const what = await fault.run(stack, extra);
  const healedAt = Date.now();
  await load;
  await waitFor('every post to be answered', () => accepted.length + ackFailures.length >= posted || undefined, {
    timeoutMs: 200_000,
    intervalMs: 250,
  });

  // Settle: every accepted request in an end state or with a person, within a bounded wait.
  const settled = new Map<string, Settled>();
  const why = new Map<string, string>();
  const isSettled = (a: Accepted, s: Settled | undefined) =>
    s !== undefined &&
    (s.state === 'Needs attention' ||
      (a.kind === 'reservation' ? terminalReservationStates.has(s.state) : terminalSupportStates.has(s.state)));
  const open = () => accepted.filter((a) => !isSettled(a, settled.get(a.workflowId)));
  const look = async (a: Accepted) => {
    const handle = stack.temporal.workflow.getHandle(a.workflowId);
    try {
      const { status } = await handle.describe();
      const s = (
        status.name === 'COMPLETED'
          ? await handle.result()
          : status.name === 'RUNNING'
            ? await handle.query(statusQuery)
            : undefined
      ) as ReservationStatus | undefined;
      if (s) settled.set(a.workflowId, { state: s.state, status: s });
      else why.set(a.workflowId, `workflow ${status.name}`);
      if (s && !isSettled(a, settled.get(a.workflowId))) why.set(a.workflowId, `still "${s.state}"`);
    } catch (err) {
      why.set(a.workflowId, `no answer from Temporal (${(err as Error).message})`);
    }
  };
  let last = -1;
  let quietSince = Date.now();
  while (open().length > 0 && Date.now() - quietSince < QUIET_MS && Date.now() - healedAt < SETTLE_BOUND_MS) {
    for (const a of open()) await look(a);
    const n = accepted.length - open().length;
    if (n !== last) [last, quietSince] = [n, Date.now()];
    if (open().length > 0) await sleep(1_000);
  }
  await person.stop();
  const settleSeconds = (Date.now() - healedAt) / 1000;

  // The systems' records.
  const reservations = accepted.filter((a) => a.kind === 'reservation');
  const tickets = accepted.filter((a) => a.kind === 'ticket');
  const ids = new Set(reservations.map((a) => a.workflowId));
  const baton = recordsOf(await records(), (id) => ids.has(id));
  const dups = duplicates(baton);
  const statuses = new Map([...settled].filter(([id]) => ids.has(id)).map(([id, s]) => [id, s.status!]));
  const lost = lostEffects(baton, statuses);
  const refundProblems: string[] = [];
  let refundsIssued = 0;
  for (const t of tickets) {
    const issued = (await orders.refunds(t.ticketId!)).filter((r) => r.status === 'issued');
    refundsIssued += issued.length;
    const state = settled.get(t.workflowId)?.state;
    if (issued.length > 1) refundProblems.push(`${t.ticketId}: ${issued.length} refunds issued (duplicate)`);
    if (state === 'Resolved' && issued.length === 0)
      refundProblems.push(`${t.ticketId}: Resolved without a refund (lost effect)`);
    if (state !== 'Resolved' && state !== 'Needs attention' && issued.length > 0)
      refundProblems.push(`${t.ticketId}: "${state}" with a refund issued`);
  }
  const lostRequests = open().map((a) => `${a.kind} ${a.workflowId}: ${why.get(a.workflowId) ?? 'never looked at'}`);
  const countState = (kind: Kind, state: string) =>
    accepted.filter((a) => a.kind === kind && settled.get(a.workflowId)?.state === state).length;
  const atPerson = accepted.filter((a) => settled.get(a.workflowId)?.state === 'Needs attention');
  const d = countByKind(dups);
  const failures = [
    ...ackFailures.map((f) => `never acknowledged: ${f}`),
    ...lostRequests.map((l) => `lost: ${l}`),
    ...dups.map((x) => `duplicate ${x.kind} x${x.count}: ${x.key}`),
    ...lost.map((l) => `lost effect ${l.workflowId} [${l.state}]: ${l.problem}`),
    ...refundProblems,
    ...extra,
  ];
  console.log(
    '\n' +
      [
        printTable(
          `Partition report: ${fault.name}: ${what}. Load: ${reservations.length} reservations + ${tickets.length} support escalations posted through the fault; systems without idempotency keys.`,
          ['', 'reservations', 'support escalations'],
          [
            ['acknowledged by the gateway (202)', reservations.length, tickets.length],
            ['posts refused or unanswered, then retried', refusedPosts, ''],
            ['ended: confirmed / resolved', countState('reservation', 'Confirmed'), countState('ticket', 'Resolved')],
            ['ended: declined by the person', countState('reservation', 'Declined'), countState('ticket', 'Declined')],
            ['ended: compensated', countState('reservation', 'Compensated'), countState('ticket', 'Compensated')],
            ['ended: failed', countState('reservation', 'Failed'), countState('ticket', 'Failed')],
            [
              'waiting for a person',
              atPerson.filter((a) => a.kind === 'reservation').length,
              atPerson.filter((a) => a.kind === 'ticket').length,
            ],
            [
              'lost acknowledged events (no end state, no person)',
              lostRequests.filter((l) => l.startsWith('reservation')).length,
              lostRequests.filter((l) => l.startsWith('ticket')).length,
            ],
            [
              'duplicate effects (charges/holds/bookings/messages/refunds)',
              `${d.charge}/${d.hold}/${d.booking}/${d.message}/${d.refund}`,
              refundProblems.filter((p) => p.includes('duplicate')).length,
            ],
            [
              'lost effects (records contradict the end state)',
              lost.length,
              refundProblems.filter((p) => !p.includes('duplicate')).length,
            ],
            ['refunds issued', '', refundsIssued],
            [
              'wall time (settle wait after healing)',
              `${((Date.now() - started) / 1000).toFixed(0)} s (${settleSeconds.toFixed(0)} s)`,
              '',
            ],
          ],
        ),
        listed('invariant failures', failures),
        listed(
          'waiting for a person',
          atPerson.map((a) => `${a.kind} ${a.workflowId}`),
        ),
        `${fault.name}: ${failures.length === 0 ? 'PASS' : 'FAIL'}`,
      ].join('\n'),
  );
  return failures;
}

const chosen = FAULTS.filter((f) => !ONLY || ONLY.includes(f.name));
if (chosen.length === 0)
  throw new Error(`BATON_PARTITIONS_ONLY=${ONLY?.join(',')} names no fault (${FAULTS.map((f) => f.name).join(', ')})`);
const stack = await startStack({
  workflows: ['reservation', 'support'],
  readyTimeoutMs: 240_000,
  env: {
    BATON_AGENT_ACK_WAIT_MS: '3000',
    BATON_BREAKER_COOLDOWN_MS: '3000',
    BATON_RESERVATION_HORIZON_DAYS: String(HORIZON_DAYS),
  },
});
const summary: string[] = [];
try {
  await setIdempotency('off');
  await setOrdersMode('off');
  for (const fault of chosen) {
    const failures = await runFault(stack, fault);
    summary.push(`${fault.name}: ${failures.length === 0 ? 'PASS' : `FAIL (${failures.length})`}`);
  }
} finally {
  await execa('bash', ['infra/hosts.sh', 'heal'], { cwd: repoRoot }).catch(() => undefined);
  await setIdempotency('on').catch(() => undefined);
  await setOrdersMode('on').catch(() => undefined);
  await stack.close();
}
console.log(`\npartitions: ${summary.join(', ')}`);
if (summary.some((s) => s.includes('FAIL'))) process.exitCode = 1;
