// Baton's services as real child processes (the same entry points users run), one per name, and
// the set a test or the demo starts and stops together. The set is discovered, not listed: every
// folder under services/ with src/main.ts, and every agent kept in a workflow's own folder
// (workflows/<name>/agents/<agent>.ts, served by packages/agent/src/serve.ts). Services run built:
// `node services/<name>/dist/main.js` (infra/build.mjs; ServiceSet.start builds what changed first).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { repoRoot, stackEnv } from './env.js';
import { consoleUsersEnv } from './console-users.js';
import { NodeProcess } from './node-process.js';
import { ensureNatsIdentities, identityEnv } from './identities.js';
import { temporalIdentityEnv, temporalTlsDir } from './temporal-identities.js';
import { payloadKeyEnv, testBus } from './clients.js';
import { ensureLocalWebhookSource, localWebhookCredentials, stateSecret } from './webhook.js';

export type ServiceName = string;

/** Where a service's built code is: its entry point and the arguments after it. */
export function serviceEntry(name: ServiceName): { entry: string; args: string[] } {
  const agent = workflowAgents().get(name);
  if (!agent) return { entry: join('services', name, 'dist', 'main.js'), args: [] };
  // workflows/<w>/agents/<a>.ts is built into workflows/<w>/dist/agents/<a>.js.
  return {
    entry: join('packages', 'agent', 'dist', 'serve.js'),
    args: [join(dirname(dirname(agent)), 'dist', 'agents', `${basename(agent, '.ts')}.js`)],
  };
}

let builtOnce = false;
/** Builds what changed since the last build (infra/build.mjs; ~0.1 s when nothing did), so
 *  services never start from dist/ older than their sources. */
export function buildServices(): void {
  execFileSync(process.execPath, [join(repoRoot, 'infra', 'build.mjs'), '--quiet'], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  builtOnce = true;
}

/** Agents inside workflow folders, by name (the file's name), with their path from the root. */
function workflowAgents(): Map<string, string> {
  const agents = new Map<string, string>();
  const root = join(repoRoot, 'workflows');
  for (const workflow of existsSync(root) ? readdirSync(root).sort() : []) {
    const dir = join(root, workflow, 'agents');
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .sort())
      agents.set(basename(file, '.ts'), join('workflows', workflow, 'agents', file));
  }
  return agents;
}

