// The fsync question (issue 32): what JetStream's `sync_interval` costs and what it saves. For each
// setting (the server's default, which fsyncs every 2 minutes and leaves the rest to the OS, and
// `always`, an fsync before every acknowledgement) on fresh NATS data of the cluster or hosts
// topology: the throughput of acknowledged publishes into a stream of three replicas, then
// BATON_FSYNC_ROUNDS rounds of a coordinated kill -9 of all three nodes while publishers are
// busy, right after acknowledgements; after each restart the stream is read back and every
// acknowledged message that is not there counts as lost. Prints one table; exits 1 if a setting
// Baton ships as its production default lost an acknowledged message.
//
// Run by `npm run fsync-check` (tests/chaos/partitions.sh fsync), which brings the stack's NATS
// nodes up under this profile and tears everything down after. Only NATS is touched.
//
// BATON_FSYNC_ROUNDS      crash rounds per setting (default 5)
// BATON_FSYNC_MESSAGES    messages in the throughput run (default 4000)
// BATON_FSYNC_SETTINGS    comma-separated settings to measure (default "default,always")
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { connect, nkeyAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { execa } from 'execa';
import { adminSeed, natsAuthEnabled, repoRoot, stackEnv, waitFor } from '@baton/testkit';
import { printTable } from './report.js';
import { crashServer } from './servers.js';

const ROUNDS = Number(process.env.BATON_FSYNC_ROUNDS ?? 5);
const MESSAGES = Number(process.env.BATON_FSYNC_MESSAGES ?? 4000);
const SETTINGS = (process.env.BATON_FSYNC_SETTINGS ?? 'default,always').split(',');
/** Baton's production default (infra/stack.sh BATON_NATS_SYNC_INTERVAL, docker-compose, k8s). */
const SHIPPED = 'always';
const STREAM = 'FSYNC_CHECK';
const SUBJECT = 'fsync.check';
const IN_FLIGHT = 16;
const PAYLOAD = new Uint8Array(512).fill(42);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The setting the next NATS start writes into the nodes' configs (infra/stack.sh). */
function useSetting(setting: string): void {
  if (setting === 'default') delete process.env.BATON_NATS_SYNC_INTERVAL;
  else process.env.BATON_NATS_SYNC_INTERVAL = setting;
}

async function stackNats(action: 'start' | 'stop'): Promise<void> {
  const run = await execa('bash', ['infra/stack.sh', action, 'nats'], {
    cwd: repoRoot,
    timeout: 240_000,
    all: true,
    reject: false,
  });
  if (run.exitCode !== 0) throw new Error(`infra/stack.sh ${action} nats failed:\n${run.all}`);
  console.log(`fsync-check: ${action} nats (sync_interval ${process.env.BATON_NATS_SYNC_INTERVAL ?? 'default'})`);
}

async function connectAdmin(): Promise<NatsConnection> {
  return waitFor(
    'NATS to take a connection',
    () =>
      connect({
        servers: stackEnv().BATON_NATS_URL.split(','),
        name: 'fsync-check',
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        ...(natsAuthEnabled() ? { authenticator: nkeyAuthenticator(new TextEncoder().encode(adminSeed())) } : {}),
      }).catch(() => undefined),
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}

/** Publishes until stopped, IN_FLIGHT at a time; returns the ids whose publish was acknowledged. */
function publishers(
  js: JetStreamClient,
  prefix: string,
): { stop: () => void; acked: Set<string>; done: Promise<void> } {
  const acked = new Set<string>();
  let running = true;
  let next = 0;
  const one = async () => {
    while (running) {
      const id = `${prefix}-${next++}`;
      try {
        await js.publish(SUBJECT, PAYLOAD, { msgID: id, timeout: 2_000 });
        acked.add(id);
      } catch {
        await sleep(50);
      }
    }
  };
  const done = Promise.all(Array.from({ length: IN_FLIGHT }, one)).then(() => undefined);
  return { stop: () => void (running = false), acked, done };
}

/** Every message id in the stream, read back through an ordered consumer. */
async function storedIds(nc: NatsConnection): Promise<Set<string>> {
  const js = jetstream(nc, { timeout: 10_000 });
  const jsm = await jetstreamManager(nc, { timeout: 10_000 });
  const total = (await jsm.streams.info(STREAM)).state.messages;
  const ids = new Set<string>();
  if (total === 0) return ids;
  const consumer = await js.consumers.get(STREAM);
  const messages = await consumer.consume();
  for await (const m of messages) {
    const id = m.headers?.get('Nats-Msg-Id');
    if (id) ids.add(id);
    if (m.info.pending === 0) break;
  }
  await messages.close();
  return ids;
}

interface Row {
  setting: string;
  perSecond: number;
  p50Ms: number;
  acked: number;
  lost: number;
  rounds: string[];
}

async function measure(setting: string): Promise<Row> {
  const { stateDir } = stackEnv();
  await stackNats('stop');
  for (const n of [1, 2, 3]) rmSync(join(stateDir, 'data', `nats-${n}`), { recursive: true, force: true });
  useSetting(setting);
  await stackNats('start');
  let nc = await connectAdmin();
  const jsm = await jetstreamManager(nc, { timeout: 10_000 });
  await jsm.streams.add({
    name: STREAM,
    subjects: [SUBJECT],
    num_replicas: 3,
    duplicate_window: 10 * 60 * 1_000_000_000,
  });
  let js = jetstream(nc, { timeout: 5_000 });

  // Throughput: MESSAGES acknowledged publishes, IN_FLIGHT at a time, and each one's latency.
  const latencies: number[] = [];
  let next = 0;
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      for (let i = next++; i < MESSAGES; i = next++) {
        const t = performance.now();
        await js.publish(SUBJECT, PAYLOAD, { msgID: `warm-${i}`, timeout: 10_000 });
        latencies.push(performance.now() - t);
      }
    }),
  );
  const perSecond = MESSAGES / ((Date.now() - t0) / 1000);
  latencies.sort((a, b) => a - b);
  const p50Ms = latencies[Math.floor(latencies.length / 2)]!;

  // Crash rounds: publishers busy, then kill -9 of all three nodes at once, right after acks.
  const everAcked = new Set<string>();
  const rounds: string[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const pub = publishers(js, `r${round}`);
    await waitFor('acknowledged publishes before the crash', () => pub.acked.size >= 500 || undefined, {
      timeoutMs: 60_000,
      intervalMs: 10,
    });
    // No publish starts after this; the ones in flight are acknowledged just before the kill, or
    // fail with it.
    pub.stop();
    const down = await crashServer('nats', 500);
    await pub.done;
    for (const id of pub.acked) everAcked.add(id);
    await nc.close().catch(() => undefined);
    nc = await connectAdmin();
    js = jetstream(nc, { timeout: 5_000 });
    await waitFor(
      `${STREAM} to answer after the crash`,
      async () => (await jetstreamManager(nc, { timeout: 5_000 })).streams.info(STREAM).catch(() => undefined),
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    const stored = await storedIds(nc);
    const lost = [...pub.acked].filter((id) => !stored.has(id)).length;
    rounds.push(`${lost}/${pub.acked.size}`);
    console.log(
      `fsync-check: ${setting} round ${round}: ${pub.acked.size} acknowledged, ${lost} lost (down ${(down / 1000).toFixed(1)} s)`,
    );
  }
  const stored = await storedIds(nc);
  const lost = [...everAcked].filter((id) => !stored.has(id)).length;
  await nc.close();
  return { setting, perSecond, p50Ms, acked: everAcked.size, lost, rounds };
}

