// The gateway service: NATS event consumer and HTTP webhook, both starting workflows.
import { Client, Connection } from '@temporalio/client';
import { z } from 'zod';
import {
  BaseServiceConfig,
  TemporalClientConfig,
  configFields,
  loadConfigOrExit,
  temporalConnectionOptions,
} from '@baton/contracts';
import { awaitTopology, connectBus, topologyNeeds } from '@baton/bus';
import { createLogger, onShutdown, startTelemetry, temporalClientInterceptors } from '@baton/telemetry';
import { Registry } from '@baton/workflow-kit';
import { EventClaims } from './event-claims.js';
import { startEventConsumer } from './gateway.js';
import { createWebhookServer } from './http.js';
import { WebhookSources } from './sources.js';
import { ProgressStreams } from './progress.js';
import { temporalDataConverterOrExit } from '@baton/temporal-codec';

const config = loadConfigOrExit(
  'gateway',
  BaseServiceConfig.merge(TemporalClientConfig).extend({
    BATON_HOST: z.string().default('127.0.0.1'),
    BATON_GATEWAY_PORT: configFields.port.default(8340),
    BATON_GATEWAY_ACK_WAIT_MS: configFields.durationMs.default(15_000),
    /** Replay window of signed webhook requests: a timestamp further than this from now is refused. */
    BATON_GATEWAY_SIGNATURE_TOLERANCE_S: z.coerce.number().int().min(1).max(3600).default(300),
    /** Between keep-alive comments on a quiet progress stream (GET /progress). */
    BATON_GATEWAY_PROGRESS_KEEPALIVE_MS: configFields.durationMs.default(15_000),
    /** Bound of the NATS calls that open a progress stream (the claim look-up, the consumer). */
    BATON_GATEWAY_PROGRESS_TIMEOUT_MS: configFields.durationMs.default(5_000),
    /** Where the registered workflows live (default: the repository's workflows/ folder). */
    BATON_WORKFLOWS_DIR: z.string().min(1).optional(),
  }),
);
const dataConverter = temporalDataConverterOrExit('gateway');
const registry = await Registry.loadOrExit('gateway', config.BATON_WORKFLOWS_DIR);
const telemetry = startTelemetry({
  serviceName: 'gateway',
  otlpEndpoint: config.BATON_OTLP_ENDPOINT,
  zipkinUrl: config.BATON_ZIPKIN_URL,
  metricsPort: config.BATON_METRICS_PORT,
  metricsHost: config.BATON_METRICS_HOST,
});
const logger = createLogger('gateway', config.BATON_LOG_LEVEL);
const bus = await connectBus({ servers: config.BATON_NATS_URL, replicas: config.BATON_NATS_REPLICAS, name: 'gateway' });
// Its identity may not create streams: the orchestrator does.
await awaitTopology(bus, topologyNeeds.gateway, 60_000, logger);
const connection = await Connection.connect(temporalConnectionOptions(config));
const temporal = new Client({
  connection,
  namespace: config.BATON_TEMPORAL_NAMESPACE,
  interceptors: temporalClientInterceptors(),
  dataConverter,
});

const deps = { registry, claims: await EventClaims.open(bus), bus, temporal, logger, tracer: telemetry.tracer };
const consumer = await startEventConsumer(deps, config.BATON_GATEWAY_ACK_WAIT_MS);
const sources = await WebhookSources.open(bus, logger, config.BATON_GATEWAY_SIGNATURE_TOLERANCE_S);
const progress = new ProgressStreams(deps, {
  keepAliveMs: config.BATON_GATEWAY_PROGRESS_KEEPALIVE_MS,
  lookupTimeoutMs: config.BATON_GATEWAY_PROGRESS_TIMEOUT_MS,
});
const http = createWebhookServer(deps, sources, progress);
await http.listen({ host: config.BATON_HOST, port: config.BATON_GATEWAY_PORT });

onShutdown(logger, [
  () => http.close(),
  async () => sources.stop(),
  () => consumer.stop(),
  () => connection.close(),
  () => bus.close(),
  () => telemetry.shutdown(),
]);
logger.info({ port: config.BATON_GATEWAY_PORT, eventTypes: [...registry.events.keys()] }, 'ready');
