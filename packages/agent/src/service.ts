// serveAgent: everything an agent's main.ts needs, so that file stays a few lines. Reads the
// runtime config, starts tracing, connects to NATS, runs the agent, shuts down on signals.
import { AgentRuntimeConfig, loadConfigOrExit, type AgentName } from '@baton/contracts';
import { connectBus, ensureTopology } from '@baton/bus';
import { createLogger, onShutdown, startTelemetry } from '@baton/telemetry';
import type { AgentDefinition } from './define.js';
import { DEFAULT_BREAKER } from './breaker.js';
import { runAgent } from './runtime.js';

export async function serveAgent<A extends AgentName>(definition: AgentDefinition<A>): Promise<void> {
  const service = `agent-${definition.name}`;
  const config = loadConfigOrExit(service, AgentRuntimeConfig);
  const telemetry = startTelemetry({ serviceName: service, otlpEndpoint: config.BATON_OTLP_ENDPOINT });
  const logger = createLogger(service, config.BATON_LOG_LEVEL);
  const bus = await connectBus({ servers: config.BATON_NATS_URL, name: service });
  await ensureTopology(bus);
  const consumer = await runAgent(definition, {
    bus,
    logger,
    tracer: telemetry.tracer,
    ackWaitMs: config.BATON_AGENT_ACK_WAIT_MS,
    concurrency: config.BATON_AGENT_CONCURRENCY,
    breaker: { ...DEFAULT_BREAKER, cooldownMs: config.BATON_BREAKER_COOLDOWN_MS },
  });
  onShutdown(logger, [() => consumer.stop(), () => bus.close(), () => telemetry.shutdown()]);
  logger.info({ agent: definition.name }, 'ready');
}
