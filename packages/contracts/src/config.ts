// Service configuration: a zod schema parsed once at start from the environment (the process's,
// or the one a service host gave the service: hosting.ts). A bad value stops the service with a
// message naming the variable.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isPublicSecret, PUBLIC_SECRET_MESSAGE } from './public-secrets.js';
import { serviceEnv } from './hosting.js';

export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
  readonly retryable = false;
}

export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Readonly<Record<string, string | undefined>> = serviceEnv(),
): z.output<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map(
    (i) =>
      `${i.path.map(String).join('.') || '(root)'}=${shownValue(String(i.path[0]), env[String(i.path[0])])}: ${i.message}`,
  );
  throw new ConfigError(`invalid configuration: ${fields.join('; ')}`);
}

/** Variables whose values are secrets (keys, seeds, passwords, tokens, user lists): an error
 *  names them but never echoes what they hold. */
const SECRET_NAME = /(SECRET|PASSWORD|TOKEN|CREDENTIAL|USERS|_SEED$|_KEYS?$)/;

function shownValue(name: string, value: string | undefined): string {
  if (value === undefined) return 'null';
  return SECRET_NAME.test(name) ? `(${value.length} characters, not shown)` : JSON.stringify(value);
}

/** For main.ts: parse or print the reason and exit with status 78 (EX_CONFIG). */
export function loadConfigOrExit<S extends z.ZodType>(service: string, schema: S): z.output<S> {
  try {
    return loadConfig(schema);
  } catch (err) {
    process.stderr.write(`${service}: ${(err as Error).message}\n`);
    process.exit(78);
  }
}

const NKEY_USER_SEED = /^SU[A-Z2-7]{56}$/;

/** Reads a secret from a file named by a variable: its trimmed content, checked by `pattern`. */
function secretFile(what: string, pattern: RegExp) {
  return z
    .string()
    .optional()
    .transform((path, ctx) => {
      if (!path) return undefined;
      let text: string;
      try {
        text = readFileSync(path, 'utf8').trim();
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
        return z.NEVER;
      }
      if (!pattern.test(text)) {
        ctx.addIssue({ code: 'custom', message: `does not hold ${what}` });
        return z.NEVER;
      }
      if (isPublicSecret(text)) {
        ctx.addIssue({ code: 'custom', message: PUBLIC_SECRET_MESSAGE });
        return z.NEVER;
      }
      return text;
    });
}

/** How a service proves its NATS identity: an nkey user seed, from the environment or a file
 *  (the local stack writes one per service, see docs/secure.md). Neither: an anonymous
 *  connection, which only a server with authorization off (BATON_NATS_AUTH=off) accepts. */
export const NatsAuthConfig = z.object({
  BATON_NATS_NKEY_SEED: z
    .string()
    .optional()
    .transform((v) => v || undefined)
    .refine(
      (v) => v === undefined || NKEY_USER_SEED.test(v),
      'must be a NATS user nkey seed (SU followed by 56 base32 characters)',
    ),
  BATON_NATS_NKEY_SEED_FILE: secretFile('a NATS user nkey seed (SU...)', NKEY_USER_SEED),
});

/** The seed NatsAuthConfig found, if any (the variable beats the file). */
export function natsSeedOf(config: z.output<typeof NatsAuthConfig>): string | undefined {
  return config.BATON_NATS_NKEY_SEED ?? config.BATON_NATS_NKEY_SEED_FILE;
}

const port = z.coerce.number().int().min(1).max(65535);
const durationMs = z.coerce.number().int().positive();

