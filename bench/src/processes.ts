// Starts the processes under test the way users run them (`node --import tsx <main.ts>`), with
// replicas: the testkit's ServiceSet holds one process per service name, and the bench needs two
// echo agents or two orchestrators side by side, plus its own floor worker. Each process logs to
// <state>/logs/bench/<name>.log; "ready" on stdout means it is serving.
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { AgentName } from '@baton/contracts';
import { repoRoot, stackEnv } from '@baton/testkit';
import type { Tracked } from './usage.js';

export interface ProcessSpec {
  name: string;
  group: string;
  /** Entry point, relative to the repository root. */
  entry: string;
  env?: Record<string, string>;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
}

/** The spec of one replica of a service under services/. */
export function serviceSpec(service: string, replica = 1, extra: Pick<ProcessSpec, 'env' | 'nodeFlags'> = {}): ProcessSpec {
  // Agents are the names in the contracts table; anything else (orchestrator, gateway, console) is its own group.
  const group = (AgentName.options as readonly string[]).includes(service) ? 'agents' : service.endsWith('-sim') ? 'simulators' : service;
  return { name: replica > 1 ? `${service}#${replica}` : service, group, entry: join('services', service, 'src', 'main.ts'), ...extra };
}

export class BenchProcess {
  private child: ResultPromise | undefined;
  readonly logFile: string;

  constructor(readonly spec: ProcessSpec) {
    const dir = join(stackEnv().stateDir, 'logs', 'bench');
    mkdirSync(dir, { recursive: true });
    this.logFile = join(dir, `${spec.name.replace('#', '-')}.log`);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get tracked(): Tracked | undefined {
    return this.pid ? { name: this.spec.name, group: this.spec.group, pid: this.pid } : undefined;
  }

  async start(readyTimeoutMs = 120_000): Promise<this> {
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const child = execa('node', [...(this.spec.nodeFlags ?? []), '--import', 'tsx', this.spec.entry], {
      cwd: repoRoot,
      env: this.spec.env ?? {},
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
      let tail = '';
      const timer = setTimeout(() => reject(new Error(`${this.spec.name} did not log "ready" within ${readyTimeoutMs} ms (see ${this.logFile})`)), readyTimeoutMs);
      const onData = (chunk: Buffer) => {
        // Keep a little of the previous chunk: the marker may straddle two.
        tail = (tail + chunk.toString()).slice(-4096);
        if (tail.includes('"msg":"ready"')) {
          clearTimeout(timer);
          child.stdout?.off('data', onData);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      void child.then((result) => {
        clearTimeout(timer);
        reject(new Error(`${this.spec.name} exited during start (code ${result.exitCode}, signal ${result.signal}); see ${this.logFile}`));
      });
    });
    return this;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    await child;
    this.child = undefined;
  }
}

/** Starts the specs side by side; on any failure stops the ones that did start. */
export async function startAll(specs: ProcessSpec[]): Promise<BenchProcess[]> {
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

/** The stack's own servers (infra/stack.sh pid files), tracked for memory and CPU. */
export function infraProcesses(): Tracked[] {
  const out: Tracked[] = [];
  for (const name of ['nats', 'temporal', 'jaeger']) {
    try {
      const pid = Number(readFileSync(join(stackEnv().stateDir, 'run', `${name}.pid`), 'utf8').trim());
      if (pid > 0) out.push({ name, group: name, pid });
    } catch {
      // Not started by infra/stack.sh (an outside server): nothing of ours to measure.
    }
  }
  return out;
}
