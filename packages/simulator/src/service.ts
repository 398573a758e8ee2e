// serveSimulator: config, tracing, NATS (for the record store), HTTP listen, graceful shutdown.
import { z } from 'zod';
import { BaseServiceConfig, configFields, loadConfigOrExit } from '@baton/contracts';
import { connectBus } from '@baton/bus';
import { createLogger, onShutdown, startTelemetry } from '@baton/telemetry';
import { createSimulator, type SimulatorContext } from './server.js';

export async function serveSimulator(name: string, portVariable: string, defaultPort: number, register: (sim: SimulatorContext) => void): Promise<void> {
  const service = `${name}-sim`;
  const config = loadConfigOrExit(service, BaseServiceConfig.extend({ BATON_HOST: z.string().default('127.0.0.1') }));
  const port = loadConfigOrExit(service, z.object({ [portVariable]: configFields.port.default(defaultPort) }).transform((c) => c[portVariable] as number));
  const telemetry = startTelemetry({ serviceName: service, otlpEndpoint: config.BATON_OTLP_ENDPOINT, metricsPort: config.BATON_METRICS_PORT, metricsHost: config.BATON_METRICS_HOST });
  const logger = createLogger(service, config.BATON_LOG_LEVEL);
  const bus = await connectBus({ servers: config.BATON_NATS_URL, name: service });
  const sim = await createSimulator({ name, bus, logger });
  register(sim);
  await sim.app.listen({ host: config.BATON_HOST, port });
  onShutdown(logger, [() => sim.app.close(), () => bus.close(), () => telemetry.shutdown()]);
  logger.info({ port }, 'ready');
}
