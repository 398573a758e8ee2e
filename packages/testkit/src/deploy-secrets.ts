// The secrets of a deployment, made at its first start and never committed: the same NATS
// identities as the local stack (a seed per service, the server's authorization block), the
// orchestrator's task seal key, the Temporal payload key, the console's session secret and the
// accounting simulator's webhook secret. Nothing is overwritten: a second start keeps what the
// first made. Run by docker-compose.yml (`baton-secrets`, `baton-setup`) and the Kubernetes Job of
// infra/k8s/secrets.job.yaml, from the built image:
//   node packages/testkit/dist/deploy-secrets.js files <dir>       write into <dir> (compose's volume)
//   node packages/testkit/dist/deploy-secrets.js register <dir>    as admin: Baton's topology, and the
//        accounting source in baton_webhook_sources (waits for NATS)
//   node packages/testkit/dist/deploy-secrets.js kubernetes        the same as Secrets in the pod's namespace
// What cannot be generated (who may sign in to the console, the Postgres password) a deployment
// must give; compose and the manifests refuse to start without it, naming it.
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kvm } from '@nats-io/kv';
import { buckets } from '@baton/contracts';
import { connectBus, ensureTopology } from '@baton/bus';

const ACCOUNTING_SOURCE = 'accounting';
const ACCOUNTING_TYPES = ['bill.received.v1', 'bill.paid.v1'];

