// What the bench ran on, so a table is never read without its machine.
import { readFileSync, readlinkSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem, release, platform } from 'node:os';
import { execa } from 'execa';
import { repoRoot, stackEnv } from '@baton/testkit';

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memTotalGiB: number;
  memFreeGiB: number;
  loadAverage: [number, number, number];
  os: string;
  node: string;
  servers: Record<string, string>;
  /** infra/env.sh's BATON_TOPOLOGY: dev (one nats-server, the dev server on SQLite) or cluster. */
  topology: string;
  git: string;
}

async function firstLine(cmd: string, args: string[]): Promise<string> {
  const result = await execa(cmd, args, { reject: false, cwd: repoRoot, timeout: 10_000 });
  return `${result.stdout}`.split('\n')[0]?.trim() || 'unknown';
}

/** The binary a running server was started from (infra/obtain.sh may have found it anywhere). */
function exeOf(pid: number | undefined): string | undefined {
  try {
    return pid ? readlinkSync(`/proc/${pid}/exe`) : undefined;
  } catch {
    return undefined;
  }
}

async function version(exe: string | undefined, args: string[]): Promise<string> {
  return exe ? firstLine(exe, args) : 'not measured (not started by infra/stack.sh)';
}

/** The running Zipkin's version, from its /info endpoint (a jar under java: no binary to ask). */
async function zipkinVersion(): Promise<string> {
  try {
    const response = await fetch(`${stackEnv().BATON_ZIPKIN_URL}/info`, { signal: AbortSignal.timeout(5_000) });
    const info = (await response.json()) as { zipkin?: { version?: string } };
    return `zipkin ${info.zipkin?.version ?? 'unknown'}`;
  } catch {
    return 'zipkin not reachable';
  }
}

export async function machineInfo(
  serverPids: Record<'nats' | 'temporal', number | undefined> & { postgres?: number | undefined },
): Promise<MachineInfo> {
  let os = `${platform()} ${release()}`;
  try {
    os = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os;
  } catch {
    // Not Linux: the platform and release will do.
  }
  const [nats, temporal, zipkin, postgres, head, dirty] = await Promise.all([
    version(exeOf(serverPids.nats), ['--version']),
    version(exeOf(serverPids.temporal), ['--version']),
    zipkinVersion(),
    serverPids.postgres ? version(exeOf(serverPids.postgres), ['--version']) : Promise.resolve(undefined),
    firstLine('git', ['rev-parse', '--short', 'HEAD']),
    execa('git', ['status', '--porcelain'], { reject: false, cwd: repoRoot }).then((r) =>
      `${r.stdout}`.trim() ? ' + uncommitted changes' : '',
    ),
  ]);
  const avg = loadavg();
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memTotalGiB: totalmem() / 2 ** 30,
    memFreeGiB: freemem() / 2 ** 30,
    loadAverage: [avg[0] ?? 0, avg[1] ?? 0, avg[2] ?? 0],
    os,
    node: process.version,
    servers: { nats, temporal, zipkin, ...(postgres ? { postgres } : {}) },
    topology: process.env.BATON_TOPOLOGY ?? 'dev',
    git: `${head}${dirty}`,
  };
}
