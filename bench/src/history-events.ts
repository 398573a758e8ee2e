// History events per workflow kind, Baton beside its floor: one handoff (benchChainWorkflow, one
// step) beside the floor's workflow with one plain activity, the six-step chain beside six plain
// activities, and a clean reservation (no person asked) beside the same six; then, with no floor,
// a reservation whose allergy gate a person approves (what a gate adds). Each runs once, in
// this process, on Temporal's test server (the workflow test harness: the same workflow code the
// orchestrator bundles, agents answered by fakes, no NATS); the table counts the events of each
// history by type. Every event is written by the Temporal server and replayed by every worker that
// picks the run up, so fewer events are less work on both sides. The bench's throughput and CPU
// figures need the real stack (`npm run bench`); the event counts do not, with one difference:
// the harness leaves a cancelled timer to fire (packages/workflow-kit/src/testing/no-cancel-timers.ts),
// so a reservation here lacks the TIMER_CANCELED events a real run has (one per state it left
// before that state's stuck limit: 6 for a clean reservation).
//
//   node --conditions=baton-source --import tsx bench/src/history-events.ts [--json]
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { testWorkflow } from '@baton/workflow-kit/testing';
import samples from '@baton/workflow-samples';
import reservation from '@baton/workflow-reservation';
import { agents as reservationFakes, newWorld, requestEvent } from '../../workflows/reservation/test/fakes.js';
import { createFloorActivities } from './floor/activities.js';
import { floorNames } from './floor/names.js';

type Counts = Record<string, number>;
interface Column {
  name: string;
  counts: Counts;
}

const PAYLOAD = 'x'.repeat(256);

/** The events of a run's history, counted by type (`ACTIVITY_TASK_SCHEDULED`: 6). */
async function eventsOf(handle: WorkflowHandle): Promise<Counts> {
  const { events } = JSON.parse(historyToJSON(await handle.fetchHistory())) as { events: Array<{ eventType: string }> };
  const counts: Counts = {};
  for (const { eventType } of events) {
    const type = eventType.replace(/^EVENT_TYPE_/, '');
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

async function measure(): Promise<Column[]> {
  const columns: Column[] = [];
  const chain = await testWorkflow(samples, { agents: { echo: (input) => input } });
  try {
    // The floor's worker runs on the same test server, on its own task queue.
    const floor = await Worker.create({
      connection: chain.env.nativeConnection,
      taskQueue: floorNames.taskQueue,
      workflowsPath: fileURLToPath(new URL('./floor/workflows.ts', import.meta.url)),
      activities: createFloorActivities(),
    });
    await floor.runUntil(async () => {
      for (const steps of [1, 6]) {
        const id = `history-floor-${steps}-${Date.now()}`;
        const handle = await chain.env.client.workflow.start(floorNames.workflowType, {
          taskQueue: floorNames.taskQueue,
          workflowId: id,
          args: [{ steps, text: PAYLOAD }],
        });
        await handle.result();
        columns.push({ name: `floor ${steps} activit${steps === 1 ? 'y' : 'ies'}`, counts: await eventsOf(handle) });
        const run = await chain.startWith({ steps, text: PAYLOAD });
        await run.result();
        columns.push({ name: steps === 1 ? 'Baton handoff' : 'Baton chain-6', counts: await eventsOf(run.handle) });
      }
    });
  } finally {
    await chain.close();
  }
  const booking = await testWorkflow(reservation);
  try {
    const run = await booking.start(requestEvent(), { agents: reservationFakes(newWorld()) });
    const status = await run.result();
    if (status.state !== 'Confirmed')
      throw new Error(`the clean reservation ended "${status.state}", not Confirmed: ${status.failure ?? ''}`);
    columns.push({ name: 'Baton reservation', counts: await eventsOf(run.handle) });
    // Not a bench scenario: the same with one gate a person approves (an allergy, whose gate type
    // never approves by itself), for what a gate costs.
    const gated = await booking.start(requestEvent('Table for 2, Saturday 8pm, allergic to shellfish'), {
      agents: reservationFakes(newWorld(), { allergies: ['shellfish'] }),
    });
    await gated.waitFor('Awaiting approval');
    await gated.decide('approve', { role: 'host', by: 'hana' });
    const approved = await gated.result();
    if (approved.state !== 'Confirmed')
      throw new Error(`the approved reservation ended "${approved.state}", not Confirmed: ${approved.failure ?? ''}`);
    columns.push({ name: 'reservation + gate', counts: await eventsOf(gated.handle) });
  } finally {
    await booking.close();
  }
  return columns;
}

function table(columns: Column[]): string {
  const types = [...new Set(columns.flatMap((c) => Object.keys(c.counts)))].sort();
  const total = (c: Column) => Object.values(c.counts).reduce((a, b) => a + b, 0);
  const rows = [
    ['event type', ...columns.map((c) => c.name)],
    ...types.map((t) => [t, ...columns.map((c) => String(c.counts[t] ?? 0))]),
    ['total', ...columns.map((c) => String(total(c)))],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '))
    .join('\n');
}

const columns = await measure();
if (process.argv.includes('--json'))
  console.log(JSON.stringify(Object.fromEntries(columns.map((c) => [c.name, c.counts])), null, 2));
else console.log(table(columns));
