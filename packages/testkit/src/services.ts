// Starts Baton services as real child processes (the same entry points users run), waits until
// each logs "ready", keeps their output in log files, and kills them on request or at exit.
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { repoRoot, stackEnv } from './env.js';
import { WaitTimeoutError } from './wait.js';
import { consoleUsersEnv } from './console-users.js';

export const ALL_SERVICES = ['pos-sim', 'messaging-sim', 'payment-sim', 'orchestrator', 'gateway', 'intake', 'availability', 'safety', 'payment', 'booking', 'notifier', 'concierge', 'console'] as const;
export type ServiceName = (typeof ALL_SERVICES)[number];

export function metricsPortOf(name: string): number {
  const index = (ALL_SERVICES as readonly string[]).indexOf(name);
  return stackEnv().BATON_METRICS_BASE_PORT + (index >= 0 ? index : ALL_SERVICES.length + 1);
}

/** The console reads every other service's metrics, links to the trace dashboard, and lets the
 *  local stack's people sign in (unless BATON_CONSOLE_USERS says who). */
function consoleEnv(): Record<string, string> {
  const env = stackEnv();
  const targets = ALL_SERVICES.filter((n) => n !== 'console').map((n) => `${n}=http://${env.BATON_HOST}:${metricsPortOf(n)}/metrics`);
  return {
    BATON_METRICS_TARGETS: targets.join(','),
    BATON_TRACE_UI_URL: env.BATON_JAEGER_QUERY_URL,
    ...(process.env.BATON_CONSOLE_USERS ? {} : { BATON_CONSOLE_USERS: consoleUsersEnv() }),
  };
}

export interface ServiceOptions {
  env?: Record<string, string>;
  /** Bound on reaching "ready" (the orchestrator bundles workflow code at start). */
  readyTimeoutMs?: number;
}

export class ServiceProcess {
  private child: ResultPromise | undefined;
  readonly logFile: string;

  constructor(
    readonly name: ServiceName,
    private readonly options: ServiceOptions = {},
  ) {
    const logDir = join(stackEnv().stateDir, 'logs', 'services');
    mkdirSync(logDir, { recursive: true });
    this.logFile = join(logDir, `${name}.log`);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Where this service's Prometheus endpoint listens: a fixed port per service name. */
  get metricsUrl(): string {
    return `http://${stackEnv().BATON_HOST}:${metricsPortOf(this.name)}/metrics`;
  }

  async start(): Promise<this> {
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const child = execa('node', ['--import', 'tsx', join('services', this.name, 'src', 'main.ts')], {
      cwd: repoRoot,
      env: { BATON_METRICS_PORT: String(metricsPortOf(this.name)), ...(this.name === 'console' ? consoleEnv() : {}), ...this.options.env },
      extendEnv: true,
      reject: false,
      buffer: false,
      stdin: 'ignore',
      cleanup: true,
      forceKillAfterDelay: 10_000,
    });
    this.child = child;
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new WaitTimeoutError(`${this.name} did not log "ready" (see ${this.logFile})`)), this.options.readyTimeoutMs ?? 60_000);
      const onData = (chunk: Buffer) => {
        if (chunk.toString().includes('"msg":"ready"')) {
          clearTimeout(timer);
          child.stdout?.off('data', onData);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      void child.then((result) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited during start (code ${result.exitCode}, signal ${result.signal}); see ${this.logFile}`));
      });
    });
    return this;
  }

  /** SIGKILL: the process gets no chance to ack, flush or say goodbye. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await child;
    this.child = undefined;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    await child;
    this.child = undefined;
  }
}

export class ServiceSet {
  readonly byName = new Map<ServiceName, ServiceProcess>();

  static async start(names: readonly ServiceName[] = ALL_SERVICES, options: ServiceOptions = {}): Promise<ServiceSet> {
    const set = new ServiceSet();
    // The simulators come first: agents call them; the others start side by side.
    const [sims, rest] = [names.filter((n) => n.endsWith('-sim')), names.filter((n) => !n.endsWith('-sim'))];
    try {
      for (const group of [sims, rest]) {
        await Promise.all(group.map(async (name) => set.byName.set(name, await new ServiceProcess(name, options).start())));
      }
    } catch (err) {
      await set.stop();
      throw err;
    }
    return set;
  }

  get(name: ServiceName): ServiceProcess {
    const service = this.byName.get(name);
    if (!service) throw new Error(`service ${name} is not part of this set`);
    return service;
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.byName.values()].map((s) => s.stop()));
  }
}
