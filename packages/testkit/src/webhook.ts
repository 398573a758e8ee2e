// The local stack's webhook publisher: the source "local-stack" with a secret kept in the
// profile's state folder (written on first use), registered in the gateway's sources bucket, and
// the signing every request to POST /events needs (the same protocol any publisher follows:
// HMAC-SHA256 over "<timestamp>.<body>", see services/gateway/src/sources.ts).
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Kvm } from '@nats-io/kv';
import { buckets, eventSources } from '@baton/contracts';
import { connectBus } from '@baton/bus';
import { stackEnv } from './env.js';
import { adminSeed, natsAuthEnabled } from './identities.js';

export const LOCAL_SOURCE = 'local-stack';
/** The `source` the gateway gives what the local stack's source posts (and scopes workflow ids by). */
export const LOCAL_EVENT_SOURCE = eventSources.webhook(LOCAL_SOURCE);

export interface WebhookCredentials {
  source: string;
  secret: string;
}

/** A random secret kept in the profile's state folder, created on first use. */
export function stateSecret(name: string): string {
  const file = join(stackEnv().stateDir, name);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dirname(file), { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // another process wrote it first
    }
    return readFileSync(file, 'utf8').trim();
  }
}

/** The local stack's source secret, created once per state folder. */
export function localWebhookCredentials(): WebhookCredentials {
  return { source: LOCAL_SOURCE, secret: stateSecret('webhook-secret') };
}

/** The signature headers of one request. */
export function signedHeaders(
  body: string,
  credentials: WebhookCredentials = localWebhookCredentials(),
  timestampS = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const timestamp = String(timestampS);
  const signature = `v1=${createHmac('sha256', credentials.secret).update(`${timestamp}.${body}`).digest('hex')}`;
  return { 'x-baton-source': credentials.source, 'x-baton-timestamp': timestamp, 'x-baton-signature': signature };
}

/** Writes (or changes) a source record in the gateway's bucket, as an administrator does. */
export async function putWebhookSource(id: string, record: Record<string, unknown>): Promise<void> {
  const env = stackEnv();
  const bus = await connectBus({
    servers: env.BATON_NATS_URL,
    replicas: env.BATON_NATS_REPLICAS,
    name: 'testkit-webhook-sources',
    ...(natsAuthEnabled() ? { nkeySeed: adminSeed() } : {}),
  });
  try {
    const kv = await new Kvm(bus.js).create(buckets.webhookSources, { history: 5, replicas: bus.replicas });
    await kv.put(id, JSON.stringify(record));
  } finally {
    await bus.close();
  }
}

let registered: Promise<void> | undefined;

/** Registers the local stack's source once per process (a generous limit: the suites post fast;
 *  every event type, said explicitly: a source without a type list may send none). */
export function ensureLocalWebhookSource(): Promise<void> {
  registered ??= putWebhookSource(LOCAL_SOURCE, {
    secrets: [localWebhookCredentials().secret],
    rateLimit: { points: 1_000_000, durationS: 60 },
    eventTypes: ['*'],
  }).catch((err: unknown) => {
    registered = undefined;
    throw err;
  });
  return registered;
}
