// The local stack's NATS identities: one nkey user per discovered service (services/*/src/main.ts
// and the agents in workflow folders), plus `admin` for the test kit, the demo, the bench and
// operators' tools. Nothing is listed by hand: a service's kind follows from its name (gateway,
// orchestrator, console, `*-sim`; an agent in a workflow folder, or a service whose main.ts calls
// serveAgent, is the agent of that name, or of the name its package.json gives as `baton.agent`), and its permissions
// from @baton/bus permissionsOf. A service that is none of these declares its subjects in its package.json
// (`"baton": { "nats": { "publish": [...], "subscribe": [...] } }`); undeclared, it gets its inbox only.
// Any service may also declare the KV buckets it uses beyond its kind's own (a cache, a lease
// table, an index it reads): `"baton": { "nats": { "kv": [{ "bucket": "...", "write": true }] } }`.
//
// Seeds are made once (on the first start) and kept in the git-ignored state folder,
// <state>/identities/<identity>.nk, readable by the owner only; the server config (auth.conf,
// public keys only) is rewritten from them whenever the set of services changes, and a running
// nats-server re-reads it on SIGHUP, so a service added while the stack runs gets its identity at
// its first start. Also kept there: the orchestrator's task seal key (task-seal.key), and the
// systems that publish events over NATS (publishers.json: each an identity `publisher-<name>` that
// may publish only its own event types, see addNatsPublisher).
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nkeys } from '@nats-io/transport-node';
import {
  agentIdentity,
  natsAuthorizationConfig,
  publisherIdentity,
  type AuthorizedUser,
  type Identity,
  type KvGrant,
} from '@baton/bus';
import { repoRoot, stackEnv } from './env.js';
import { allServices, type ServiceName } from './services.js';

export const ADMIN_IDENTITY = 'admin';

/** Whether the profile's nats-server demands identities (BATON_NATS_AUTH=off is the dev opt-out). */
export function natsAuthEnabled(env: Record<string, string | undefined> = process.env): boolean {
  return (env.BATON_NATS_AUTH ?? 'on') !== 'off';
}

export function identitiesDir(): string {
  return join(stackEnv().stateDir, 'identities');
}

export function seedFileOf(identity: string): string {
  return join(identitiesDir(), `${identity}.nk`);
}

export function sealKeyFile(): string {
  return join(identitiesDir(), 'task-seal.key');
}

export function natsAuthFile(): string {
  return join(identitiesDir(), 'auth.conf');
}

/** The identity a service connects as, by its name, with the buckets it declares. */
export function identityOf(service: ServiceName): Identity {
  const kv = declaredBuckets(service);
  const identity = kindOf(service);
  return kv.length ? { ...identity, kv } : identity;
}

function kindOf(service: ServiceName): Identity {
  if (service === 'gateway' || service === 'orchestrator' || service === 'console')
    return { kind: service, name: service };
  if (service.endsWith('-sim')) return { kind: 'simulator', name: service, system: service.slice(0, -'-sim'.length) };
  const declared = declaredPermissions(service);
  if (declared) return { kind: 'custom', name: service, ...declared };
  if (isAgent(service)) {
    const agent = declaredAgent(service) ?? service;
    return { kind: 'agent', name: agentIdentity(agent), agent };
  }
  // Neither an agent nor a declared service: no rights but its inbox, so that what it tries is
  // refused, logged and counted under its own name rather than allowed by a guess.
  return { kind: 'custom', name: service, publish: [], subscribe: [] };
}

