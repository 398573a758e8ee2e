// Tracing for workflow code, inside Temporal's workflow sandbox: Baton's own interceptors in place
// of @temporalio/interceptors-opentelemetry's workflow interceptors. Hand-written on purpose:
//
// The SDK gives every workflow a fresh module cache, so whatever the sandbox imports is evaluated
// again for each workflow started or replayed. The SDK's interceptors bring an OpenTelemetry 1.x
// SDK into the sandbox (tracer provider, semantic-convention tables, environment parsing): 15-17 ms
// of CPU per replayed one-handoff workflow against 8-9.5 ms with these interceptors and 8-9.5 ms
// with none, on the bench machine (`bench/src/replay-cost.ts`, one run of two rounds). These interceptors create the
// same spans with plain objects and hand each finished span to the worker through a sink; the worker turns it into an
// OpenTelemetry span there (packages/telemetry temporal.ts). Nothing else changes on the wire: the trace context
// travels in the same `_tracer-data` header, so the client's start span and the activity spans of
// the SDK's (worker-side) activity interceptor join the same trace.
//
// Replay safety: the span ids come from the sandbox's seeded Math.random with exactly the calls
// the SDK's interceptors made (OpenTelemetry's browser id generator: one call per hex digit; a new
// trace id before the span id when there is no parent), at the same points, and the same SDK flags
// are consulted at the same points (with the same extra yields for histories that predate them).
// A workflow that draws its own random numbers (uuid4) therefore draws the same ones as before the
// switch, and histories recorded under the SDK's interceptors replay (the replay suite checks it).
// Spans go out through a sink, which the SDK does not call during replay: each span is sent once.
import {
  AsyncLocalStorage,
  ContinueAsNew,
  defaultPayloadConverter,
  proxySinks,
  workflowInfo,
  type ActivityInput,
  type ContinueAsNewInput,
  type GetLogAttributesInput,
  type LocalActivityInput,
  type Next,
  type Payload,
  type QueryInput,
  type SignalInput,
  type SignalWorkflowInput,
  type Sinks,
  type StartChildWorkflowExecutionInput,
  type UpdateInput,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { SdkFlags } from '@temporalio/workflow/lib/flags.js';
import { getActivator } from '@temporalio/workflow/lib/global-attributes.js';

/** The header the SDK's tracing interceptors read and write (a JSON text map: traceparent, tracestate). */
export const TRACE_HEADER = '_tracer-data';

/** A finished workflow span, as plain data: what crosses the sandbox boundary. */
export interface WorkflowSpanData {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  /** The parent's span context came from another process (a header), not from this workflow. */
  parentIsRemote: boolean;
  traceFlags: number;
  traceState?: string;
  /** Workflow time (ms since the epoch): deterministic, the time of the workflow task. */
  startMs: number;
  endMs: number;
  /** 0 unset, 1 ok, 2 error (OpenTelemetry's SpanStatusCode). */
  statusCode: 0 | 1 | 2;
  statusMessage?: string;
  attributes: Record<string, string>;
  exception?: { type: string; message: string };
}

export interface BatonTracingSinks extends Sinks {
  batonTracing: { spanEnded(span: WorkflowSpanData): void };
}

interface SpanContext {
  traceId: string;
  spanId: string;
  traceFlags: number;
  traceState?: string;
  isRemote: boolean;
}

const sinks = proxySinks<BatonTracingSinks>();
// Created at first use: outside a workflow (a unit test reading headers) there is none to make.
let storage: InstanceType<typeof AsyncLocalStorage<SpanContext>> | undefined;
const activeStorage = () => (storage ??= new AsyncLocalStorage<SpanContext>());

/** OpenTelemetry's browser id generator, call for call: one Math.random per hex digit. */
function randomHex(digits: number): string {
  let out = '';
  for (let i = 0; i < digits; i++) out += Math.floor(Math.random() * 16).toString(16);
  return out;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The remote parent a header carries (W3C trace context), if it is a valid one. */
export function contextFromHeaders(headers: Record<string, Payload>): SpanContext | undefined {
  const payload = headers[TRACE_HEADER];
  if (!payload) return undefined;
  const carrier = defaultPayloadConverter.fromPayload<Record<string, string>>(payload);
  const match = TRACEPARENT.exec((carrier?.traceparent ?? '').trim());
  if (!match || /^0+$/.test(match[1]!) || /^0+$/.test(match[2]!)) return undefined;
  return {
    traceId: match[1]!,
    spanId: match[2]!,
    traceFlags: parseInt(match[3]!, 16) & 1,
    ...(carrier.tracestate ? { traceState: carrier.tracestate } : {}),
    isRemote: true,
  };
}

function headersWith(headers: Record<string, Payload>, span: SpanContext): Record<string, Payload> {
  const carrier: Record<string, string> = {
    traceparent: `00-${span.traceId}-${span.spanId}-0${span.traceFlags.toString(16)}`,
  };
  if (span.traceState) carrier.tracestate = span.traceState;
  return { ...headers, [TRACE_HEADER]: defaultPayloadConverter.toPayload(carrier) };
}

function startSpan(parent: SpanContext | undefined): SpanContext {
  // As OpenTelemetry's tracer: a new trace id first when there is no parent, then the span id.
  const traceId = parent ? parent.traceId : randomHex(32);
  const spanId = randomHex(16);
  return {
    traceId,
    spanId,
    traceFlags: parent ? parent.traceFlags : 1,
    ...(parent?.traceState ? { traceState: parent.traceState } : {}),
    isRemote: false,
  };
}

/** A span being recorded: ended once, then sent to the worker through the sink. */
class OpenSpan {
  readonly context: SpanContext;
  private readonly startMs = Date.now();
  private readonly attributes: Record<string, string> = {};
  private status: { code: 0 | 1 | 2; message?: string } = { code: 0 };
  private exception: { type: string; message: string } | undefined;

  constructor(
    private readonly name: string,
    private readonly parent: SpanContext | undefined,
  ) {
    this.context = startSpan(parent);
  }

  setAttribute(key: string, value: string): void {
    this.attributes[key] = value;
  }

  ok(): void {
    this.status = { code: 1 };
  }

  failed(err: unknown, acceptable: ((err: unknown) => boolean) | undefined): void {
    if (acceptable?.(err)) return this.ok();
    const message = err != null && typeof (err as Error).message === 'string' ? (err as Error).message : String(err);
    // A benign application failure leaves the status unset, as the SDK's interceptors do.
    this.status = { code: (err as { category?: string } | null)?.category === 'BENIGN' ? 0 : 2, message };
    this.exception = { type: (err as Error | null)?.name ?? 'Error', message };
  }

  end(): void {
    const { context, parent } = this;
    if (!(context.traceFlags & 1)) return; // not sampled upstream: ids drawn, nothing recorded
    sinks.batonTracing.spanEnded({
      name: this.name,
      traceId: context.traceId,
      spanId: context.spanId,
      ...(parent ? { parentSpanId: parent.spanId } : {}),
      parentIsRemote: parent?.isRemote ?? false,
      traceFlags: context.traceFlags,
      ...(context.traceState ? { traceState: context.traceState } : {}),
      startMs: this.startMs,
      endMs: Date.now(),
      statusCode: this.status.code,
      ...(this.status.message !== undefined ? { statusMessage: this.status.message } : {}),
      attributes: this.attributes,
      ...(this.exception ? { exception: this.exception } : {}),
    });
  }
}

// The functions below keep the SDK interceptors' shape on purpose, async function for async
// function and await for await: the number of microtask turns between a command and the code
// that continues after it decides the order of commands issued by concurrent coroutines in one
// activation, so a different depth would not replay histories recorded under those interceptors.

/** What a header carried: nothing (no header), or a header with a valid remote parent or none. */
type HeaderContext = { parent: SpanContext | undefined } | undefined;

function headerContext(headers: Record<string, Payload>): HeaderContext {
  return headers[TRACE_HEADER] === undefined ? undefined : { parent: contextFromHeaders(headers) };
}

/** Runs fn in a new span that is the active one meanwhile (OpenTelemetry's startActiveSpan). */
function startActiveSpan<T>(name: string, fn: (span: OpenSpan) => T): T {
  const span = new OpenSpan(name, activeStorage().getStore());
  return activeStorage().run(span.context, fn, span);
}

async function wrapWithSpan<T>(
  span: OpenSpan,
  fn: (span: OpenSpan) => Promise<T> | T,
  acceptable?: (err: unknown) => boolean,
): Promise<T> {
  try {
    const ret = await fn(span);
    span.ok();
    return ret;
  } catch (err) {
    span.failed(err, acceptable);
    throw err;
  } finally {
    span.end();
  }
}

function wrapWithSpanSync<T>(span: OpenSpan, fn: (span: OpenSpan) => T): T {
  try {
    const ret = fn(span);
    span.ok();
    return ret;
  } catch (err) {
    span.failed(err, undefined);
    throw err;
  } finally {
    span.end();
  }
}

interface Instrument<T> {
  spanName: string;
  fn: (span: OpenSpan) => Promise<T> | T;
  context?: HeaderContext;
  acceptableErrors?: (err: unknown) => boolean;
}

async function instrument<T>({ spanName, fn, context, acceptableErrors }: Instrument<T>): Promise<T> {
  if (context) {
    return await activeStorage().run(context.parent ?? activeStorage().getStore()!, async () => {
      return await startActiveSpan(spanName, async (span) => await wrapWithSpan(span, fn, acceptableErrors));
    });
  }
  return await startActiveSpan(spanName, async (span) => await wrapWithSpan(span, fn, acceptableErrors));
}

function instrumentSync<T>({
  spanName,
  fn,
  context,
}: {
  spanName: string;
  fn: (span: OpenSpan) => T;
  context?: HeaderContext;
}): T {
  if (context)
    return activeStorage().run(context.parent ?? activeStorage().getStore()!, () =>
      startActiveSpan(spanName, (span) => wrapWithSpanSync(span, fn)),
    );
  return startActiveSpan(spanName, (span) => wrapWithSpanSync(span, fn));
}

const has = (flag: keyof typeof SdkFlags) => getActivator().hasFlag(SdkFlags[flag]);
class TracingInbound implements WorkflowInboundCallsInterceptor {
  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const context = headerContext(input.headers);
    if (!has('OpenTelemetryInterceporsAvoidsExtraYields')) await Promise.resolve(); // the SDK interceptors' yield, for old histories
    return await instrument({
      spanName: `RunWorkflow:${workflowInfo().workflowType}`,
      fn: () => next(input),
      context,
      acceptableErrors: (err) => err instanceof ContinueAsNew,
    });
  }

  async handleSignal(input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>): Promise<void> {
    if (!has('OpenTelemetryInterceptorsTracesInboundSignals')) return next(input);
    const context = headerContext(input.headers);
    if (!has('OpenTelemetryInterceporsAvoidsExtraYields')) await Promise.resolve(); // the SDK interceptors' yield, for old histories
    return await instrument({ spanName: `HandleSignal:${input.signalName}`, fn: () => next(input), context });
  }

  async handleUpdate(
    input: UpdateInput,
    next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>,
  ): Promise<unknown> {
    if (!has('OpenTelemetryInterceptorsInstrumentsAllMethods')) return next(input);
    const context = headerContext(input.headers);
    return await instrument({
      spanName: `HandleUpdate:${input.name}`,
      fn: (span) => {
        span.setAttribute('temporalUpdateId', input.updateId);
        return next(input);
      },
      context,
    });
  }

  validateUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>): void {
    if (!has('OpenTelemetryInterceptorsInstrumentsAllMethods')) return next(input);
    const context = headerContext(input.headers);
    instrumentSync({
      spanName: `ValidateUpdate:${input.name}`,
      fn: (span) => {
        span.setAttribute('temporalUpdateId', input.updateId);
        return next(input);
      },
      context,
    });
  }

  async handleQuery(input: QueryInput, next: Next<WorkflowInboundCallsInterceptor, 'handleQuery'>): Promise<unknown> {
    if (!has('OpenTelemetryInterceptorsInstrumentsAllMethods')) return next(input);
    const context = headerContext(input.headers);
    return await instrument({ spanName: `HandleQuery:${input.queryName}`, fn: () => next(input), context });
  }
}

