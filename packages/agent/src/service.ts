// serveAgent: everything an agent's main.ts needs, so that file stays a few lines. Reads the
// runtime config, starts tracing, connects to NATS, runs the agent, shuts down on signals.
import { AgentRuntimeConfig, loadConfigOrExit, type AgentContract } from '@baton/contracts';
import { awaitTopology, connectBus, topologyNeeds, type Bus } from '@baton/bus';
import { createLogger, onShutdown, startTelemetry } from '@baton/telemetry';
import type { AgentDefinition } from './define.js';
import { DEFAULT_BREAKER } from './breaker.js';
import { runAgent } from './runtime.js';
import { loadModelConfig } from './models/config.js';
import { ModelChain } from './models/chain.js';
import { loadToolConfig } from './tools/config.js';

/** An agent that keeps state of its own in JetStream (a cache, a lease) is built once the
 *  process's bus is connected: pass its name and a factory that receives the bus. */
export interface AgentFactory<C extends AgentContract> {
  name: C['name'];
  build(bus: Bus): Promise<AgentDefinition<C>>;
}

export async function serveAgent<C extends AgentContract>(agent: AgentDefinition<C> | AgentFactory<C>): Promise<void> {
  const service = `agent-${agent.name}`;
  const config = loadConfigOrExit(service, AgentRuntimeConfig);
  const modelConfig = orExit(service, loadModelConfig);
  const tools = orExit(service, loadToolConfig);
  const telemetry = startTelemetry({
    serviceName: service,
    otlpEndpoint: config.BATON_OTLP_ENDPOINT,
    zipkinUrl: config.BATON_ZIPKIN_URL,
    metricsPort: config.BATON_METRICS_PORT,
    metricsHost: config.BATON_METRICS_HOST,
  });
  const logger = createLogger(service, config.BATON_LOG_LEVEL);
  const bus = await connectBus({ servers: config.BATON_NATS_URL, replicas: config.BATON_NATS_REPLICAS, name: service });
  await awaitTopology(bus, topologyNeeds.agent, 60_000, logger);
  const definition = 'build' in agent ? await agent.build(bus) : agent;
  const consumer = await runAgent(definition, {
    bus,
    logger,
    tracer: telemetry.tracer,
    ackWaitMs: config.BATON_AGENT_ACK_WAIT_MS,
    concurrency: config.BATON_AGENT_CONCURRENCY,
    breaker: { ...DEFAULT_BREAKER, cooldownMs: config.BATON_BREAKER_COOLDOWN_MS },
    models: ModelChain.fromConfig(modelConfig, telemetry.tracer),
    tools,
    ...(modelConfig.budget ? { modelBudget: modelConfig.budget } : {}),
  });
  onShutdown(logger, [() => consumer.stop(), () => bus.close(), () => telemetry.shutdown()]);
  logger.info(
    {
      agent: definition.name,
      models: modelConfig.providers.map((p) => `${p.name}:${p.provider}:${p.model}`),
      tools: tools.allow,
    },
    'ready',
  );
}

/** Like loadConfigOrExit, for the config readers that build on several variables. */
function orExit<T>(service: string, load: () => T): T {
  try {
    return load();
  } catch (err) {
    process.stderr.write(`${service}: ${(err as Error).message}\n`);
    process.exit(78);
  }
}
