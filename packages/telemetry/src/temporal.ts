// Temporal's OpenTelemetry interceptors, wired to Baton's tracer, so workflow and activity spans
// join the trace that started at the gateway.
//
// @temporalio/interceptors-opentelemetry 1.24 records workflow spans inside the sandbox with its
// own OpenTelemetry SDK 1.x and hands them to the worker through a sink in the 1.x shape
// (parentSpanId, instrumentationLibrary). Baton's SDK is 3.x, whose exporters read
// parentSpanContext and instrumentationScope: workflowSpanSink translates each span on the way
// in. Drop it when the interceptors move to SDK 2.x or later.
import { createRequire } from 'node:module';
import type { HrTime, SpanContext } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import type { Telemetry } from './tracing.js';

const require = createRequire(import.meta.url);

/** Interceptors for a Temporal Client: starting a workflow carries the active trace context. */
export function temporalClientInterceptors() {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}

/** Interceptors and sinks for a Temporal Worker. */
export function temporalWorkerTracing(telemetry: Telemetry) {
  return {
    interceptors: {
      workflowModules: [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')],
      activity: [
        (ctx: ConstructorParameters<typeof OpenTelemetryActivityInboundInterceptor>[0]) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: { exporter: workflowSpanSink(telemetry) },
  };
}

/** A workflow span as the 1.x sink delivers it (the fields that differ from 3.x's ReadableSpan). */
type LegacySpan = Omit<ReadableSpan, 'parentSpanContext' | 'instrumentationScope'> & {
  parentSpanId?: string;
  instrumentationLibrary?: ReadableSpan['instrumentationScope'];
  instrumentationScope?: ReadableSpan['instrumentationScope'];
  startTime: HrTime;
};

function toCurrentSpan(span: LegacySpan): ReadableSpan {
  const { parentSpanId, instrumentationLibrary, instrumentationScope, ...rest } = span;
  const own: SpanContext = span.spanContext();
  return {
    ...rest,
    spanContext: () => own,
    parentSpanContext: parentSpanId ? { traceId: own.traceId, spanId: parentSpanId, traceFlags: own.traceFlags, isRemote: false } : undefined,
    instrumentationScope: instrumentationScope ?? instrumentationLibrary ?? { name: '@temporalio/interceptors-opentelemetry' },
  };
}

function workflowSpanSink(telemetry: Telemetry) {
  // The sink's exporter form: it calls export() with the spans of each workflow activation.
  const exporter = {
    export(spans: LegacySpan[], done: (result: { code: number }) => void) {
      for (const span of spans) telemetry.spanProcessor.onEnd(toCurrentSpan(span));
      done({ code: 0 });
    },
    shutdown: () => Promise.resolve(),
  };
  // Typed against the interceptors' own 1.x SDK types, which Baton does not depend on.
  return makeWorkflowExporter(exporter as unknown as Parameters<typeof makeWorkflowExporter>[0], telemetry.resource as unknown as Parameters<typeof makeWorkflowExporter>[1]);
}
