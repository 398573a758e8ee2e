// Baton's workflow tracing against the real Temporal server: the workflow span joins the trace a
// start header carries, each activity's header carries its StartActivity span, spans leave the
// sandbox once through the sink, and a failure is recorded on the workflow span.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { NativeConnection, Worker, type ActivityInboundCallsInterceptor } from '@temporalio/worker';
import { stackEnv, temporalConnectionAs, waitFor } from '@baton/testkit';
import {
  TRACE_HEADER,
  WORKFLOW_TRACING_MODULE,
  contextFromHeaders,
  toReadableSpan,
  type WorkflowSpanData,
} from '../src/index.js';

const taskQueue = `workflow-tracing-${randomUUID()}`;
const spans: WorkflowSpanData[] = [];
const activityHeaders: Array<Record<string, Payload>> = [];
let worker: Worker;
let running: Promise<void>;
let connection: NativeConnection;
let clientConnection: Connection;

/** A client whose starts carry `traceparent` in the trace header, as the SDK's client interceptor writes it. */
function clientWith(traceparent: string | undefined): Client {
  const interceptor: WorkflowClientInterceptor = {
    start: (input, next) =>
      next(
        traceparent
          ? {
              ...input,
              headers: { ...input.headers, [TRACE_HEADER]: defaultPayloadConverter.toPayload({ traceparent }) },
            }
          : input,
      ),
  };
  return new Client({
    connection: clientConnection,
    namespace: stackEnv().BATON_TEMPORAL_NAMESPACE,
    interceptors: { workflow: [interceptor] },
  });
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const spansOf = (traceId: string) => spans.filter((s) => s.traceId === traceId);

describe('workflow tracing (Baton interceptors in the sandbox, real Temporal server)', () => {
  before(async () => {
    connection = await NativeConnection.connect(temporalConnectionAs());
    clientConnection = await Connection.connect(temporalConnectionAs());
    const captureHeaders = (): { inbound: ActivityInboundCallsInterceptor } => ({
      inbound: {
        execute: (input, next) => {
          activityHeaders.push(input.headers);
          return next(input);
        },
      },
    });
    worker = await Worker.create({
      connection,
      namespace: stackEnv().BATON_TEMPORAL_NAMESPACE,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('./fixtures/traced-workflows.ts', import.meta.url)),
      activities: { echo: async (text: string) => text },
      interceptors: { workflowModules: [WORKFLOW_TRACING_MODULE], activity: [captureHeaders] },
      sinks: { batonTracing: { spanEnded: { fn: (_info, span: WorkflowSpanData) => void spans.push(span) } } },
    });
    running = worker.run();
  });

  after(async () => {
    worker.shutdown();
    await running;
    await connection.close();
    await clientConnection.close();
  });

  it('joins the trace of the start header and hands it on to each activity', async () => {
    const traceId = hex(16);
    const parentSpanId = hex(8);
    const result = await clientWith(`00-${traceId}-${parentSpanId}-01`).workflow.execute('tracedWorkflow', {
      taskQueue,
      workflowId: `traced-${randomUUID()}`,
      args: ['hello'],
    });
    assert.equal(result, 'hello');
    // Sink calls are handled by the worker after the activation: wait for the two spans.
    const run = await waitFor('the RunWorkflow span', () =>
      spansOf(traceId).find((s) => s.name === 'RunWorkflow:tracedWorkflow'),
    );
    const start = await waitFor('the StartActivity span', () =>
      spansOf(traceId).find((s) => s.name === 'StartActivity:echo'),
    );
    assert.equal(run.parentSpanId, parentSpanId);
    assert.equal(run.parentIsRemote, true);
    assert.equal(run.statusCode, 1);
    assert.equal(start.parentSpanId, run.spanId, "the activity span is the workflow span's child");
    assert.match(run.spanId, /^[0-9a-f]{16}$/);
    assert.ok(run.endMs >= run.startMs);
    assert.equal(spans.filter((s) => s.spanId === run.spanId).length, 1, 'each span is sent once');
    // The activity sees the StartActivity span as its parent: the SDK's activity interceptor joins the trace there.
    const seen = activityHeaders.map((h) => contextFromHeaders(h)).find((c) => c?.traceId === traceId);
    assert.deepEqual(seen && { traceId: seen.traceId, spanId: seen.spanId }, { traceId, spanId: start.spanId });
  });

  it('starts a trace of its own when the start carries none, and records a failure on the workflow span', async () => {
    const workflowId = `traced-failing-${randomUUID()}`;
    await assert.rejects(
      clientWith(undefined).workflow.execute('failingTracedWorkflow', { taskQueue, workflowId, args: ['no'] }),
    );
    const run = await waitFor("the failed workflow's RunWorkflow span", () =>
      spans.find((s) => s.name === 'RunWorkflow:failingTracedWorkflow'),
    );
    assert.equal(run.parentSpanId, undefined);
    assert.match(run.traceId, /^[0-9a-f]{32}$/);
    assert.equal(run.statusCode, 2);
    assert.equal(run.statusMessage, 'refused: no');
    assert.equal(
      spans.find((s) => s.name === 'StartActivity:echo' && s.traceId === run.traceId)?.parentSpanId,
      run.spanId,
    );
    // As OpenTelemetry's exporters read it.
    const readable = toReadableSpan(run, { resource: undefined as never });
    assert.equal(readable.spanContext().spanId, run.spanId);
    assert.equal(readable.status.code, 2);
    assert.deepEqual(
      readable.events.map((e) => e.name),
      ['exception'],
    );
  });

  it('reads no parent from a header that is missing or malformed', () => {
    assert.equal(contextFromHeaders({}), undefined);
    assert.equal(
      contextFromHeaders({ [TRACE_HEADER]: defaultPayloadConverter.toPayload({ traceparent: 'not-a-traceparent' }) }),
      undefined,
    );
    assert.equal(
      contextFromHeaders({
        [TRACE_HEADER]: defaultPayloadConverter.toPayload({ traceparent: `00-${'0'.repeat(32)}-${hex(8)}-01` }),
      }),
      undefined,
    );
  });
});
