// Where the time of one step goes, from two clocks on this machine: Temporal's history event
// times (for the floor and for Baton alike) and, inside a Baton step, the spans its services sent
// to Zipkin, the local stack's trace backend (task publish, JetStream to the agent, the agent, JetStream to the bridge,
// the bridge).
import type { Client } from '@temporalio/client';
import { stackEnv } from '@baton/testkit';
import { percentiles } from './load.js';

export interface Segment {
  name: string;
  /** Median over the sampled workflows, ms. */
  p50: number;
  p95: number;
  samples: number;
}

type Timestamp = { seconds?: { toNumber(): number } | number | null; nanos?: number | null } | null | undefined;
const msOf = (ts: Timestamp): number => {
  if (!ts) return NaN;
  const s = ts.seconds ?? 0;
  return (typeof s === 'number' ? s : s.toNumber()) * 1000 + (ts.nanos ?? 0) / 1e6;
};

interface StepTimes {
  workflowStarted: number;
  activityScheduled: number;
  activityStarted: number;
  activityCompleted: number;
  workflowCompleted: number;
}

/** The first activity's life in a one-step workflow's history. */
async function stepTimes(client: Client, workflowId: string): Promise<StepTimes | undefined> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const times: Partial<StepTimes> = {};
  for (const e of history.events ?? []) {
    const t = msOf(e.eventTime as Timestamp);
    if (e.workflowExecutionStartedEventAttributes) times.workflowStarted = t;
    else if (e.activityTaskScheduledEventAttributes) times.activityScheduled ??= t;
    else if (e.activityTaskStartedEventAttributes) times.activityStarted ??= t;
    else if (e.activityTaskCompletedEventAttributes) times.activityCompleted ??= t;
    else if (e.workflowExecutionCompletedEventAttributes) times.workflowCompleted = t;
  }
  const complete =
    (Object.keys(times) as Array<keyof StepTimes>).length === 5 &&
    Object.values(times).every((v) => Number.isFinite(v));
  return complete ? (times as StepTimes) : undefined;
}

/** The fields of a Zipkin span this file reads: names in lower case, times in microseconds. */
interface SpanTimes {
  name: string;
  timestamp: number;
  duration: number;
}

/** The spans of one Baton workflow's trace, found by the workflow id the agent span carries. */
async function spansOf(workflowId: string, agentService: string): Promise<SpanTimes[] | undefined> {
  const query = new URLSearchParams({
    serviceName: agentService,
    annotationQuery: `baton.workflow.id=${workflowId}`,
    limit: '5',
    lookback: String(2 * 3_600_000),
  });
  const response = await fetch(`${stackEnv().BATON_ZIPKIN_URL}/api/v2/traces?${query}`, {
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) return undefined;
  const traces = (await response.json()) as Array<Array<Partial<SpanTimes>>>;
  return traces
    .flat()
    .flatMap((s) =>
      s.name !== undefined && s.timestamp !== undefined
        ? [{ name: s.name, timestamp: s.timestamp, duration: s.duration ?? 0 }]
        : [],
    );
}

function summarise(rows: Array<Record<string, number>>, order: string[]): Segment[] {
  return order.map((name) => {
    const values = rows.map((r) => r[name]).filter((v): v is number => v !== undefined && Number.isFinite(v));
    const p = percentiles(values);
    return { name, p50: p.p50, p95: p.p95, samples: values.length };
  });
}

export const TEMPORAL_SEGMENTS = [
  'client start + result (outside the server)',
  'workflow task until the activity is scheduled',
  'activity scheduled -> picked up by a worker',
  'activity started -> completed',
  'activity completed -> workflow completed',
] as const;

/** Temporal's view of a one-step workflow; the same segments for the floor and for Baton. */
export async function temporalBreakdown(
  client: Client,
  samples: Array<{ key: string; ms: number }>,
): Promise<Segment[]> {
  const rows: Array<Record<string, number>> = [];
  for (const { key, ms } of samples) {
    const t = await stepTimes(client, key).catch(() => undefined);
    if (!t) continue;
    rows.push({
      [TEMPORAL_SEGMENTS[0]]: ms - (t.workflowCompleted - t.workflowStarted),
      [TEMPORAL_SEGMENTS[1]]: t.activityScheduled - t.workflowStarted,
      [TEMPORAL_SEGMENTS[2]]: t.activityStarted - t.activityScheduled,
      [TEMPORAL_SEGMENTS[3]]: t.activityCompleted - t.activityStarted,
      [TEMPORAL_SEGMENTS[4]]: t.workflowCompleted - t.activityCompleted,
    });
  }
  return summarise(rows, [...TEMPORAL_SEGMENTS]);
}

export const HANDOFF_SEGMENTS = [
  'worker picks up the activity task, callAgent starts',
  'task publish -> agent starts (JetStream; parse, validate)',
  'agent runs, result publish -> bridge starts (JetStream)',
  'bridge: validate output, complete activity (gRPC)',
  '  of which callAgent: publish + JetStream ack',
  '  of which agent span: validate, handle, publish result',
] as const;

/**
 * Inside a Baton step, as a timeline of span starts (activity started, callAgent, agent, bridge,
 * bridge end): a consumer may start before its publisher has its JetStream ack back, so the
 * points are span starts, and the publish spans are shown apart as "of which".
 */
export async function handoffBreakdown(client: Client, workflowIds: string[], agent = 'echo'): Promise<Segment[]> {
  const rows: Array<Record<string, number>> = [];
  for (const workflowId of workflowIds) {
    const [t, spans] = await Promise.all([
      stepTimes(client, workflowId).catch(() => undefined),
      spansOf(workflowId, `agent-${agent}`).catch(() => undefined),
    ]);
    if (!t || !spans) continue;
    const first = (prefix: string) =>
      spans.filter((s) => s.name.startsWith(prefix)).sort((a, b) => a.timestamp - b.timestamp)[0];
    const run = first('runactivity'); // RunActivity:callAgent, as Zipkin keeps it
    const agentSpan = first(`process baton.task.${agent}`);
    const bridge = first(`process baton.result.${agent}`);
    if (!run || !agentSpan || !bridge) continue;
    const ms = (us: number) => us / 1000;
    rows.push({
      [HANDOFF_SEGMENTS[0]]: ms(run.timestamp) - t.activityStarted,
      [HANDOFF_SEGMENTS[1]]: ms(agentSpan.timestamp - run.timestamp),
      [HANDOFF_SEGMENTS[2]]: ms(bridge.timestamp - agentSpan.timestamp),
      [HANDOFF_SEGMENTS[3]]: ms(bridge.duration),
      [HANDOFF_SEGMENTS[4]]: ms(run.duration),
      [HANDOFF_SEGMENTS[5]]: ms(agentSpan.duration),
    });
  }
  return summarise(rows, [...HANDOFF_SEGMENTS]);
}
