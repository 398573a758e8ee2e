// The orchestrator's memory per cached workflow. Starts an orchestrator and the echo agent on an
// already started stack, lets N workflows (benchWaitWorkflow: one handoff, then waiting for a
// signal) settle in the worker's cache, and reads the orchestrator's resident memory at rest, with
// N cached, and with 2N started against a cache of N (the least recently used are evicted, so
// memory stays bounded). Then releases them all.
//
// Usage (a bench stack of its own; about two minutes on 2 cores):
//   export BATON_PROFILE=bench; . infra/env.sh; bash infra/stack.sh start
//   node --conditions=baton-source --import tsx bench/src/cache-memory.ts   # BATON_CACHE_MEMORY_N=1000 by default
//   bash infra/stack.sh stop
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { taskQueues } from '@baton/contracts';
import { temporalClient, waitFor } from '@baton/testkit';
import { serviceSpec, startAll, stopAll, type BenchProcess } from './processes.js';

const N = Number(process.env.BATON_CACHE_MEMORY_N ?? 1000);
const CONCURRENCY = 32;

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.replace(/\D+/g, '') ?? 0) / 1024;
}

/** Resident memory once it stops falling: the highest of three reads a second apart after GC had time. */
async function settledRss(pid: number): Promise<number> {
  await new Promise((r) => setTimeout(r, 3_000));
  const reads: number[] = [];
  for (let i = 0; i < 3; i++) {
    reads.push(rssMiB(pid));
    await new Promise((r) => setTimeout(r, 1_000));
  }
  return Math.max(...reads);
}

async function inBatches<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

const client = await temporalClient();
const run = randomUUID().slice(0, 8);
const processes: BenchProcess[] = await startAll([
  serviceSpec('orchestrator', 1, { env: { BATON_WORKFLOW_CACHE_SIZE: String(N) } }),
  serviceSpec('echo'),
]);
const orchestrator = processes[0]!;
const pid = orchestrator.pid!;
try {
  const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => `bench-wait-${run}-${from + i}`);
  const startWaiting = (batch: string[]) =>
    inBatches(batch, async (workflowId) => {
      const handle = await client.workflow.start('benchWaitWorkflow', {
        taskQueue: taskQueues.orchestrator,
        workflowId,
        args: [{ steps: 1, text: 'x'.repeat(256) }],
      });
      await waitFor(`${workflowId} waiting`, async () => (await handle.query<string>('stage')) === 'waiting', {
        timeoutMs: 120_000,
      });
    });
  const release = (batch: string[]) =>
    inBatches(batch, async (workflowId) => {
      const handle = client.workflow.getHandle(workflowId);
      await handle.signal('release');
      await handle.result();
    });

  // Warm up (JIT, pools), then release: the cache is empty again.
  const warm = ids(0, 50);
  await startWaiting(warm);
  await release(warm);
  const atRest = await settledRss(pid);

  const first = ids(1_000_000, N);
  await startWaiting(first);
  const cached = await settledRss(pid);

  const second = ids(2_000_000, N);
  await startWaiting(second);
  const overfull = await settledRss(pid);

  await release([...first, ...second]);
  const after = await settledRss(pid);

  const perThousand = ((cached - atRest) / N) * 1000;
  console.log(
    `orchestrator resident memory (MiB), workflow cache of ${N} (BATON_WORKFLOW_CACHE_SIZE), one handoff then waiting, 256-byte payloads`,
  );
  console.log(`  at rest after warm-up                         ${atRest.toFixed(0)}`);
  console.log(
    `  ${N} workflows waiting in the cache            ${cached.toFixed(0)}  (+${(cached - atRest).toFixed(0)}: ${perThousand.toFixed(0)} MiB per 1,000 cached workflows)`,
  );
  console.log(
    `  ${2 * N} workflows waiting, cache of ${N}          ${overfull.toFixed(0)}  (the oldest ${N} evicted; replayed at their next task)`,
  );
  console.log(`  all ${2 * N} released and completed              ${after.toFixed(0)}`);
} finally {
  await stopAll(processes);
  await client.close();
}
