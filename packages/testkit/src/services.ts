// Baton's services as real child processes (the same entry points users run), one per name, and
// the set a test or the demo starts and stops together.
import { join } from 'node:path';
import { stackEnv } from './env.js';
import { consoleUsersEnv } from './console-users.js';
import { NodeProcess } from './node-process.js';

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

/** One Baton service from services/<name>, with its metrics port (and, for the console, what it reads). */
export class ServiceProcess extends NodeProcess {
  constructor(
    readonly name: ServiceName,
    options: ServiceOptions = {},
  ) {
    super({
      name,
      entry: join('services', name, 'src', 'main.ts'),
      logDir: join(stackEnv().stateDir, 'logs', 'services'),
      env: { BATON_METRICS_PORT: String(metricsPortOf(name)), ...(name === 'console' ? consoleEnv() : {}), ...options.env },
      ...(options.readyTimeoutMs ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
    });
  }

  /** Where this service's Prometheus endpoint listens: a fixed port per service name. */
  get metricsUrl(): string {
    return `http://${stackEnv().BATON_HOST}:${metricsPortOf(this.name)}/metrics`;
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