/** An agent is an agent in a workflow's folder, or a service whose main.ts serves one. */
function isAgent(service: string): boolean {
  const main = join(repoRoot, 'services', service, 'src', 'main.ts');
  return !existsSync(main) || /\bserveAgent\s*\(/.test(readFileSync(main, 'utf8'));
}

function declaredPermissions(service: string): { publish: string[]; subscribe: string[] } | undefined {
  const manifest = join(repoRoot, 'services', service, 'package.json');
  if (!existsSync(manifest)) return undefined;
  const nats = (
    JSON.parse(readFileSync(manifest, 'utf8')) as { baton?: { nats?: { publish?: string[]; subscribe?: string[] } } }
  ).baton?.nats;
  // Only subjects make a service of its own kind; declared buckets add to any kind (declaredBuckets).
  return nats && (nats.publish || nats.subscribe)
    ? { publish: nats.publish ?? [], subscribe: nats.subscribe ?? [] }
    : undefined;
}

/** The agent a service folder serves when its name is not the folder's (`"baton": { "agent": "ticket-log" }`). */
function declaredAgent(service: string): string | undefined {
  const manifest = join(repoRoot, 'services', service, 'package.json');
  if (!existsSync(manifest)) return undefined;
  const agent = (JSON.parse(readFileSync(manifest, 'utf8')) as { baton?: { agent?: unknown } }).baton?.agent;
  if (agent === undefined) return undefined;
  if (typeof agent !== 'string' || !/^[a-z][a-z0-9-]*$/.test(agent))
    throw new Error(`${manifest}: baton.agent must be an agent name (lower-case letters, digits and -)`);
  return agent;
}

/** The buckets a service uses beyond its kind's (`"baton": { "nats": { "kv": [...] } }`). */
function declaredBuckets(service: string): KvGrant[] {
  const manifest = join(repoRoot, 'services', service, 'package.json');
  if (!existsSync(manifest)) return [];
  const kv = (JSON.parse(readFileSync(manifest, 'utf8')) as { baton?: { nats?: { kv?: unknown } } }).baton?.nats?.kv;
  if (kv === undefined) return [];
  const valid =
    Array.isArray(kv) &&
    kv.every(
      (g) =>
        typeof g === 'object' &&
        g !== null &&
        typeof (g as KvGrant).bucket === 'string' &&
        /^[A-Za-z0-9_-]+$/.test((g as KvGrant).bucket),
    );
  if (!valid)
    throw new Error(
      `${manifest}: baton.nats.kv must be a list of { bucket, keys?, write?, list? } with bucket names of letters, digits, _ and -`,
    );
  return kv as KvGrant[];
}

function seedOf(identity: string): string {
  const file = seedFileOf(identity);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const seed = new TextDecoder().decode(nkeys.createUser().getSeed());
  writeFileSync(file, `${seed}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return seed;
}

/** The admin seed, made if missing. */
export function adminSeed(): string {
  mkdirSync(identitiesDir(), { recursive: true, mode: 0o700 });
  return seedOf(ADMIN_IDENTITY);
}

/**
 * Makes a seed for every identity that has none, and rewrites auth.conf when its content changes.
 * Returns whether it changed (the running server must then reload it).
 */
export function writeNatsIdentities(services: readonly ServiceName[] = allServices()): boolean {
  const dir = identitiesDir();
  ensureSealKey();
  const identities: Identity[] = [
    { kind: 'admin', name: ADMIN_IDENTITY },
    ...services.map(identityOf),
    ...publishers(),
  ];
  // Identities made earlier for services that are gone stay valid until their seed is deleted:
  // a removed service's credentials are revoked by removing its .nk file.
  const known = new Set(identities.map((i) => i.name));
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.nk'))) {
    const name = file.slice(0, -3);
    if (!known.has(name)) identities.push(identityFromName(name));
  }
  const users: AuthorizedUser[] = identities.map((identity) => ({
    identity,
    nkey: nkeys.fromSeed(new TextEncoder().encode(seedOf(identity.name))).getPublicKey(),
  }));
  const text = `# Written by the test kit (packages/testkit/src/identities.ts) for profile ${stackEnv().BATON_PROFILE}; do not edit.\n${natsAuthorizationConfig(users)}`;
  const file = natsAuthFile();
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return false;
  writeFileSync(file, text, { mode: 0o600 });
  return true;
}

function identityFromName(name: string): Identity {
  if (name === ADMIN_IDENTITY) return { kind: 'admin', name };
  // A publisher no longer listed keeps no rights (its seed still connects, to nothing).
  if (name.startsWith('publisher-')) return { kind: 'custom', name, publish: [], subscribe: [] };
  return name.startsWith('agent-') ? { kind: 'agent', name, agent: name.slice('agent-'.length) } : identityOf(name);
}

/**
 * Before services start: every service has its identity in the server's config. When the config
 * changed while the profile's nats-server runs, each node is told to reload (SIGHUP) and the call
 * waits until it has (its /varz config_load_time moves on).
 */
export async function ensureNatsIdentities(services: readonly ServiceName[]): Promise<void> {
  if (!natsAuthEnabled()) return;
  if (!writeNatsIdentities(allServices().concat(services.filter((s) => !allServices().includes(s))))) return;
  const env = stackEnv();
  const runDir = join(env.stateDir, 'run');
  const nodes = (existsSync(runDir) ? readdirSync(runDir) : [])
    .map((f) => /^nats(?:-([123]))?\.pid$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({
      pid: Number(readFileSync(join(runDir, m[0]), 'utf8').trim()),
      monitor: `http://${env.BATON_HOST}:${env.BATON_NATS_MONITOR_PORT + (m[1] ? Number(m[1]) - 1 : 0)}/varz`,
    }));
  for (const node of nodes) {
    const before = await configLoadTime(node.monitor);
    try {
      process.kill(node.pid, 'SIGHUP');
    } catch {
      continue; // not running: it reads the file when it starts
    }
    // The server says when it has re-read its config; a reload it refused leaves the time as it was.
    const deadline = Date.now() + 15_000;
    while ((await configLoadTime(node.monitor)) === before) {
      if (Date.now() > deadline)
        throw new Error(
          `nats-server (pid ${node.pid}) did not reload ${natsAuthFile()} within 15 s; see its log in ${join(env.stateDir, 'logs')}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function configLoadTime(varz: string): Promise<string | undefined> {
  try {
    const response = await fetch(varz, { signal: AbortSignal.timeout(2_000) });
    return ((await response.json()) as { config_load_time?: string }).config_load_time;
  } catch {
    return undefined;
  }
}

function publishersFile(): string {
  return join(identitiesDir(), 'publishers.json');
}

function publishers(): Identity[] {
  if (!existsSync(publishersFile())) return [];
  const list = JSON.parse(readFileSync(publishersFile(), 'utf8')) as Array<{ publisher: string; eventTypes: string[] }>;
  return list.map((p) => ({
    kind: 'publisher',
    name: publisherIdentity(p.publisher),
    publisher: p.publisher,
    eventTypes: p.eventTypes,
  }));
}

/**
 * A system that publishes events over NATS gets its own identity, allowed to publish only the
 * given types on its own subject (the gateway takes the event's source from that subject). Makes
 * its seed, reloads the running server, and returns the seed.
 */
export async function addNatsPublisher(publisher: string, eventTypes: readonly string[]): Promise<string> {
  if (!/^[a-z][a-z0-9-]*$/.test(publisher))
    throw new Error(`publisher name "${publisher}": lower-case letters, digits and -`);
  mkdirSync(identitiesDir(), { recursive: true, mode: 0o700 });
  const list = existsSync(publishersFile())
    ? (JSON.parse(readFileSync(publishersFile(), 'utf8')) as Array<{ publisher: string; eventTypes: string[] }>)
    : [];
  const next = [...list.filter((p) => p.publisher !== publisher), { publisher, eventTypes: [...eventTypes] }];
  writeFileSync(publishersFile(), `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  await ensureNatsIdentities([]);
  return seedOf(publisherIdentity(publisher));
}

/** The orchestrator's task seal key, made on first use. */
export function ensureSealKey(): string {
  mkdirSync(identitiesDir(), { recursive: true, mode: 0o700 });
  if (!existsSync(sealKeyFile()))
    writeFileSync(sealKeyFile(), `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  return sealKeyFile();
}

/** The environment that gives a service its identity (and the orchestrator its seal key). */
export function identityEnv(service: ServiceName): Record<string, string> {
  const env: Record<string, string> = {};
  if (service === 'orchestrator') env.BATON_TASK_SEAL_KEY_FILE = ensureSealKey();
  // Off: no seed at all, not even one inherited from the caller's environment.
  env.BATON_NATS_NKEY_SEED = '';
  env.BATON_NATS_NKEY_SEED_FILE = natsAuthEnabled() ? seedFileOf(identityOf(service).name) : '';
  return env;
}
