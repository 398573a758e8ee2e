// Telemetry for services hosted several to a process (packages/contracts hosting.ts: local
// development only). Each hosted service gets a tracer provider and a meter provider of its own,
// with its own service name and its own Prometheus endpoint, exactly as if it ran alone. What
// OpenTelemetry keeps per process (the global tracer and meter providers, the context manager,
// the HTTP and pino instrumentations) is set up once, by the first hosted service, and routes by
// the hosted service whose code is running: a span started inside an agent's NATS handler or a
// simulator's HTTP request belongs to that service's provider.
//
// Hand-written because OpenTelemetry has no notion of several services in one process. The
// routing is the smallest that works: a tracer looks its service up when a span starts (so the
// instrumentations, which keep the tracer they got at registration, still route per span); a meter
// is the service's own, looked up when asked for (instruments made per service: metrics.ts). What
// runs outside every service (the host's own code) goes to providers that record nothing.
import {
  context,
  metrics,
  propagation,
  trace,
  type Meter,
  type MeterOptions,
  type MeterProvider as ApiMeterProvider,
  type Tracer,
  type TracerOptions,
  type TracerProvider as ApiTracerProvider,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { hostedService, type HostedService } from '@baton/contracts';
import type { Telemetry, TelemetryOptions } from './tracing.js';

interface Providers {
  tracerProvider: TracerProvider;
  meterProvider: MeterProvider;
}

const byService = new WeakMap<HostedService, Providers>();
const idle: Providers = { tracerProvider: new TracerProvider(), meterProvider: new MeterProvider() };

function current(): Providers {
  const service = hostedService();
  return (service && byService.get(service)) ?? idle;
}

class RoutingTracer implements Tracer {
  constructor(
    private readonly name: string,
    private readonly version?: string,
    private readonly options?: TracerOptions,
  ) {}

  private target(): Tracer {
    return current().tracerProvider.getTracer(this.name, this.version, this.options);
  }

  startSpan(...args: Parameters<Tracer['startSpan']>) {
    return this.target().startSpan(...args);
  }

  startActiveSpan<F extends (...args: never[]) => unknown>(...args: unknown[]): ReturnType<F> {
    const tracer = this.target();
    return (tracer.startActiveSpan as (...a: unknown[]) => ReturnType<F>).apply(tracer, args);
  }
}

const routingTracerProvider: ApiTracerProvider = {
  getTracer: (name: string, version?: string, options?: TracerOptions) => new RoutingTracer(name, version, options),
};

const routingMeterProvider: ApiMeterProvider = {
  getMeter: (name: string, version?: string, options?: MeterOptions): Meter =>
    current().meterProvider.getMeter(name, version, options),
};

let installed = false;

/** The process-wide part, once: context, propagation, routing providers, instrumentations. */
function installOnce(instrumentations: () => Instrumentation[]): void {
  if (installed) return;
  installed = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(routingTracerProvider);
  metrics.setGlobalMeterProvider(routingMeterProvider);
  registerInstrumentations({
    instrumentations: instrumentations(),
    tracerProvider: routingTracerProvider,
    meterProvider: routingMeterProvider,
  });
}

/** startTelemetry for a hosted service: its own providers, the process-wide part set up once. */
export function startHostedTelemetry(
  options: TelemetryOptions,
  service: HostedService,
  spanProcessor: SpanProcessor,
  instrumentations: () => Instrumentation[],
): Telemetry {
  // Made only here: an instrumentation enables itself (patches its module) when constructed.
  installOnce(instrumentations);
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName });
  const tracerProvider = new TracerProvider({ resource, spanProcessors: [spanProcessor] });
  const readers = options.metricsPort
    ? [new PrometheusExporter({ port: options.metricsPort, host: options.metricsHost ?? '127.0.0.1' })]
    : [];
  const meterProvider = new MeterProvider({ resource, readers });
  byService.set(service, { tracerProvider, meterProvider });
  return {
    tracer: tracerProvider.getTracer(options.serviceName),
    meter: meterProvider.getMeter('baton'),
    resource,
    spanProcessor,
    shutdown: async () => {
      await Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}
