// The orchestrator: the Temporal worker that runs Baton's workflows and the callAgent activity,
// and the result bridge that completes those activities when agents answer.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { z } from 'zod';
import {
  BaseServiceConfig,
  StorageLimitsConfig,
  TemporalClientConfig,
  configFields,
  loadConfigOrExit,
  notPublicSecret,
  taskQueues,
  temporalConnectionOptions,
} from '@baton/contracts';
import { connectBus, ensureTopology, observeStorage, startConsumer, startTaskMaxDeliveriesWatcher } from '@baton/bus';
import {
  createLogger,
  installTemporalRuntime,
  onShutdown,
  startTelemetry,
  temporalWorkerTracing,
} from '@baton/telemetry';
import {
  DEFAULT_TRUST_THRESHOLD,
  Registry,
  createGateActivities,
  createHandoffActivities,
} from '@baton/workflow-kit/internal';
import { observeWorkflows, workflowMetricSinks } from './workflow-metrics.js';
import { startResultBridge } from './result-bridge.js';
import { WorkflowBundleConfig, orchestratorBundle } from './workflow-bundle.js';
import { ensureSchedules } from './schedules.js';
import { temporalDataConverterOrExit } from '@baton/temporal-codec';

const config = loadConfigOrExit(
  'orchestrator',
  BaseServiceConfig.merge(TemporalClientConfig)
    .merge(WorkflowBundleConfig)
    .extend({
      /** Seals every task to its agent; the result bridge refuses a result without its task's seal.
       *  At least 32 characters, the same for every orchestrator replica (or the file holding it). */
      BATON_TASK_SEAL_KEY: notPublicSecret(z.string().min(32, 'must be at least 32 characters').optional()),
      BATON_TASK_SEAL_KEY_FILE: configFields.secretFile('a task seal key of at least 32 characters', /^\S{32,}$/),
      BATON_BRIDGE_ACK_WAIT_MS: configFields.durationMs.default(15_000),
      BATON_BRIDGE_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(32),
      /** Consecutive clean approvals after which a gate type whose policy allows it auto-approves. */
      BATON_TRUST_THRESHOLD: z.coerce.number().int().min(1).default(DEFAULT_TRUST_THRESHOLD),
      /** Workflows kept in the worker's cache between tasks (sticky execution); past it the least
       *  recently used is evicted and replayed from history at its next task. Bounds the
       *  orchestrator's memory: docs/configure.md has the figure per 1,000. */
      BATON_WORKFLOW_CACHE_SIZE: z.coerce.number().int().min(2).max(100_000).default(1_000),
    })
    .refine((c) => c.BATON_TASK_SEAL_KEY || c.BATON_TASK_SEAL_KEY_FILE, {
      path: ['BATON_TASK_SEAL_KEY_FILE'],
      message:
        'a task seal key is required (BATON_TASK_SEAL_KEY or BATON_TASK_SEAL_KEY_FILE; the local stack writes one)',
    }),
);
// Every stream's and bucket's limits (BATON_<STORE>_MAX_BYTES / _MAX_MSGS / _MAX_AGE_MS).
const storageLimits = loadConfigOrExit('orchestrator', StorageLimitsConfig);
const sealKey = (config.BATON_TASK_SEAL_KEY ?? config.BATON_TASK_SEAL_KEY_FILE)!;
const dataConverter = temporalDataConverterOrExit('orchestrator');
// Every registered workflow runs here; their agents' contracts check every result.
const registry = await Registry.loadOrExit('orchestrator', config.BATON_WORKFLOWS_DIR);
const telemetry = startTelemetry({
  serviceName: 'orchestrator',
  otlpEndpoint: config.BATON_OTLP_ENDPOINT,
  zipkinUrl: config.BATON_ZIPKIN_URL,
  metricsPort: config.BATON_METRICS_PORT,
  metricsHost: config.BATON_METRICS_HOST,
});
const logger = createLogger('orchestrator', config.BATON_LOG_LEVEL);
// The SDK's and the Temporal core's log lines as JSON through this logger, before any connection.
const temporalRuntime = installTemporalRuntime(logger);

const bus = await connectBus({
  servers: config.BATON_NATS_URL,
  replicas: config.BATON_NATS_REPLICAS,
  name: 'orchestrator',
});
// The orchestrator's identity may create and update Baton's streams and buckets; the others wait for them.
await ensureTopology(bus, { limits: storageLimits, logger });
observeStorage(telemetry.meter, bus, logger);
const taskWatcher = await startTaskMaxDeliveriesWatcher(bus, logger, (o) => startConsumer(bus, o));

const tracing = temporalWorkerTracing(telemetry);
const built = await orchestratorBundle(registry, config, logger);
logger.info(
  { cached: built.cached, ...(built.reason ? { reason: built.reason } : {}) },
  built.cached ? 'workflow bundle read from the cache' : 'workflow bundle built',
);
const workerConnection = await NativeConnection.connect(temporalConnectionOptions(config));
const worker = await Worker.create({
  connection: workerConnection,
  namespace: config.BATON_TEMPORAL_NAMESPACE,
  taskQueue: taskQueues.orchestrator,
  workflowBundle: built.bundle,
  maxCachedWorkflows: config.BATON_WORKFLOW_CACHE_SIZE,
  activities: {
    ...createHandoffActivities({ bus, logger, agents: registry.agents, sealKey }),
    ...createGateActivities({ bus, logger, trustThreshold: config.BATON_TRUST_THRESHOLD, agents: registry.agents }),
  },
  // The workflow interceptors are in the bundle; these are the activities'.
  interceptors: { activity: tracing.interceptors.activity },
  sinks: { ...tracing.sinks, ...workflowMetricSinks() },
  dataConverter,
});

const clientConnection = await Connection.connect(temporalConnectionOptions(config));
const client = new Client({ connection: clientConnection, namespace: config.BATON_TEMPORAL_NAMESPACE, dataConverter });
const bridge = await startResultBridge({
  bus,
  agents: registry.agents,
  activities: client.activity,
  logger,
  tracer: telemetry.tracer,
  ackWaitMs: config.BATON_BRIDGE_ACK_WAIT_MS,
  concurrency: config.BATON_BRIDGE_CONCURRENCY,
  sealKey,
});

observeWorkflows(telemetry.meter, client, logger, registry.types);
await ensureSchedules(client, registry, logger);

onShutdown(logger, [
  () => bridge.stop(),
  () => taskWatcher.stop(),
  // The SDK's runtime already begins draining on SIGINT/SIGTERM; shut down only if it has not.
  async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
  },
  () => clientConnection.close(),
  () => bus.close(),
  () => telemetry.shutdown(),
  // Last: the SDK's lines still in the runtime's buffer, before the process exits.
  async () => temporalRuntime.flush(),
]);
logger.info({ taskQueue: taskQueues.orchestrator, workflows: registry.types }, 'ready');
await worker.run();
await workerConnection.close();
