// OpenTelemetry bootstrap for one Baton process, from the SDK's parts (a tracer provider, a meter
// provider, the async-hooks context manager, the instrumentations): traces with W3C propagation,
// metrics on a Prometheus scrape endpoint, the standard
// instrumentations for what every service does over HTTP (incoming requests through fastify and
// node:http, outgoing ones through fetch/undici and node:http), trace ids in every pino log
// line, and a flush on shutdown. Services call this first in main.ts, before creating any client.
//
// Several services hosted in one process (local development: @baton/contracts hosting.ts) each get
// providers of their own, with their own service name; hosted.ts routes between them.
//
// One trace backend per process, so every span is exported exactly once:
// - BATON_OTLP_ENDPOINT set (a collector, or any OTLP receiver): spans go there over OTLP/HTTP,
//   and only there;
// - otherwise BATON_ZIPKIN_URL set: spans go to that Zipkin server. This is the local stack's
//   default (infra/env.sh sets the Zipkin address and leaves the OTLP endpoint unset): the trace
//   UI and the test kit's trace reader both read that one Zipkin;
// - neither: no export.
//
// Personal data: request and response bodies and headers are never recorded (the instrumentations
// record neither by default), and query strings are replaced by "[redacted]" on every HTTP span,
// because lookups put references and customer ids there. The NATS spans are Baton's own
// (packages/bus, packages/agent): no instrumentation covers NATS.
//
// Not the all-in-one NodeSDK: it imports every OTLP exporter (gRPC, HTTP and protobuf, for traces,
// metrics and logs), the logs SDK and the file-configuration reader whatever is configured; a
// service's start spent 0.2 s of CPU on that import alone, and a test run starts services hundreds
// of times. The parts below are what the NodeSDK would have assembled for this configuration.
import { createRequire } from 'node:module';
import {
  context,
  metrics,
  propagation,
  trace,
  type Meter,
  type Span,
  type Tracer,
  SpanStatusCode,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, NoopSpanProcessor, TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { hostedService } from '@baton/contracts';
import { startHostedTelemetry } from './hosted.js';

export interface TelemetryOptions {
  serviceName: string;
  /** OTLP/HTTP base address of a collector, e.g. http://collector:4318; when set, the only export. */
  otlpEndpoint: string | undefined;
  /** A Zipkin server (the local stack's one trace backend), e.g. http://127.0.0.1:8352; used when
   *  otlpEndpoint is unset. */
  zipkinUrl?: string | undefined;
  /** Bound on each export request, so a dead trace backend never stalls a service. */
  exportTimeoutMs?: number;
  /** Port of the Prometheus scrape endpoint (GET /metrics); 0 turns it off. */
  metricsPort?: number;
  metricsHost?: string;
}

export interface Telemetry {
  tracer: Tracer;
  meter: Meter;
  resource: Resource;
  /** Every exporting processor at once; the Temporal workflow span sink feeds it too. */
  spanProcessor: SpanProcessor;
  shutdown(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** Paths no span is worth: health probes and the Prometheus scrape. */
const UNTRACED_PATHS = new Set(['/health', '/healthz', '/metrics']);

function withoutQuery(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : `${url.slice(0, q)}?[redacted]`;
}

function redactQuery(span: Span, url: string | undefined): void {
  if (!url?.includes('?')) return;
  span.setAttribute('url.query', '[redacted]');
  if (/^[a-z]+:\/\//i.test(url)) span.setAttribute('url.full', withoutQuery(url));
}

function instrumentations(zipkinUrl: string | undefined) {
  const zipkin = zipkinUrl ? new URL(zipkinUrl) : undefined;
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0] ?? ''),
      // The Zipkin exporter posts over node:http: a span for each export would be exported again.
      ignoreOutgoingRequestHook: (req) =>
        zipkin !== undefined && String(req.port ?? '') === zipkin.port && (req.path ?? '').startsWith('/api/v2/spans'),
      requestHook: (span, req) => {
        if ('url' in req && typeof req.url === 'string')
          redactQuery(span, req.url); // incoming
        else if ('path' in req && typeof req.path === 'string') redactQuery(span, req.path); // outgoing
      },
    }),
    new UndiciInstrumentation({
      requestHook: (span, request) => redactQuery(span, `${request.origin}${request.path}`),
    }),
    new FastifyOtelInstrumentation({
      registerOnInitialization: true,
      ignorePaths: (route: { url: string }) => UNTRACED_PATHS.has(route.url),
    }),
    // Adds trace_id, span_id and trace_flags to every log line written inside a span; log
    // records stay on stdout (no OTLP log export).
    new PinoInstrumentation({
      disableLogSending: true,
      logKeys: { traceId: 'traceId', spanId: 'spanId', traceFlags: 'traceFlags' },
    }),
  ];
}