/** Writes `file` with fresh random content unless it exists; returns its content. */
function once(file: string, make: () => string): string {
  if (!existsSync(file)) writeFileSync(file, make(), { flag: 'wx', mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** Every secret as files in `dir`: identities/ (the local stack's layout), nats/<service>.nk and
 *  nats/auth.conf (what a service and nats-server mount), and one file per other secret. */
export async function writeSecretFiles(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  process.env.BATON_STATE_DIR = dir; // the identities below live in <dir>/identities, as the stack's do
  const { writeNatsIdentities, identityOf, seedFileOf, natsAuthFile, sealKeyFile } = await import('./identities.js');
  const { allServices } = await import('./services.js');
  writeNatsIdentities(allServices());
  const nats = join(dir, 'nats');
  mkdirSync(nats, { recursive: true, mode: 0o755 });
  for (const service of allServices()) copyFileSync(seedFileOf(identityOf(service).name), join(nats, `${service}.nk`));
  copyFileSync(seedFileOf('admin'), join(nats, 'admin.nk'));
  copyFileSync(natsAuthFile(), join(nats, 'auth.conf'));
  copyFileSync(sealKeyFile(), join(dir, 'task-seal.key'));
  once(join(dir, 'payload-keys.json'), () =>
    JSON.stringify([{ id: `k-${new Date().toISOString().slice(0, 10)}`, key: randomBytes(32).toString('base64') }]),
  );
  once(join(dir, 'console-session.secret'), () => randomBytes(32).toString('base64url'));
  once(join(dir, 'accounting-webhook.secret'), () => randomBytes(32).toString('base64url'));
}

/** As the admin: Baton's streams and buckets, and the accounting source (once), when NATS answers. */
export async function register(dir: string, servers: string, replicas: number, timeoutMs = 300_000): Promise<void> {
  const seed = readFileSync(join(dir, 'nats', 'admin.nk'), 'utf8').trim();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const bus = await connectBus({ servers, replicas, name: 'admin', nkeySeed: seed, requestTimeoutMs: 15_000 });
      try {
        await ensureTopology(bus);
        const kv = await new Kvm(bus.js).open(buckets.webhookSources);
        const secret = readFileSync(join(dir, 'accounting-webhook.secret'), 'utf8').trim();
        if (!(await kv.get(ACCOUNTING_SOURCE)))
          await kv.create(ACCOUNTING_SOURCE, JSON.stringify({ secrets: [secret], eventTypes: ACCOUNTING_TYPES }));
        return;
      } finally {
        await bus.close();
      }
    } catch (err) {
      if (Date.now() > deadline) throw err;
      process.stderr.write(`deploy-secrets: NATS not ready (${(err as Error).message}); again in 3 s\n`);
      await new Promise((r) => setTimeout(r, 3_000));
    }
  }
}

/** The files of `dir` as Kubernetes Secrets in this pod's namespace, each created only if absent. */
async function toKubernetes(dir: string): Promise<void> {
  const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
  const namespace = readFileSync(join(sa, 'namespace'), 'utf8').trim();
  const token = readFileSync(join(sa, 'token'), 'utf8').trim();
  const host = process.env.KUBERNETES_SERVICE_HOST;
  const port = process.env.KUBERNETES_SERVICE_PORT ?? '443';
  if (!host) throw new Error('KUBERNETES_SERVICE_HOST is not set: run this in a pod');
  // The API server's certificate is the cluster CA's: the Job sets NODE_EXTRA_CA_CERTS to the
  // ca.crt mounted beside the token (Node reads it at start only).
  const api = `https://${host}:${port}/api/v1/namespaces/${namespace}/secrets`;
  const file = (name: string) => readFileSync(join(dir, name), 'utf8').trim();
  const nats = Object.fromEntries(
    readdirSync(join(dir, 'nats')).map((f) => [f, readFileSync(join(dir, 'nats', f), 'utf8')]),
  );
  const secrets: Record<string, Record<string, string>> = {
    'baton-nats-identities': nats,
    'baton-orchestrator': { 'task-seal-key': file('task-seal.key') },
    'baton-temporal-payload-keys': { 'keys.json': file('payload-keys.json') },
    'baton-console-session': { 'session-secret': file('console-session.secret') },
    'baton-accounting-webhook': { secret: file('accounting-webhook.secret') },
  };
  for (const [name, stringData] of Object.entries(secrets)) {
    const exists = await fetch(`${api}/${name}`, { headers: { authorization: `Bearer ${token}` } });
    if (exists.ok) {
      // Kept as it is: the first start's secrets stay (rotate one by deleting it and running the Job again).
      if (name === 'baton-nats-identities' || name === 'baton-accounting-webhook') {
        const data = ((await exists.json()) as { data?: Record<string, string> }).data ?? {};
        for (const [key, value] of Object.entries(data))
          writeFileSync(
            join(dir, name === 'baton-accounting-webhook' ? 'accounting-webhook.secret' : join('nats', key)),
            Buffer.from(value, 'base64'),
          );
      }
      continue;
    }
    const created = await fetch(api, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, labels: { 'app.kubernetes.io/part-of': 'baton' } },
        type: 'Opaque',
        stringData,
      }),
    });
    if (!created.ok && created.status !== 409)
      throw new Error(`creating Secret ${name}: ${created.status} ${await created.text()}`);
    process.stdout.write(`deploy-secrets: created Secret ${name}\n`);
  }
}

const [command, dirArg] = process.argv.slice(2);
const env = process.env;
if (command === 'files' && dirArg) {
  await writeSecretFiles(dirArg);
  process.stdout.write(`deploy-secrets: secrets in ${dirArg} (made where missing)\n`);
} else if (command === 'register' && dirArg) {
  await register(dirArg, env.BATON_NATS_URL ?? 'nats://127.0.0.1:4222', Number(env.BATON_NATS_REPLICAS ?? '1'));
} else if (command === 'kubernetes') {
  const dir = '/tmp/baton-secrets';
  await writeSecretFiles(dir);
  await toKubernetes(dir);
  await register(dir, env.BATON_NATS_URL ?? 'nats://nats:4222', Number(env.BATON_NATS_REPLICAS ?? '3'));
} else if (command !== undefined) {
  process.stderr.write('usage: deploy-secrets files <dir> | register <dir> | kubernetes\n');
  process.exit(64);
}
