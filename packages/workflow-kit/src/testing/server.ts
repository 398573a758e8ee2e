// Where the workflow test harness finds Temporal's time-skipping test server, how it starts it,
// and how loud the SDK may be: the Java build that `infra/obtain.sh temporal-test-server` copies
// from Maven Central (`npm test` and `npm run test:fast` obtain it through infra/bootstrap.sh).
//
// The harness starts the server itself rather than through the SDK's ephemeral-server launcher:
// that launcher gives the JVM a fixed five seconds to listen, which a loaded machine misses (seen
// at load 47: three starts in a row missed it and a workflow test file failed). Here the process
// gets its own, generous deadline, and a port taken meanwhile by another process means a retry.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { loadConfig } from '@baton/contracts';

const REPO_BIN_DIR = fileURLToPath(new URL('../../../../.baton/bin/', import.meta.url));

export const HarnessConfig = z.object({
  /** Another executable taking `<port>` (default: temporal-test-server in BATON_BIN_DIR). */
  BATON_TEMPORAL_TEST_SERVER: z.string().min(1).optional(),
  /** The local stack's bin folder (infra/env.sh); default the repository's .baton/bin. */
  BATON_BIN_DIR: z.string().min(1).optional(),
  /** `debug` shows the SDK's own log lines during workflow tests (default: errors only). */
  BATON_TEST_LOG: z.enum(['debug', 'warn', 'error']).default('error'),
});

export function harnessConfig(env?: Record<string, string | undefined>): z.output<typeof HarnessConfig> {
  return loadConfig(HarnessConfig, env);
}

export function testServerExecutable(env?: Record<string, string | undefined>): string {
  const config = harnessConfig(env);
  const path = config.BATON_TEMPORAL_TEST_SERVER ?? join(config.BATON_BIN_DIR ?? REPO_BIN_DIR, 'temporal-test-server');
  if (!existsSync(path)) {
    throw new Error(
      `workflow tests need Temporal's test server at ${path}: run \`bash infra/obtain.sh temporal-test-server\` ` +
        '(npm test and npm run test:fast do it for you), or set BATON_TEMPORAL_TEST_SERVER to one',
    );
  }
  return path;
}

/** How long the test server's JVM may take to listen (a busy 2-core machine: seconds, not minutes). */
const LISTEN_DEADLINE_MS = 120_000;

export interface TestServerProcess {
  /** host:port the server listens on. */
  readonly address: string;
  stop(): Promise<void>;
}

/** Starts the test server on a free loopback port and resolves once it accepts connections. */
export async function startTestServerProcess(executable = testServerExecutable()): Promise<TestServerProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(executable, [String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-2_000)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // A test process that ends without closing its harness takes its server with it.
    const onExit = () => child.kill('SIGKILL');
    process.once('exit', onExit);
    void exited.then(() => process.off('exit', onExit));
    const listening = await untilListening(port, exited);
    if (listening === 'listening') return { address: `127.0.0.1:${port}`, stop: () => stopProcess(child, exited) };
    if (listening === 'exited' && attempt < 3) continue; // most likely the port was taken meanwhile
    await stopProcess(child, exited);
    throw new Error(
      `Temporal's test server (${executable}) ${listening === 'exited' ? 'exited' : `did not listen within ${LISTEN_DEADLINE_MS} ms`}: ${stderr.trim()}`,
    );
  }
}

async function untilListening(
  port: number,
  exited: Promise<number | null>,
): Promise<'listening' | 'exited' | 'timeout'> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + LISTEN_DEADLINE_MS;
  while (Date.now() < deadline) {
    if (gone) return 'exited';
    if (await accepts(port)) return 'listening';
    await delay(100);
  }
  return 'timeout';
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1_000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => (socket.destroy(), resolve(false)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port')),
      );
    });
  });
}

async function stopProcess(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), delay(10_000).then(() => false)]);
  if (!stopped) child.kill('SIGKILL');
}