/**
 * An outbound call in its own span, the span's context in the call's trace header. Not async
 * itself: it returns instrument()'s promise, so the call keeps the SDK interceptors' depth.
 */
function withTraceHeader<I extends { headers: Record<string, Payload> }, R>(
  spanName: string,
  input: I,
  next: (input: I) => Promise<R>,
  acceptableErrors?: (err: unknown) => boolean,
): Promise<R> {
  return instrument({
    spanName,
    fn: async (span) => {
      const headers = headersWith(input.headers, span.context);
      if (!has('OpenTelemetryInterceporsAvoidsExtraYields')) await Promise.resolve(); // the SDK interceptors' yield, for old histories
      return next({ ...input, headers });
    },
    ...(acceptableErrors ? { acceptableErrors } : {}),
  });
}

class TracingOutbound implements WorkflowOutboundCallsInterceptor {
  async scheduleActivity(
    input: ActivityInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>,
  ): Promise<unknown> {
    return await withTraceHeader(`StartActivity:${input.activityType}`, input, next);
  }

  async scheduleLocalActivity(
    input: LocalActivityInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>,
  ): Promise<unknown> {
    if (!has('OpenTelemetryInterceptorsTracesLocalActivities')) return next(input);
    return await withTraceHeader(`StartActivity:${input.activityType}`, input, next);
  }