/** Every service, discovered now: simulators first, then Baton's own, then the agents, console last. */
export function allServices(): ServiceName[] {
  const folders = readdirSync(join(repoRoot, 'services'))
    .filter((d) => existsSync(join(repoRoot, 'services', d, 'src', 'main.ts')))
    .sort();
  const rank = (n: string) =>
    n.endsWith('-sim') ? 0 : n === 'orchestrator' || n === 'gateway' ? 1 : n === 'console' ? 3 : 2;
  return [...folders, ...workflowAgents().keys()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Baton's own services, which every workflow runs on. */
export const PLATFORM_SERVICES: readonly ServiceName[] = ['gateway', 'orchestrator', 'console'];

/**
 * The services some of the registered workflows run on, for a test that exercises only those:
 * Baton's own, the services each workflow's package.json declares (`"baton": { "services": [...] }`:
 * its agents and the simulated systems they call), and every service no workflow declares (a
 * workflow scaffolded a moment ago, an agent of its own). `'all'`: every service.
 */
export function servicesForWorkflows(workflows: readonly string[] | 'all'): ServiceName[] {
  const all = allServices();
  if (workflows === 'all') return all;
  const root = join(repoRoot, 'workflows');
  const declared = new Map<string, string[]>();
  for (const folder of existsSync(root) ? readdirSync(root) : []) {
    const manifest = join(root, folder, 'package.json');
    if (!existsSync(manifest)) continue;
    const services = (JSON.parse(readFileSync(manifest, 'utf8')) as { baton?: { services?: unknown } }).baton?.services;
    if (services === undefined) continue;
    if (!Array.isArray(services) || !services.every((s) => typeof s === 'string' && all.includes(s))) {
      throw new Error(`${manifest}: baton.services must list services that exist (${all.join(', ')})`);
    }
    declared.set(folder, services as string[]);
  }
  // A folder that declares nothing (a workflow scaffolded a moment ago) runs on the services no
  // workflow declares, its own agents among them.
  const unknown = workflows.filter((w) => !declared.has(w) && !existsSync(join(root, w, 'src')));
  if (unknown.length)
    throw new Error(`no workflow folder ${unknown.join(', ')} (workflows: ${[...declared.keys()].join(', ')})`);
  const anyDeclared = new Set([...declared.values()].flat());
  const wanted = new Set([
    ...PLATFORM_SERVICES,
    ...workflows.flatMap((w) => declared.get(w) ?? []),
    ...all.filter((s) => !anyDeclared.has(s)),
  ]);
  return all.filter((s) => wanted.has(s));
}

/** The services at the time the test kit was loaded. */
export const ALL_SERVICES: readonly ServiceName[] = allServices();

export function metricsPortOf(name: string): number {
  const services = allServices();
  const index = services.indexOf(name);
  return stackEnv().BATON_METRICS_BASE_PORT + (index >= 0 ? index : services.length + 1);
}

/** The console reads every other service's metrics, links to the trace dashboard, and lets the
 *  local stack's people sign in (unless BATON_CONSOLE_USERS says who). */
/** The accounting simulator posts its events to the webhook as the local stack's signed source. */
function accountingEnv(): Record<string, string> {
  const { source, secret } = localWebhookCredentials();
  return { BATON_ACCOUNTING_WEBHOOK_SOURCE: source, BATON_ACCOUNTING_WEBHOOK_SECRET: secret };
}

function consoleEnv(): Record<string, string> {
  const env = stackEnv();
  const targets = allServices()
    .filter((n) => n !== 'console')
    .map((n) => `${n}=http://${env.BATON_HOST}:${metricsPortOf(n)}/metrics`);
  return {
    BATON_METRICS_TARGETS: targets.join(','),
    BATON_TRACE_UI_URL: env.BATON_ZIPKIN_URL,
    BATON_TRACE_UI_KIND: 'zipkin',
    ...(process.env.BATON_CONSOLE_USERS ? {} : { BATON_CONSOLE_USERS: consoleUsersEnv() }),
    // One secret per state folder: a restarted console, or a second replica, reads the same sessions.
    ...(process.env.BATON_CONSOLE_SESSION_SECRET
      ? {}
      : { BATON_CONSOLE_SESSION_SECRET: stateSecret('console-session-secret') }),
  };
}

/**
 * What a service needs from the local stack beyond its config defaults: its NATS and Temporal identities, the
 * payload keys, and the console's and the accounting simulator's extra settings. The bench starts
 * its replicas with the same environment.
 */
export function serviceEnv(name: ServiceName): Record<string, string> {
  return {
    ...identityEnv(name),
    ...temporalIdentityEnv(name),
    ...(payloadKeyEnv() === process.env ? {} : (payloadKeyEnv() as Record<string, string>)),
    ...(name === 'console' ? consoleEnv() : {}),
    ...(name === 'approver-notify' ? approverNotifyEnv() : {}),
    ...(name === 'accounting-sim' ? accountingEnv() : {}),
  };
}

/** The approver notifier tells the console's people: it reads the same accounts (their roles and channels). */
function approverNotifyEnv(): Record<string, string> {
  return process.env.BATON_CONSOLE_USERS ? {} : { BATON_CONSOLE_USERS: consoleUsersEnv() };
}

export interface ServiceOptions {
  env?: Record<string, string>;
  /** Bound on reaching "ready" (the orchestrator bundles workflow code at start). */
  readyTimeoutMs?: number;
}

export interface ServiceSetOptions extends ServiceOptions {
  /** Run the agents and simulators in one host process (packages/service-host) instead of one
   *  process each: about a tenth of the memory and of the start-up CPU, for the demo and for test
   *  files that never stop, kill or restart one of them. Baton's own services (PLATFORM_SERVICES)
   *  keep processes of their own, and so do the services in `except` (a test kills or restarts
   *  them). Default: one process per service. */
  hosted?: boolean | { except: readonly ServiceName[] };
}

/** One Baton service from services/<name>, with its metrics port (and, for the console, what it reads). */
export class ServiceProcess extends NodeProcess {
  constructor(
    readonly name: ServiceName,
    options: ServiceOptions = {},
  ) {
    super({
      name,
      ...serviceEntry(name),
      logDir: join(stackEnv().stateDir, 'logs', 'services'),
      env: { BATON_METRICS_PORT: String(metricsPortOf(name)), ...serviceEnv(name), ...options.env },
      ...(options.readyTimeoutMs ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
    });
  }

  /** Starts the built service; the first start of a process without a ServiceSet builds first. */
  override async start(): Promise<this> {
    if (!builtOnce) buildServices();
    return super.start();
  }

  /** Where this service's Prometheus endpoint listens: a fixed port per service name. */
  get metricsUrl(): string {
    return `http://${stackEnv().BATON_HOST}:${metricsPortOf(this.name)}/metrics`;
  }
}

/** A service this test may read (its metrics, its log) but not start, stop or kill on its own. */
abstract class UncontrolledServiceProcess extends ServiceProcess {
  /** Why not: the error each of start, stop and kill rejects with. */
  protected abstract refusal(what: string): Error;

  override start(): Promise<this> {
    return Promise.reject(this.refusal('start'));
  }
  override stop(): Promise<void> {
    return Promise.reject(this.refusal('stop'));
  }
  override kill9(): Promise<void> {
    return Promise.reject(this.refusal('kill'));
  }
}

/** A service running inside the set's host process: its metrics and log file are its own, but
 *  it cannot be stopped, killed or restarted on its own (its host would take the others along). */
export class HostedServiceProcess extends UncontrolledServiceProcess {
  constructor(
    name: ServiceName,
    private readonly host: ServiceHostProcess,
    options: ServiceOptions = {},
  ) {
    super(name, options);
  }

  override get pid(): number | undefined {
    return this.host.pid;
  }

  protected refusal(what: string): Error {
    return hostedRefusal(this.name, what);
  }
}

function hostedRefusal(name: string, what: string): Error {
  return new Error(
    `cannot ${what} ${name} on its own: it runs in the set's service host; start the set without { hosted: true } to control it`,
  );
}

/** The one process that runs a set's hosted services (packages/service-host), given them in a
 *  manifest file next to the profile's pid files. */
export class ServiceHostProcess extends NodeProcess {
  constructor(groups: readonly (readonly ServiceProcess[])[], options: ServiceOptions = {}) {
    const manifest = join(stackEnv().stateDir, 'run', `service-host-${process.pid}-${++hostsMade}.json`);
    mkdirSync(dirname(manifest), { recursive: true });
    const spec = (service: ServiceProcess) => {
      const { entry, args } = serviceEntry(service.name);
      return {
        name: service.name,
        ...(args.length ? { agentModule: args[0] } : { main: entry }),
        env: service.spec.env ?? {},
        logFile: service.logFile,
      };
    };
    // Its variables include key material paths and payload keys: readable by this user only.
    writeFileSync(manifest, JSON.stringify({ groups: groups.filter((g) => g.length).map((g) => g.map(spec)) }), {
      mode: 0o600,
    });
    super({
      name: 'service-host',
      entry: join('packages', 'service-host', 'dist', 'main.js'),
      args: [manifest],
      logDir: join(stackEnv().stateDir, 'logs', 'services'),
      ...(options.readyTimeoutMs ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
    });
  }
}
let hostsMade = 0;

/** A service of the run's shared set (see sharedServices): a file reads its metrics but may not
 *  stop, kill or restart it, since the files after it use the same process. */
export class SharedServiceProcess extends UncontrolledServiceProcess {
  protected refusal(what: string): Error {
    return refusal(this.name, what);
  }
}

function refusal(name: string, what: string): Error {
  return new Error(
    `cannot ${what} ${name}: it belongs to the run's shared services; a test file that controls its services starts its own (first line of the file: "${OWN_SERVICES_MARK}", see infra/test.sh)`,
  );
}

/** The header line that puts an end-to-end file in the group that starts its own services. */
export const OWN_SERVICES_MARK = '// test-tier: own-services';

/** The variable the run's global set-up sets to the names of the services it started. */
export const SHARED_SERVICES_VARIABLE = 'BATON_SHARED_SERVICES';

/** The names of the shared services running for this file, or undefined when there are none. */
export function sharedServices(env: Record<string, string | undefined> = process.env): ServiceName[] | undefined {
  const names = env[SHARED_SERVICES_VARIABLE];
  return names ? (names.split(',') as ServiceName[]) : undefined;
}

/** What every start of services needs first: built code, identities, streams, the webhook source. */
async function prepare(names: readonly ServiceName[]): Promise<void> {
  buildServices();
  // Every service has its NATS identity, and Baton's streams exist before anyone waits for them.
  await ensureNatsIdentities(names);
  await (await testBus('testkit-topology')).close();
  if (names.includes('gateway')) {
    // The webhook's publisher is known before the gateway starts (postEvent would register it too).
    await ensureLocalWebhookSource();
    writeGatewayStartTypes();
  }
}

/** The workflow types the gateway's Temporal identity may start, from the registry as it is now
 *  (infra/stack.sh writes them when it starts Temporal; a workflow added since, e.g. one just
 *  scaffolded, needs them written again; baton-temporal reads the file when it changes). */
function writeGatewayStartTypes(): void {
  const file = join(temporalTlsDir(), 'gateway-workflow-types');
  const types = execFileSync(process.execPath, [join('services', 'gateway', 'dist', 'print-start-types.js')], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (existsSync(file) && readFileSync(file, 'utf8') === types) return;
  writeFileSync(`${file}.tmp`, types);
  renameSync(`${file}.tmp`, file);
}

export class ServiceSet {
  readonly byName = new Map<ServiceName, ServiceProcess>();

  /** The run's shared services, already running (started by the test run's global set-up). */
  static attach(names: readonly ServiceName[]): ServiceSet {
    const set = new ServiceSet();
    for (const name of names) set.byName.set(name, new SharedServiceProcess(name));
    set.shared = true;
    return set;
  }

  /** Whether these are the run's shared services (stop() then leaves them running). */
  shared = false;

  static async start(
    names: readonly ServiceName[] = allServices(),
    options: ServiceSetOptions = {},
  ): Promise<ServiceSet> {
    const set = new ServiceSet();
    await prepare(names);
    // A service as a process of its own, registered before it is ready, so a failed start (one
    // service missing its ready line) still stops every process of the set.
    const own = (name: ServiceName) => async () => {
      const service = new ServiceProcess(name, options);
      set.byName.set(name, service);
      await service.start();
    };
    const isSim = (n: ServiceName) => n.endsWith('-sim');
    if (!options.hosted) {
      // The simulators come first: agents call them; the others start side by side.
      await set.startGroups([names.filter(isSim).map(own), names.filter((n) => !isSim(n)).map(own)]);
      return set;
    }
    // Baton's own services as processes of their own, the rest in one service host (which starts
    // its simulators first).
    const except: readonly ServiceName[] = typeof options.hosted === 'object' ? options.hosted.except : [];
    const ownProcess = (n: ServiceName) => PLATFORM_SERVICES.includes(n) || except.includes(n);
    const guests = names.filter((n) => !ownProcess(n));
    const placeholders = guests.map((name) => new ServiceProcess(name, options));
    const host = new ServiceHostProcess(
      [placeholders.filter((s) => isSim(s.name)), placeholders.filter((s) => !isSim(s.name))],
      options,
    );
    for (const name of guests) set.byName.set(name, new HostedServiceProcess(name, host, options));
    set.host = guests.length ? host : undefined;
    await set.startGroups([[...(set.host ? [() => host.start()] : []), ...names.filter(ownProcess).map(own)]]);
    return set;
  }

  /** Runs the starts group by group, each group's side by side. Every start of a group settles
   *  before a failure is reported, so none is left running unowned; on a failure the whole set
   *  is stopped. */
  private async startGroups(groups: ReadonlyArray<ReadonlyArray<() => Promise<unknown>>>): Promise<void> {
    try {
      for (const group of groups) {
        const started = await Promise.allSettled(group.map((start) => start()));
        const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** The process running the hosted services, when the set was started with { hosted: true }. */
  host: ServiceHostProcess | undefined;

  get(name: ServiceName): ServiceProcess {
    const service = this.byName.get(name);
    if (!service) throw new Error(`service ${name} is not part of this set`);
    return service;
  }

  async stop(): Promise<void> {
    if (this.shared) return;
    const own = [...this.byName.values()].filter((s) => !(s instanceof HostedServiceProcess));
    await Promise.allSettled([...own.map((s) => s.stop()), ...(this.host ? [this.host.stop()] : [])]);
  }
}
