// The approver notifier service (see notify.ts): consumes the gate notices on BATON_NOTICES as
// its own NATS identity, reads a workflow's status as its own Temporal identity (query only),
// records every delivery in the idempotency ledger, and counts deliveries on its metrics port.
// Not an agent (defineAgent/serveAgent): agents answer tasks a workflow step sends them on
// BATON_TASKS; this service reacts to notices no workflow waits for, so it runs its own consumer.
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import {
  AccountSettings,
  BaseServiceConfig,
  TemporalClientConfig,
  accountSettingsKey,
  loadConfigOrExit,
  streams,
  subjects,
  temporalConnectionOptions,
  buckets,
} from '@baton/contracts';
import { awaitTopology, connectBus, openLedger, readStream, startConsumer } from '@baton/bus';
import { Kvm } from '@nats-io/kv';
import { EffectLedger } from '@baton/agent';
import { createLogger, onShutdown, perMeter, startTelemetry } from '@baton/telemetry';
import { Registry, statusQuery } from '@baton/workflow-kit';
import { temporalDataConverterOrExit } from '@baton/temporal-codec';
import {
  ApproverNotifyConfig,
  GateNoticeEnvelope,
  SERVICE,
  createNotifier,
  createSender,
  type NotifierDeps,
} from './notify.js';
import { msUntil, runDigest } from './digest.js';

const config = loadConfigOrExit(
  SERVICE,
  BaseServiceConfig.merge(TemporalClientConfig).extend(ApproverNotifyConfig.shape),
);
const dataConverter = temporalDataConverterOrExit(SERVICE);
const telemetry = startTelemetry({
  serviceName: SERVICE,
  otlpEndpoint: config.BATON_OTLP_ENDPOINT,
  zipkinUrl: config.BATON_ZIPKIN_URL,
  metricsPort: config.BATON_METRICS_PORT,
  metricsHost: config.BATON_METRICS_HOST,
});
const logger = createLogger(SERVICE, config.BATON_LOG_LEVEL);
const registry = await Registry.loadOrExit(SERVICE, config.BATON_WORKFLOWS_DIR);
const bus = await connectBus({ servers: config.BATON_NATS_URL, replicas: config.BATON_NATS_REPLICAS, name: SERVICE });
await awaitTopology(bus, [streams.notices, `KV_${buckets.ledger}`, `KV_${buckets.accounts}`], 60_000, logger);
const ledger = new EffectLedger(await openLedger(bus));
// People's own channels, set on the console's account page (read only here).
// Bound without a stream lookup: direct gets, as the bucket is made (its identity may not use MSG.GET).
const accounts = await new Kvm(bus.js).open(buckets.accounts, { allow_direct: true });
const connection = await Connection.connect(temporalConnectionOptions(config));
const temporal = new Client({ connection, namespace: config.BATON_TEMPORAL_NAMESPACE, dataConverter });

const deliveries = perMeter((meter) =>
  meter.createCounter('baton.approver_notify.deliveries', {
    description:
      'Approvers told that a gate waits for them, per channel and outcome (sent, replayed: already sent, failed: retried)',
  }),
);

const notifierDeps: NotifierDeps = {
  config,
  ledger,
  logger,
  statusOf: async (workflowId) => {
    try {
      const workflow = temporal.workflow.getHandle(workflowId);
      // Each call bounded: a Temporal that does not answer fails the notice, which is redelivered.
      const bounded = <T>(call: () => Promise<T>) =>
        temporal.withDeadline(Date.now() + config.BATON_APPROVER_NOTIFY_STATUS_TIMEOUT_MS, call);
      // An ended workflow waits for nobody; asking first spares a query (a replay on a worker)
      // for each old notice, e.g. those the consumer reads on its first start.
      if ((await bounded(() => workflow.describe())).status.name !== 'RUNNING') return undefined;
      return await bounded(() => workflow.query(statusQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  },
  summaryOf: (status) => registry.workflow(status.workflowType)?.view?.summary?.(status) ?? '',
  alsoTell: (gateType) => registry.gateTypes.get(gateType)?.tell,
  settingsOf: async (username) => {
    const entry = await accounts.get(accountSettingsKey(username));
    if (!entry || entry.operation !== 'PUT' || entry.length === 0) return undefined;
    const parsed = AccountSettings.safeParse(entry.json());
    if (!parsed.success) logger.warn({ username }, 'account settings unreadable: the configured channels are used');
    return parsed.success ? parsed.data : undefined;
  },
  count: (channel, outcome) => deliveries().add(1, { 'baton.channel': channel, 'baton.outcome': outcome }),
};
const handle = createNotifier(notifierDeps);

const consumer = await startConsumer(bus, {
  stream: streams.notices,
  durable: SERVICE,
  filterSubject: subjects.notice('gate.>'),
  schema: GateNoticeEnvelope,
  rejectedBy: SERVICE,
  ackWaitMs: config.BATON_APPROVER_NOTIFY_ACK_WAIT_MS,
  concurrency: 4,
  logger,
  handle: async ({ data }) => {
    await handle(data);
  },
});

// The daily digest, on this process's own timer (digest.ts says why not a Temporal schedule).
let digestTimer: NodeJS.Timeout | undefined;
const digestAt = config.BATON_APPROVER_NOTIFY_DIGEST_AT;
if (digestAt) {
  const zone = config.BATON_APPROVER_NOTIFY_TIME_ZONE;
  const schedule = () => {
    digestTimer = setTimeout(
      () => {
        void runDigest({
          accounts: config.BATON_CONSOLE_USERS,
          settingsOf: notifierDeps.settingsOf,
          readNotices: async () =>
            (
              await readStream(bus, streams.notices, {
                filterSubject: subjects.notice('gate.>'),
                parse: (v) => GateNoticeEnvelope.safeParse(v),
              })
            ).flatMap((m) => (m.value.success ? [m.value.data] : [])),
          statusOf: notifierDeps.statusOf,
          summaryOf: notifierDeps.summaryOf,
          consoleUrl: config.BATON_CONSOLE_URL,
          ledger,
          send: createSender(config),
          count: notifierDeps.count,
          logger,
          now: new Date(),
          timeZone: zone,
        })
          .catch((err: unknown) => logger.error({ err }, 'daily digest failed'))
          .finally(schedule);
      },
      msUntil(digestAt, new Date(), zone),
    );
  };
  schedule();
  logger.info({ at: digestAt, timeZone: zone ?? 'local' }, 'daily digest scheduled');
}

onShutdown(logger, [
  async () => clearTimeout(digestTimer),
  () => consumer.stop(),
  () => bus.close(),
  () => connection.close(),
  () => telemetry.shutdown(),
]);
logger.info(
  {
    accounts: config.BATON_CONSOLE_USERS.length,
    withChannels: config.BATON_CONSOLE_USERS.filter((a) => a.channels && Object.keys(a.channels).length > 0).length,
  },
  'ready',
);