export function startTelemetry(options: TelemetryOptions): Telemetry {
  const hosted = hostedService();
  if (hosted) {
    const telemetry = startHostedTelemetry(options, hosted, traceExportProcessor(options), () =>
      instrumentations(options.otlpEndpoint ? undefined : options.zipkinUrl),
    );
    require('node:http');
    require('node:https');
    return telemetry;
  }
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName });
  const spanProcessor = traceExportProcessor(options);
  const metricReaders = options.metricsPort
    ? [new PrometheusExporter({ port: options.metricsPort, host: options.metricsHost ?? '127.0.0.1' })]
    : [];
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const tracerProvider = new TracerProvider({ resource, spanProcessors: [spanProcessor] });
  trace.setGlobalTracerProvider(tracerProvider);
  const meterProvider = new MeterProvider({ resource, readers: metricReaders });
  metrics.setGlobalMeterProvider(meterProvider);
  // Logs stay pino's: no OTLP log pipeline.
  const disableInstrumentations = registerInstrumentations({
    instrumentations: instrumentations(options.otlpEndpoint ? undefined : options.zipkinUrl),
    tracerProvider,
    meterProvider,
  });
  // The instrumentations patch a module when it is next required. node:http was loaded (by
  // fastify, the Prometheus exporter) before this ran: require it now so servers made from here
  // on are traced.
  require('node:http');
  require('node:https');
  const shutdown = async () => {
    await Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
    disableInstrumentations();
    contextManager.disable();
  };
  return {
    tracer: trace.getTracer(options.serviceName),
    meter: metrics.getMeter('baton'),
    resource,
    spanProcessor,
    shutdown,
  };
}

/** The one exporting processor the rule in this file's header picks (a no-op when there is no
 *  backend); the SDK and the Temporal workflow span sink share it. */
export function traceExportProcessor(
  options: Pick<TelemetryOptions, 'serviceName' | 'otlpEndpoint' | 'zipkinUrl' | 'exportTimeoutMs'>,
): SpanProcessor {
  const timeoutMillis = options.exportTimeoutMs ?? 5_000;
  if (options.otlpEndpoint) {
    const exporter = new OTLPTraceExporter({
      url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces`,
      timeoutMillis,
    });
    return new BatchSpanProcessor({ exporter, scheduledDelayMillis: 500 });
  }
  if (options.zipkinUrl) {
    const exporter = new ZipkinExporter({
      url: `${options.zipkinUrl.replace(/\/$/, '')}/api/v2/spans`,
      serviceName: options.serviceName,
    });
    return new BatchSpanProcessor({ exporter, scheduledDelayMillis: 500 });
  }
  return new NoopSpanProcessor();
}

/** Runs fn inside a span; records an exception and error status if it throws. */
export async function inSpan<T>(
  tracer: Tracer,
  name: string,
  options: Parameters<Tracer['startActiveSpan']>[1],
  fn: (span: Span) => Promise<T>,
  parent = context.active(),
): Promise<T> {
  return tracer.startActiveSpan(name, options, parent, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** The active trace id, or undefined outside a span. */
export function currentTraceId(): string | undefined {
  const id = trace.getActiveSpan()?.spanContext().traceId;
  return id && id !== '00000000000000000000000000000000' ? id : undefined;
}

/** Serialises the active context as W3C headers (traceparent, tracestate). */
export function injectTraceHeaders(ctx = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

/** Builds a context from W3C headers (any object with get(name)). */
export function extractTraceContext(get: (name: string) => string | undefined) {
  return propagation.extract(
    context.active(),
    {},
    {
      keys: () => ['traceparent', 'tracestate'],
      get: (_carrier, key) => get(key),
    },
  );
}

/** The OpenTelemetry messaging attributes of one NATS publish (`send`) or consumption (`process`),
 *  named as the semantic conventions name them; Baton's own attributes go beside them. */
export function messagingAttributes(
  operation: 'send' | 'process',
  subject: string,
  messageId?: string,
): Record<string, string> {
  return {
    'messaging.system': 'nats',
    'messaging.operation.type': operation,
    ...(operation === 'send' ? { 'messaging.operation.name': 'publish' } : {}),
    'messaging.destination.name': subject,
    ...(messageId !== undefined ? { 'messaging.message.id': messageId } : {}),
  };
}
