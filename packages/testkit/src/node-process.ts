// Runs a Baton entry point as a real child process, the way users run it: built JavaScript with
// `node --enable-source-maps <entry>.js` (services start from dist/), a TypeScript entry (a
// test's fixture) with `node --conditions=baton-source --import tsx <entry>.ts`. Output to a log
// file, "ready" on stdout means serving, SIGTERM to stop, SIGKILL to crash. execa supervises the
// child and kills it if the parent exits.
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { repoRoot } from './env.js';
import { WaitTimeoutError } from './wait.js';

export interface NodeProcessSpec {
  name: string;
  /** Entry point, relative to the repository root. */
  entry: string;
  /** Arguments after the entry point. */
  args?: string[];
  /** Folder of the log file `<name>.log`. */
  logDir: string;
  env?: Record<string, string>;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
  /** Bound on reaching "ready" (the orchestrator bundles workflow code at start). */
  readyTimeoutMs?: number;
}

const READY = '"msg":"ready"';
/** Node's on-disk cache of compiled modules (git-ignored, like everything under .baton). */
const COMPILE_CACHE_DIR = join(repoRoot, '.baton', 'cache', 'node-compile');

export class NodeProcess {
  private child: ResultPromise | undefined;
  readonly logFile: string;

  constructor(readonly spec: NodeProcessSpec) {
    mkdirSync(spec.logDir, { recursive: true });
    this.logFile = join(spec.logDir, `${spec.name.replace(/[^A-Za-z0-9._-]/g, '-')}.log`);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<this> {
    const { name, entry, args = [], env = {}, nodeFlags = [], readyTimeoutMs = 60_000 } = this.spec;
    const log = createWriteStream(this.logFile, { flags: 'a' });
    // Built code with its source maps, so a stack trace names the .ts line, as it did under tsx
    // (measured: no difference in start time, a few MB).
    const loader = entry.endsWith('.ts') ? ['--conditions=baton-source', '--import', 'tsx'] : ['--enable-source-maps'];
    const child = execa('node', [...nodeFlags, ...loader, entry, ...args], {
      cwd: repoRoot,
      // Node keeps the compiled code of every module it loads in this folder and reads it at the
      // next start: an agent's start then takes about a quarter less CPU (measured: its imports
      // 0.54 s of CPU without, 0.41 s with), which adds up over the hundreds of starts of a test run.
      env: { NODE_COMPILE_CACHE: COMPILE_CACHE_DIR, ...env },
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
    // A process that never got ready is not left behind (it would keep the test process alive).
    await this.untilReady(child, name, readyTimeoutMs).catch((err: unknown) => {
      child.kill('SIGKILL');
      this.child = undefined;
      throw err;
    });
    return this;
  }

  private untilReady(child: ResultPromise, name: string, readyTimeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let tail = '';
      const timer = setTimeout(
        () =>
          reject(new WaitTimeoutError(`${name} did not log "ready" within ${readyTimeoutMs} ms (see ${this.logFile})`)),
        readyTimeoutMs,
      );
      const onData = (chunk: Buffer) => {
        // Keep the end of the previous chunk: the marker may straddle two.
        tail = (tail + chunk.toString()).slice(-4096);
        if (tail.includes(READY)) {
          clearTimeout(timer);
          child.stdout?.off('data', onData);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      void child.then((result) => {
        clearTimeout(timer);
        reject(
          new Error(
            `${name} exited during start (code ${result.exitCode}, signal ${result.signal}); see ${this.logFile}`,
          ),
        );
      });
    });
  }

  /** SIGKILL: the process gets no chance to ack, flush or say goodbye. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill(signal);
    await child;
    this.child = undefined;
  }
}
