// Several services in one process, for local development only. Every Baton service is its own
// program (its own main.ts, image, NATS identity and metrics port), and compose and k8s run each
// in its own container. On a laptop or in the test run, though, thirty-odd Node processes cost
// about 130 MB each before they do anything; the service host (packages/testkit's service-host)
// runs the agents and simulators in one process instead, each inside its own scope:
//
// - its settings come from the environment the host gave it, not the process's (loadConfig);
// - its spans and metrics carry its own service name (packages/telemetry routes them by scope);
// - its log lines go to its own log file;
// - its shutdown steps are the host's to run, on the host's signal.
//
// The scope is an AsyncLocalStorage store, entered once around the service's start: everything the
// service starts from there (its NATS consumers, its HTTP server's requests, its timers) runs inside
// it. Outside a host there is no scope and every reader below falls back to the process's own.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface HostedService {
  /** The service's folder name (`availability`, `pos-sim`). */
  readonly name: string;
  /** Its whole environment: the host's, with the service's own variables on top. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where its log lines go. */
  readonly logFile: string;
  /** Its shutdown steps, in order, run by the host when it stops (see onShutdown). */
  readonly closers: Array<() => Promise<unknown>>;
}

const scope = new AsyncLocalStorage<HostedService>();

/** Runs a service's start inside its scope; what it starts stays in the scope after it returns. */
export function runHosted<T>(service: HostedService, start: () => Promise<T>): Promise<T> {
  return scope.run(service, start);
}

/** The hosted service whose code is running now, or undefined (a service in its own process). */
export function hostedService(): HostedService | undefined {
  return scope.getStore();
}

/** The environment of the service running now: its host's gift, or the process's own. */
export function serviceEnv(): Readonly<Record<string, string | undefined>> {
  return scope.getStore()?.env ?? process.env;
}
