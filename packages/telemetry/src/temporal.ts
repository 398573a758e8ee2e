// Tracing across Temporal, wired to Baton's tracer, so workflow and activity spans join the trace
// that started at the gateway: the SDK's OpenTelemetry interceptors for the client (the start
// span) and for activities (run in Node), Baton's own light interceptors inside the workflow
// sandbox (workflow-interceptors.ts says why), whose finished spans arrive here through a sink and
// are handed to the span processor as OpenTelemetry spans.
import { createRequire } from 'node:module';
import { SpanKind, type Attributes, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { Telemetry } from './tracing.js';
import type { BatonTracingSinks, WorkflowSpanData } from './workflow-interceptors.js';

const require = createRequire(import.meta.url);

/** The workflow interceptor module the orchestrator (and the replay suite) bundles: its source,
 *  also when this module runs built from dist/ (workflow bundles are built from sources). */
export const WORKFLOW_TRACING_MODULE = require.resolve('../src/workflow-interceptors.ts');

/** Interceptors for a Temporal Client: starting a workflow carries the active trace context. */
export function temporalClientInterceptors() {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}

/** Interceptors and sinks for a Temporal Worker. */
export function temporalWorkerTracing(telemetry: Telemetry) {
  return {
    interceptors: {
      workflowModules: [WORKFLOW_TRACING_MODULE],
      activity: [
        (ctx: ConstructorParameters<typeof OpenTelemetryActivityInboundInterceptor>[0]) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: workflowSpanSinks(telemetry),
  };
}

const hrTime = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

/** A workflow span as OpenTelemetry's exporters read it. */
export function toReadableSpan(span: WorkflowSpanData, telemetry: Pick<Telemetry, 'resource'>): ReadableSpan {
  const own = { traceId: span.traceId, spanId: span.spanId, traceFlags: span.traceFlags };
  const durationMs = Math.max(0, span.endMs - span.startMs);
  return {
    name: span.name,
    kind: SpanKind.INTERNAL,
    spanContext: () => own,
    parentSpanContext: span.parentSpanId
      ? { traceId: span.traceId, spanId: span.parentSpanId, traceFlags: span.traceFlags, isRemote: span.parentIsRemote }
      : undefined,
    startTime: hrTime(span.startMs),
    endTime: hrTime(span.endMs),
    duration: hrTime(durationMs),
    status: { code: span.statusCode, ...(span.statusMessage !== undefined ? { message: span.statusMessage } : {}) },
    attributes: span.attributes as Attributes,
    links: [],
    events: span.exception
      ? [
          {
            name: 'exception',
            time: hrTime(span.endMs),
            attributes: { 'exception.type': span.exception.type, 'exception.message': span.exception.message },
          },
        ]
      : [],
    ended: true,
    resource: telemetry.resource,
    instrumentationScope: { name: '@baton/telemetry/workflow' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

/** The worker's side of the `batonTracing` sink (InjectedSinks<BatonTracingSinks> of @temporalio/worker). */
function workflowSpanSinks(telemetry: Telemetry): {
  [K in keyof BatonTracingSinks]: { spanEnded: { fn: (info: unknown, span: WorkflowSpanData) => void } };
} {
  // Not called during replay (the SDK's default for sinks): each span is sent once.
  return {
    batonTracing: {
      spanEnded: { fn: (_info, span) => telemetry.spanProcessor.onEnd(toReadableSpan(span, telemetry)) },
    },
  };
}