/** Settings every Baton service reads; names and defaults match infra/env.sh (demo profile). */
export const BaseServiceConfig = z
  .object({
    /** One NATS URL, or several separated by commas (the nodes of a cluster; the client picks one and fails over). */
    BATON_NATS_URL: z
      .string()
      .regex(
        /^(nats|tls|ws|wss):\/\/[^\s,]+(,(nats|tls|ws|wss):\/\/[^\s,]+)*$/,
        'must be a NATS URL such as nats://127.0.0.1:4322, or several separated by commas',
      )
      .default('nats://127.0.0.1:4322'),
    /**
     * Replicas of every stream, KV bucket and object store Baton creates (infra/env.sh: 1, 3 in the cluster topology).
     */
    BATON_NATS_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
    /** OTLP/HTTP base address of a trace collector; when set, spans go there and nowhere else
     *  (packages/telemetry/src/tracing.ts). Unset or empty (the local stack): none. */
    BATON_OTLP_ENDPOINT: z.union([z.literal('').transform(() => undefined), z.url()]).optional(),
    /** Base address of a Zipkin server, the local stack's one trace backend (its UI and the test
     *  kit's trace reader); used when BATON_OTLP_ENDPOINT is unset. Empty or unset: none. */
    BATON_ZIPKIN_URL: z.union([z.literal('').transform(() => undefined), z.url()]).optional(),
    BATON_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
    /** Port of this process's Prometheus endpoint (GET /metrics); 0 turns it off. */
    BATON_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
    BATON_METRICS_HOST: z.string().default('127.0.0.1'),
  })
  .extend(NatsAuthConfig.shape);

const optionalFile = z.union([z.literal('').transform(() => undefined), z.string()]).optional();

export const TemporalClientConfig = z.object({
  BATON_TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:7322'),
  BATON_TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** This client's identity at Temporal (mutual TLS): its certificate and key (PEM files), and the
   *  CA that signed the server's. All three or none; none connects without TLS (a server
   *  without identities, e.g. the workflow test harness's). */
  BATON_TEMPORAL_TLS_CERT_FILE: optionalFile,
  BATON_TEMPORAL_TLS_KEY_FILE: optionalFile,
  BATON_TEMPORAL_TLS_CA_FILE: optionalFile,
  /** The name the server's certificate is checked against (the local stack's: baton-temporal). */
  BATON_TEMPORAL_TLS_SERVER_NAME: z.string().min(1).default('baton-temporal'),
});
export type TemporalClientConfig = z.infer<typeof TemporalClientConfig>;

/** What Connection.connect and NativeConnection.connect need to reach Temporal as this client's
 *  identity: the address, and with a certificate configured, mutual TLS. */
export function temporalConnectionOptions(config: TemporalClientConfig): {
  address: string;
  tls?: { serverNameOverride: string; serverRootCACertificate: Buffer; clientCertPair: { crt: Buffer; key: Buffer } };
} {
  const {
    BATON_TEMPORAL_TLS_CERT_FILE: cert,
    BATON_TEMPORAL_TLS_KEY_FILE: key,
    BATON_TEMPORAL_TLS_CA_FILE: ca,
  } = config;
  const given = [cert, key, ca].filter((f) => f !== undefined).length;
  if (given === 0) return { address: config.BATON_TEMPORAL_ADDRESS };
  if (given !== 3)
    throw new Error(
      'BATON_TEMPORAL_TLS_CERT_FILE, BATON_TEMPORAL_TLS_KEY_FILE and BATON_TEMPORAL_TLS_CA_FILE go together: set all three or none',
    );
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(`cannot read ${what} ${file}: ${(err as Error).message}`, { cause: err });
    }
  };
  return {
    address: config.BATON_TEMPORAL_ADDRESS,
    tls: {
      serverNameOverride: config.BATON_TEMPORAL_TLS_SERVER_NAME,
      serverRootCACertificate: read(ca!, 'the Temporal CA certificate'),
      clientCertPair: {
        crt: read(cert!, 'the Temporal client certificate'),
        key: read(key!, 'the Temporal client key'),
      },
    },
  };
}

export const AgentRuntimeConfig = BaseServiceConfig.extend({
  /** A task not acked or marked in progress within this time is redelivered. */
  BATON_AGENT_ACK_WAIT_MS: durationMs.default(10_000),
  BATON_AGENT_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(8),
  /** How long a circuit breaker stays open before it lets a probe through. */
  BATON_BREAKER_COOLDOWN_MS: durationMs.default(10_000),
});

export const configFields = { port, durationMs, secretFile };
