// OpenTelemetry bootstrap for one Baton process: traces over OTLP/HTTP with W3C propagation,
// metrics on a Prometheus scrape endpoint, and a flush on shutdown. Services call this first in
// main.ts, before creating any client.
import { context, metrics, propagation, trace, type Meter, type Span, type Tracer, SpanStatusCode } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface TelemetryOptions {
  serviceName: string;
  /** OTLP/HTTP base address, e.g. http://127.0.0.1:4328; undefined disables export. */
  otlpEndpoint: string | undefined;
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
  /** The processor the Temporal workflow span sink also feeds. */
  spanProcessor: SpanProcessor;
  shutdown(): Promise<void>;
}

export function startTelemetry(options: TelemetryOptions): Telemetry {
  const resource = new Resource({ [ATTR_SERVICE_NAME]: options.serviceName });
  const exporter = new OTLPTraceExporter({
    url: options.otlpEndpoint ? `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces` : 'http://127.0.0.1:1/v1/traces',
    timeoutMillis: options.exportTimeoutMs ?? 5_000,
  });
  const spanProcessor = options.otlpEndpoint
    ? new BatchSpanProcessor(exporter, { scheduledDelayMillis: 500 })
    : new NoopSpanProcessor();
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  const readers = options.metricsPort ? [new PrometheusExporter({ port: options.metricsPort, host: options.metricsHost ?? '127.0.0.1' })] : [];
  const meterProvider = new MeterProvider({ resource, readers });
  metrics.setGlobalMeterProvider(meterProvider);
  return {
    tracer: trace.getTracer(options.serviceName),
    meter: metrics.getMeter('baton'),
    resource,
    spanProcessor,
    shutdown: async () => {
      await Promise.allSettled([provider.shutdown(), meterProvider.shutdown()]);
    },
  };
}

class NoopSpanProcessor implements SpanProcessor {
  onStart(): void {}
  onEnd(): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
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
  return propagation.extract(context.active(), {}, {
    keys: () => ['traceparent', 'tracestate'],
    get: (_carrier, key) => get(key),
  });
}

/** The OpenTelemetry messaging attributes of one NATS publish (`send`) or consumption (`process`),
 *  named as the semantic conventions name them; Baton's own attributes go beside them. */
export function messagingAttributes(operation: 'send' | 'process', subject: string, messageId?: string): Record<string, string> {
  return {
    'messaging.system': 'nats',
    'messaging.operation.type': operation,
    ...(operation === 'send' ? { 'messaging.operation.name': 'publish' } : {}),
    'messaging.destination.name': subject,
    ...(messageId !== undefined ? { 'messaging.message.id': messageId } : {}),
  };
}
