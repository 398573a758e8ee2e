// The floor worker: a separate process, as Baton's orchestrator and agents are, that answers the
// NATS request-reply floor and runs the plain-activity Temporal floor. No tracing interceptors:
// a floor is the bare primitive, and tracing is part of what Baton adds on top.
import { fileURLToPath } from 'node:url';
import { connect, nkeyAuthenticator } from '@nats-io/transport-node';
import { NativeConnection, Worker } from '@temporalio/worker';
import {
  BaseServiceConfig,
  TemporalClientConfig,
  loadConfigOrExit,
  natsSeedOf,
  temporalConnectionOptions,
} from '@baton/contracts';
import { createLogger, onShutdown } from '@baton/telemetry';
import { createFloorActivities } from './activities.js';
import { floorNames } from './names.js';
import { temporalDataConverterOrExit } from '@baton/temporal-codec';

const config = loadConfigOrExit('bench-floor', BaseServiceConfig.merge(TemporalClientConfig));
const logger = createLogger('bench-floor', config.BATON_LOG_LEVEL);

// As the identity its environment names (the bench passes the admin's): a raw connection, no bus.
const seed = natsSeedOf(config);
const nc = await connect({
  servers: config.BATON_NATS_URL.split(','),
  name: 'bench-floor',
  ...(seed ? { authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)) } : {}),
});
nc.subscribe(floorNames.echoSubject, {
  callback: (err, msg) => {
    if (err) logger.error({ err }, 'echo subscription failed');
    else msg.respond(msg.data);
  },
});

const connection = await NativeConnection.connect(temporalConnectionOptions(config));
const worker = await Worker.create({
  connection,
  namespace: config.BATON_TEMPORAL_NAMESPACE,
  taskQueue: floorNames.taskQueue,
  workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
  activities: createFloorActivities(),
  // The floor's client (the test kit's) encrypts like every Baton client, so the floor decrypts too.
  dataConverter: temporalDataConverterOrExit('bench-floor'),
});

onShutdown(logger, [
  async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
  },
  () => nc.drain(),
]);
logger.info({ taskQueue: floorNames.taskQueue, subject: floorNames.echoSubject }, 'ready');
await worker.run();
await connection.close();