  async startChildWorkflowExecution(
    input: StartChildWorkflowExecutionInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'startChildWorkflowExecution'>,
  ): Promise<[Promise<string>, Promise<unknown>]> {
    return await withTraceHeader(`StartChildWorkflow:${input.workflowType}`, input, next);
  }

  async continueAsNew(
    input: ContinueAsNewInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'continueAsNew'>,
  ): Promise<never> {
    return await withTraceHeader(
      `ContinueAsNew:${input.options.workflowType}`,
      input,
      next,
      (err) => err instanceof ContinueAsNew,
    );
  }

  async signalWorkflow(
    input: SignalWorkflowInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'signalWorkflow'>,
  ): Promise<void> {
    return await withTraceHeader(`SignalWorkflow:${input.signalName}`, input, next);
  }

  getLogAttributes(
    input: GetLogAttributesInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'getLogAttributes'>,
  ): Record<string, unknown> {
    const span = activeStorage().getStore();
    return span
      ? next({
          trace_id: span.traceId,
          span_id: span.spanId,
          trace_flags: `0${span.traceFlags.toString(16)}`,
          ...input,
        })
      : next(input);
  }
}

/** The orchestrator bundles this module as a workflow interceptor module. */
export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [new TracingInbound()],
  outbound: [new TracingOutbound()],
});
