// Starts the processes under test with the test kit's NodeProcess, with replicas: the test kit's
// ServiceSet holds one process per service name, and the bench needs two echo agents or two
// orchestrators side by side, plus its own floor worker. Each logs to <state>/logs/bench/.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  ADMIN_IDENTITY,
  NodeProcess,
  ensureLocalWebhookSource,
  ensureNatsIdentities,
  natsAuthEnabled,
  seedFileOf,
  serviceEntry,
  serviceEnv,
  stackEnv,
  temporalTlsEnv,
  testBus,
} from '@baton/testkit';
import type { Tracked } from './usage.js';

const BATON_SERVICES = new Set(['orchestrator', 'gateway', 'console']);

export interface ProcessSpec {
  name: string;
  group: string;
  /** Entry point, relative to the repository root, and the arguments after it. */
  entry: string;
  args?: string[];
  /** A service under services/ or an agent kept in a workflow's folder (it has a NATS identity). */
  service?: string;
  env?: Record<string, string>;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
}

/** The environment of a bench process that is no service (the floor worker): the admin identity. */
export function adminEnv(): Record<string, string> {
  return {
    BATON_NATS_NKEY_SEED: '',
    BATON_NATS_NKEY_SEED_FILE: natsAuthEnabled() ? seedFileOf(ADMIN_IDENTITY) : '',
    ...temporalTlsEnv(ADMIN_IDENTITY),
  };
}

/** The spec of one replica of a service (services/<name>, or an agent in a workflow's folder). */
export function serviceSpec(
  service: string,
  replica = 1,
  extra: Pick<ProcessSpec, 'env' | 'nodeFlags'> = {},
): ProcessSpec {
  // Every service but Baton's own services and the simulators is an agent.
  const group = BATON_SERVICES.has(service) ? service : service.endsWith('-sim') ? 'simulators' : 'agents';
  // Each replica gets what the test kit gives the service: its NATS identity (docs/secure.md),
  // the payload keys and any service-specific settings; no metrics port, so replicas do not collide.
  return {
    name: replica > 1 ? `${service}#${replica}` : service,
    group,
    service,
    ...serviceEntry(service),
    ...extra,
    env: { ...serviceEnv(service), ...extra.env },
  };
}

/** A process under test, with the group its CPU and memory are counted under. */
export class BenchProcess extends NodeProcess {
  constructor(readonly bench: ProcessSpec) {
    super({ ...bench, logDir: join(stackEnv().stateDir, 'logs', 'bench'), readyTimeoutMs: 120_000 });
  }

  get tracked(): Tracked | undefined {
    return this.pid ? { name: this.bench.name, group: this.bench.group, pid: this.pid } : undefined;
  }
}

/** Starts the specs side by side; on any failure stops the ones that did start. */
export async function startAll(specs: ProcessSpec[]): Promise<BenchProcess[]> {
  // As ServiceSet does: every service has its identity, and the streams exist, before any starts.
  const services = [...new Set(specs.flatMap((s) => (s.service ? [s.service] : [])))];
  await ensureNatsIdentities(services);
  await (await testBus('bench-topology')).close();
  if (services.includes('gateway')) await ensureLocalWebhookSource();
  const processes = specs.map((s) => new BenchProcess(s));
  const results = await Promise.allSettled(processes.map((p) => p.start()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await stopAll(processes);
    throw failed.reason;
  }
  return processes;
}

export async function stopAll(processes: BenchProcess[]): Promise<void> {
  await Promise.allSettled(processes.map((p) => p.stop()));
}

/**
 * The stack's own servers (infra/stack.sh pid files), tracked for memory and CPU: the dev
 * topology's nats, temporal and zipkin (the one trace backend, which every service exports to);
 * the cluster topology's nats-1..3 (group nats), postgres (with its backend processes), temporal
 * (the Temporal server) and temporal-ui.
 */
export function infraProcesses(): Tracked[] {
  const out: Tracked[] = [];
  for (const name of ['nats', 'nats-1', 'nats-2', 'nats-3', 'postgres', 'temporal', 'temporal-ui', 'zipkin']) {
    try {
      const pid = Number(readFileSync(join(stackEnv().stateDir, 'run', `${name}.pid`), 'utf8').trim());
      const group = name.replace(/-\d$/, '');
      if (pid > 0) out.push({ name, group, pid, ...(name === 'postgres' ? { withChildren: true } : {}) });
    } catch {
      // Not started by infra/stack.sh (an outside server): nothing of ours to measure.
    }
  }
  return out;
}

/**
 * Every server infra/stack.sh started for this profile (each run/NAME.pid), the ones
 * infraProcesses leaves out included (prometheus): what the pinned scale-out pins and
 * counts, so no server of the stack runs beside an orchestrator unaccounted for.
 */
export function stackProcesses(): Tracked[] {
  const known = infraProcesses();
  const runDir = join(stackEnv().stateDir, 'run');
  let names: string[] = [];
  try {
    names = readdirSync(runDir)
      .filter((n) => n.endsWith('.pid'))
      .map((n) => n.slice(0, -'.pid'.length));
  } catch {
    return known;
  }
  const out = [...known];
  for (const name of names) {
    if (known.some((k) => k.name === name)) continue;
    const pid = Number(readFileSync(join(runDir, `${name}.pid`), 'utf8').trim());
    if (pid > 0) out.push({ name, group: name.replace(/-\d$/, ''), pid });
  }
  return out;
}
