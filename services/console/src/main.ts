// The console service: the operations views (and, later, the approval inbox).
import { Client, Connection } from '@temporalio/client';
import { z } from 'zod';
import { BaseServiceConfig, TemporalClientConfig, configFields, loadConfigOrExit } from '@baton/contracts';
import { connectBus, ensureTopology } from '@baton/bus';
import { createLogger, onShutdown, startTelemetry } from '@baton/telemetry';
import { createConsoleServer } from './web/server.js';

const config = loadConfigOrExit(
  'console',
  BaseServiceConfig.merge(TemporalClientConfig).extend({
    BATON_HOST: z.string().default('127.0.0.1'),
    BATON_CONSOLE_PORT: configFields.port.default(8344),
    BATON_TEMPORAL_UI_URL: z.url().default('http://127.0.0.1:8333'),
    /** Trace dashboard (Jaeger UI) base address, for links. */
    BATON_TRACE_UI_URL: z.url().default('http://127.0.0.1:16696'),
    /** service=url pairs, comma separated: the Prometheus endpoints the views read. */
    BATON_METRICS_TARGETS: z
      .string()
      .default('')
      .transform((s, ctx) => {
        const targets: Record<string, string> = {};
        for (const pair of s.split(',').map((p) => p.trim()).filter(Boolean)) {
          const [name, url] = pair.split('=');
          if (!name || !url || !URL.canParse(url)) {
            ctx.addIssue({ code: 'custom', message: `"${pair}" is not service=url` });
            return z.NEVER;
          }
          targets[name] = url;
        }
        return targets;
      }),
  }),
);
const telemetry = startTelemetry({ serviceName: 'console', otlpEndpoint: config.BATON_OTLP_ENDPOINT, metricsPort: config.BATON_METRICS_PORT, metricsHost: config.BATON_METRICS_HOST });
const logger = createLogger('console', config.BATON_LOG_LEVEL);
const bus = await connectBus({ servers: config.BATON_NATS_URL, name: 'console' });
await ensureTopology(bus);
const connection = await Connection.connect({ address: config.BATON_TEMPORAL_ADDRESS });
const temporal = new Client({ connection, namespace: config.BATON_TEMPORAL_NAMESPACE });

const app = await createConsoleServer({
  temporal,
  bus,
  logger,
  metricsTargets: config.BATON_METRICS_TARGETS,
  links: { temporalUi: config.BATON_TEMPORAL_UI_URL, namespace: config.BATON_TEMPORAL_NAMESPACE, traceUi: config.BATON_TRACE_UI_URL },
});
await app.listen({ host: config.BATON_HOST, port: config.BATON_CONSOLE_PORT });
onShutdown(logger, [() => app.close(), () => connection.close(), () => bus.close(), () => telemetry.shutdown()]);
logger.info({ port: config.BATON_CONSOLE_PORT }, 'ready');
