// serveSimulator: config, tracing, the record store on local disk, HTTP listen, graceful
// shutdown. A simulator needs no NATS: its records must outlive whatever the tests do to NATS.
import { join } from 'node:path';
import { z } from 'zod';
import { BaseServiceConfig, configFields, loadConfigOrExit } from '@baton/contracts';
import { createLogger, onShutdown, startTelemetry } from '@baton/telemetry';
import { createSimulator, IdempotencyMode, type SimulatorContext } from './server.js';

const SimulatorConfig = BaseServiceConfig.extend({
  BATON_HOST: z.string().default('127.0.0.1'),
  /** The profile's state folder (infra/env.sh); the record stores default to `<it>/sims`. */
  BATON_STATE_DIR: z.string().min(1).optional(),
  BATON_PROFILE: z.string().min(1).default('demo'),
  /** Where the simulators keep their records; each simulator has a folder below it. */
  BATON_SIM_STATE_DIR: z.string().min(1).optional(),
  /** "off": apply every request, as an API without idempotency keys does (PUT /_mode changes it). */
  BATON_SIM_IDEMPOTENCY: IdempotencyMode.default('on'),
});

export async function serveSimulator(
  name: string,
  portVariable: string,
  defaultPort: number,
  register: (sim: SimulatorContext) => void,
): Promise<void> {
  const service = `${name}-sim`;
  const config = loadConfigOrExit(service, SimulatorConfig);
  const port = loadConfigOrExit(
    service,
    z.object({ [portVariable]: configFields.port.default(defaultPort) }).transform((c) => c[portVariable] as number),
  );
  const telemetry = startTelemetry({
    serviceName: service,
    otlpEndpoint: config.BATON_OTLP_ENDPOINT,
    zipkinUrl: config.BATON_ZIPKIN_URL,
    metricsPort: config.BATON_METRICS_PORT,
    metricsHost: config.BATON_METRICS_HOST,
  });
  const logger = createLogger(service, config.BATON_LOG_LEVEL);
  // Started from the repository root by infra/ and the test kit, like every service.
  const stateDir =
    config.BATON_SIM_STATE_DIR ??
    join(config.BATON_STATE_DIR ?? join(process.cwd(), '.baton', config.BATON_PROFILE), 'sims');
  const sim = await createSimulator({ name, logger, stateDir, idempotency: config.BATON_SIM_IDEMPOTENCY });
  register(sim);
  await sim.app.listen({ host: config.BATON_HOST, port });
  onShutdown(logger, [() => sim.close(), () => telemetry.shutdown()]);
  logger.info({ port, stateDir, idempotency: sim.mode.idempotency }, 'ready');
}