const rows: Row[] = [];
try {
  for (const setting of SETTINGS) rows.push(await measure(setting));
} finally {
  await stackNats('stop').catch(() => undefined);
}
const base = rows.find((r) => r.setting === 'default');
console.log(
  '\n' +
    printTable(
      `JetStream sync_interval on the ${process.env.BATON_TOPOLOGY} topology: ${MESSAGES} acknowledged publishes of 512 B (${IN_FLIGHT} in flight, stream R3), then ${ROUNDS} coordinated kill -9 of all three nodes with publishers busy`,
      ['sync_interval', 'publishes/s', 'p50 ack', 'throughput vs default', 'acked in crash rounds', 'lost (per round)'],
      rows.map((r) => [
        r.setting === 'default' ? 'default (fsync every 2 min)' : r.setting,
        r.perSecond.toFixed(0),
        `${r.p50Ms.toFixed(2)} ms`,
        base ? `${((100 * r.perSecond) / base.perSecond).toFixed(0)}%` : '',
        r.acked,
        `${r.lost} (${r.rounds.join(', ')})`,
      ]),
    ),
);
const shipped = rows.find((r) => r.setting === SHIPPED);
if (shipped && shipped.lost > 0) {
  console.error(`fsync-check: the shipped setting (${SHIPPED}) lost ${shipped.lost} acknowledged messages`);
  process.exitCode = 1;
}
