// The orchestrator: the Temporal worker that runs Baton's workflows and the callAgent activity,
// and the result bridge that completes those activities when agents answer.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { z } from 'zod';
import { BaseServiceConfig, TemporalClientConfig, configFields, loadConfigOrExit, taskQueues } from '@baton/contracts';
import { connectBus, ensureTopology } from '@baton/bus';
import { createLogger, onShutdown, startTelemetry, temporalWorkerTracing } from '@baton/telemetry';
import { DEFAULT_TRUST_THRESHOLD, Registry, createGateActivities, createHandoffActivities } from '@baton/workflow-kit';
import { observeWorkflows, workflowMetricSinks } from './workflow-metrics.js';
import { startResultBridge } from './result-bridge.js';
import { temporalDataConverterOrExit } from '@baton/temporal-codec';

const config = loadConfigOrExit(
  'orchestrator',
  BaseServiceConfig.merge(TemporalClientConfig).extend({
    BATON_BRIDGE_ACK_WAIT_MS: configFields.durationMs.default(15_000),
    BATON_BRIDGE_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(32),
    /** Consecutive clean approvals after which a gate type whose policy allows it auto-approves. */
    BATON_TRUST_THRESHOLD: z.coerce.number().int().min(1).default(DEFAULT_TRUST_THRESHOLD),
    /** Where the registered workflows live (default: the repository's workflows/ folder). */
    BATON_WORKFLOWS_DIR: z.string().min(1).optional(),
  }),
);
const dataConverter = temporalDataConverterOrExit('orchestrator');
// Every registered workflow runs here; their agents' contracts check every result.
const registry = await Registry.loadOrExit('orchestrator', config.BATON_WORKFLOWS_DIR);
const telemetry = startTelemetry({ serviceName: 'orchestrator', otlpEndpoint: config.BATON_OTLP_ENDPOINT, metricsPort: config.BATON_METRICS_PORT, metricsHost: config.BATON_METRICS_HOST });
const logger = createLogger('orchestrator', config.BATON_LOG_LEVEL);

const bus = await connectBus({ servers: config.BATON_NATS_URL, replicas: config.BATON_NATS_REPLICAS, name: 'orchestrator' });
await ensureTopology(bus);

const tracing = temporalWorkerTracing(telemetry);
const workerConnection = await NativeConnection.connect({ address: config.BATON_TEMPORAL_ADDRESS });
const worker = await Worker.create({
  connection: workerConnection,
  namespace: config.BATON_TEMPORAL_NAMESPACE,
  taskQueue: taskQueues.orchestrator,
  workflowsPath: registry.writeWorkflowBundleEntry(),
  activities: { ...createHandoffActivities({ bus, logger }), ...createGateActivities({ bus, logger, trustThreshold: config.BATON_TRUST_THRESHOLD, agents: registry.agents }) },
  interceptors: tracing.interceptors,
  sinks: { ...tracing.sinks, ...workflowMetricSinks() },
  dataConverter,
});

const clientConnection = await Connection.connect({ address: config.BATON_TEMPORAL_ADDRESS });
const client = new Client({ connection: clientConnection, namespace: config.BATON_TEMPORAL_NAMESPACE, dataConverter });
const bridge = await startResultBridge({
  bus,
  agents: registry.agents,
  activities: client.activity,
  logger,
  tracer: telemetry.tracer,
  ackWaitMs: config.BATON_BRIDGE_ACK_WAIT_MS,
  concurrency: config.BATON_BRIDGE_CONCURRENCY,
});

observeWorkflows(telemetry.meter, client, logger, registry.types);

onShutdown(logger, [
  () => bridge.stop(),
  // The SDK's runtime already begins draining on SIGINT/SIGTERM; shut down only if it has not.
  async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
  },
  () => clientConnection.close(),
  () => bus.close(),
  () => telemetry.shutdown(),
]);
logger.info({ taskQueue: taskQueues.orchestrator, workflows: registry.types }, 'ready');
await worker.run();
await workerConnection.close();
