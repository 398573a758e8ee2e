// The console service: the approval inbox for the people who decide, and the operations views.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { z } from 'zod';
import {
  BaseServiceConfig,
  TemporalClientConfig,
  TimeZone,
  configFields,
  loadConfigOrExit,
  notPublicSecret,
  temporalConnectionOptions,
} from '@baton/contracts';
import { SESSION_BUCKET_MAX_AGE_MS, awaitTopology, connectBus, topologyNeeds } from '@baton/bus';
import { createLogger, onShutdown, startTelemetry } from '@baton/telemetry';
import { DEFAULT_TRUST_THRESHOLD, Registry } from '@baton/workflow-kit/internal';
import { createConsoleServer } from './web/server.js';
import { ConsoleUsersField } from './web/auth.js';
import { KvSessionStore } from './web/sessions.js';
import { InboxLive } from './web/live.js';
import { kvAccountStore } from './web/account.js';
import { temporalDataConverterOrExit } from '@baton/temporal-codec';

const config = loadConfigOrExit(
  'console',
  BaseServiceConfig.merge(TemporalClientConfig).extend({
    BATON_HOST: z.string().default('127.0.0.1'),
    BATON_CONSOLE_PORT: configFields.port.default(8344),
    BATON_TEMPORAL_UI_URL: z.url().default('http://127.0.0.1:8333'),
    /** Who may sign in: a JSON array of { username, passwordHash, roles } or a path to such a
     *  file. Hashes come from `baton hash-password`. Empty: nobody can sign in. */
    BATON_CONSOLE_USERS: ConsoleUsersField,
    /** Signs session cookies; every replica needs the same one. Unset: a random secret per start
     *  (sessions, though kept in JetStream KV, end with the process). */
    BATON_CONSOLE_SESSION_SECRET: notPublicSecret(z.string().min(32, 'must be at least 32 characters').optional()),
    /** A session ends this long after sign-in (8 hours; at most a day, the session bucket's bound). */
    BATON_CONSOLE_SESSION_TTL_MS: configFields.durationMs
      .max(SESSION_BUCKET_MAX_AGE_MS, 'must be at most a day (the session bucket keeps an entry no longer)')
      .default(8 * 3600_000),
    /** Addresses (or CIDR ranges) of the reverse proxies in front of the console, comma separated:
     *  only a request from one of them has its client address taken from X-Forwarded-For (for
     *  sign-in throttling and the audit trail). Default none: the peer's own address. */
    BATON_CONSOLE_TRUSTED_PROXIES: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()]))),
    /** The time zone of the clock times on the pages ("until 21:40"), an IANA name such as
     *  Europe/Amsterdam. Unset: the process's own (TZ). */
    BATON_CONSOLE_TIME_ZONE: TimeZone.optional(),
    /** Mark the session cookie Secure (HTTPS only): set to true behind TLS. */
    BATON_CONSOLE_SECURE_COOKIES: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    /** Wrong passwords in a row (per username and address) that lock signing in for BATON_CONSOLE_LOCKOUT_MS. */
    BATON_CONSOLE_LOCKOUT_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
    BATON_CONSOLE_LOCKOUT_MS: configFields.durationMs.default(15 * 60_000),
    /** Sign-in attempts per address per minute, right or wrong. */
    BATON_CONSOLE_SIGNIN_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(30),
    /** The orchestrator's trust threshold, shown beside gate types it has not counted yet. */
    BATON_TRUST_THRESHOLD: z.coerce.number().int().min(1).default(DEFAULT_TRUST_THRESHOLD),
    /** Where the registered workflows live (default: the repository's workflows/ folder). */
    BATON_WORKFLOWS_DIR: z.string().min(1).optional(),
    /** Trace dashboard base address, for links: the Jaeger UI, or Zipkin's (the local stack's). */
    BATON_TRACE_UI_URL: z.url().default('http://127.0.0.1:16696'),
    BATON_TRACE_UI_KIND: z.enum(['jaeger', 'zipkin']).default('jaeger'),
    /** Prometheus that scrapes the services: the history behind the operations page's charts. */
    BATON_PROMETHEUS_URL: z.union([z.literal('').transform(() => undefined), z.url()]).optional(),
    /** service=url pairs, comma separated: the Prometheus endpoints the views read. */
    BATON_METRICS_TARGETS: z
      .string()
      .default('')
      .transform((s, ctx) => {
        const targets: Record<string, string> = {};
        for (const pair of s
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean)) {
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
const dataConverter = temporalDataConverterOrExit('console');
const telemetry = startTelemetry({
  serviceName: 'console',
  otlpEndpoint: config.BATON_OTLP_ENDPOINT,
  zipkinUrl: config.BATON_ZIPKIN_URL,
  metricsPort: config.BATON_METRICS_PORT,
  metricsHost: config.BATON_METRICS_HOST,
});
const logger = createLogger('console', config.BATON_LOG_LEVEL);
const bus = await connectBus({ servers: config.BATON_NATS_URL, replicas: config.BATON_NATS_REPLICAS, name: 'console' });
// Its identity may not create streams: the orchestrator does.
await awaitTopology(bus, topologyNeeds.console, 60_000, logger);
const connection = await Connection.connect(temporalConnectionOptions(config));
const temporal = new Client({ connection, namespace: config.BATON_TEMPORAL_NAMESPACE, dataConverter });

// Open inbox pages refresh themselves when a gate opens, moves or closes (the gate notices).
const live = new InboxLive(logger);
live.follow(bus);

const app = await createConsoleServer({
  registry: await Registry.loadOrExit('console', config.BATON_WORKFLOWS_DIR),
  temporal,
  bus,
  logger,
  metricsTargets: config.BATON_METRICS_TARGETS,
  prometheusUrl: config.BATON_PROMETHEUS_URL,
  links: {
    temporalUi: config.BATON_TEMPORAL_UI_URL,
    namespace: config.BATON_TEMPORAL_NAMESPACE,
    traceUi: config.BATON_TRACE_UI_URL,
    traceUiKind: config.BATON_TRACE_UI_KIND,
  },
  auth: {
    users: config.BATON_CONSOLE_USERS,
    sessionSecret: config.BATON_CONSOLE_SESSION_SECRET ?? randomBytes(32).toString('base64url'),
    sessionTtlMs: config.BATON_CONSOLE_SESSION_TTL_MS,
    secureCookies: config.BATON_CONSOLE_SECURE_COOKIES,
    sessionStore: await KvSessionStore.open(bus),
    limits: {
      lockoutAttempts: config.BATON_CONSOLE_LOCKOUT_ATTEMPTS,
      lockoutMs: config.BATON_CONSOLE_LOCKOUT_MS,
      attemptsPerMinute: config.BATON_CONSOLE_SIGNIN_PER_MINUTE,
    },
  },
  audit: true,
  trustedProxies: config.BATON_CONSOLE_TRUSTED_PROXIES,
  trustThreshold: config.BATON_TRUST_THRESHOLD,
  timeZone: config.BATON_CONSOLE_TIME_ZONE,
  live,
  accounts: kvAccountStore(bus),
  // The UI shows what a history holds, plaintext an attacker wrote included: display only.
  codec: dataConverter.payloadCodecs[0].forDisplay(),
});
if (!config.BATON_CONSOLE_SESSION_SECRET)
  logger.warn({}, 'BATON_CONSOLE_SESSION_SECRET unset: a random secret signs sessions until this process ends');
if (config.BATON_CONSOLE_USERS.length === 0) logger.warn({}, 'BATON_CONSOLE_USERS is empty: nobody can sign in');
await app.listen({ host: config.BATON_HOST, port: config.BATON_CONSOLE_PORT });
onShutdown(logger, [
  async () => live.stop(),
  () => app.close(),
  () => connection.close(),
  () => bus.close(),
  () => telemetry.shutdown(),
]);
logger.info({ port: config.BATON_CONSOLE_PORT, users: config.BATON_CONSOLE_USERS.length }, 'ready');
