// The chaos suite's hands on the infrastructure servers of its own profile: a graceful restart
// (infra/stack.sh restart) and a crash (SIGKILL of the pid infra/stack.sh recorded, then
// infra/stack.sh start, which finds the stale pid file and starts the server on its data).
//
// A crash must only ever hit this profile's server: the machine is shared with other stacks. The
// pid comes from this profile's pid file, and it is killed only if that process's command line
// names this profile's data folder (nats-server's -sd / Temporal's --db-filename / a cluster
// node's config under the state folder); a pid file that names anything else is an error.
//
// The cluster topology adds node-level hands: which NATS node leads a stream (asked of the
// nodes' monitoring endpoints), a crash of that one node, and a stop of PostgreSQL.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { repoRoot, stackEnv, waitFor } from '@baton/testkit';

export type NatsNode = 'nats-1' | 'nats-2' | 'nats-3';
export type Server = 'nats' | 'temporal' | 'postgres' | NatsNode;

const NODES: NatsNode[] = ['nats-1', 'nats-2', 'nats-3'];

/** The pid files behind a server name: one NATS node in the dev topology, three in the cluster. */
function processesOf(server: Server): string[] {
  if (server !== 'nats') return [server];
  return process.env.BATON_TOPOLOGY === 'cluster' || process.env.BATON_TOPOLOGY === 'hosts' ? NODES : ['nats'];
}

function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    // A zombie still answers signal 0; /proc says which it is.
    process.kill(pid, 0);
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The pid of this profile's process `name`, checked against its command line. */
function ownPid(name: string): number {
  const { stateDir } = stackEnv();
  const file = join(stateDir, 'run', `${name}.pid`);
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 1) throw new Error(`${file} holds no pid`);
  const cmd = commandLine(pid);
  if (!cmd || !cmd.includes(stateDir))
    throw new Error(
      `pid ${pid} from ${file} is not this profile's ${name} (${cmd ?? 'no such process'}); not killing it`,
    );
  return pid;
}

async function stack(action: 'start' | 'stop' | 'restart', server: Server): Promise<void> {
  await execa('bash', ['infra/stack.sh', action, server], { cwd: repoRoot, timeout: 180_000 });
}

/** Stops the server with SIGTERM and starts it again (its data is kept). */
export async function restartServer(server: Server): Promise<void> {
  await stack('restart', server);
}

/**
 * kill -9 of every process of the server at once: no flush, no goodbye to clients. Then the
 * same start command an operator would run brings it back on its own data. Returns how long the
 * server was down.
 */
export async function crashServer(server: Server, downMs = 1_000): Promise<number> {
  const pids = processesOf(server).map(ownPid);
  const killedAt = Date.now();
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  await waitFor(`${server} (pid ${pids.join(', ')}) to die`, () => pids.every((p) => !alive(p)) || undefined, {
    timeoutMs: 10_000,
    intervalMs: 50,
  });
  await new Promise((r) => setTimeout(r, downMs));
  await stack('start', server);
  return Date.now() - killedAt;
}

/** Stops the server the way an operator does (PostgreSQL: its fast shutdown), leaves it down for
 *  `downMs`, starts it again on its data. Returns how long it was down. */
export async function stopServer(server: Server, downMs: number): Promise<number> {
  const stoppedAt = Date.now();
  await stack('stop', server);
  await new Promise((r) => setTimeout(r, downMs));
  await stack('start', server);
  return Date.now() - stoppedAt;
}

// infra/stack.sh names node n "baton-<profile>-n<n>" and serves its monitoring on
// BATON_NATS_MONITOR_PORT + n - 1, at BATON_HOST, or in the hosts topology at its own address
// (BATON_HOSTS_NET.1n, infra/hosts.sh).
export const serverName = (node: NatsNode) => `baton-${stackEnv().BATON_PROFILE}-n${node.slice(-1)}`;
export const nodeHost = (node: NatsNode) =>
  process.env.BATON_TOPOLOGY === 'hosts' ? `${process.env.BATON_HOSTS_NET}.1${node.slice(-1)}` : stackEnv().BATON_HOST;
const monitorUrl = (node: NatsNode) =>
  `http://${nodeHost(node)}:${Number(process.env.BATON_NATS_MONITOR_PORT) + NODES.indexOf(node)}`;

/** The node that leads JetStream's meta group (stream placement, leader elections), by the first
 *  node that names one. */
export async function metaLeader(): Promise<NatsNode> {
  return waitFor(
    'a JetStream meta leader',
    async () => {
      for (const node of NODES) {
        try {
          const answer = await fetch(`${monitorUrl(node)}/jsz`, { signal: AbortSignal.timeout(2_000) });
          const leader = ((await answer.json()) as { meta_cluster?: { leader?: string } }).meta_cluster?.leader;
          const found = NODES.find((n) => serverName(n) === leader);
          if (found) return found;
        } catch {
          // this node does not answer; ask the next
        }
      }
      return undefined;
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );
}

interface StreamCluster {
  leader?: string;
  replicas?: { name: string; current: boolean }[];
}

/** A stream's cluster info as `node` sees it, or undefined if the node does not answer. */
async function clusterInfo(node: NatsNode, stream: string): Promise<StreamCluster | undefined> {
  try {
    const answer = await fetch(`${monitorUrl(node)}/jsz?streams=true`, { signal: AbortSignal.timeout(2_000) });
    const jsz = (await answer.json()) as {
      account_details?: { stream_detail?: { name: string; cluster?: StreamCluster }[] }[];
    };
    return jsz.account_details?.flatMap((a) => a.stream_detail ?? []).find((d) => d.name === stream)?.cluster;
  } catch {
    return undefined;
  }
}

/** The node that leads `stream` now, by the first node that names an elected leader. */
export async function streamLeader(stream: string): Promise<NatsNode> {
  return waitFor(
    `a leader for ${stream}`,
    async () => {
      for (const node of NODES) {
        const leader = (await clusterInfo(node, stream))?.leader;
        const found = NODES.find((n) => serverName(n) === leader);
        if (found) return found;
      }
      return undefined;
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );
}

/** Waits until `node` is back in `stream`'s replica group and current, in the leader's own view
 *  (only the leader tracks its followers). Throws if it does not rejoin within a minute. */
export async function rejoined(node: NatsNode, stream: string): Promise<void> {
  await waitFor(
    `${node} to rejoin ${stream} as a current replica`,
    async () => {
      const leader = await streamLeader(stream);
      const info = await clusterInfo(leader, stream);
      if (info?.leader !== serverName(leader)) return undefined;
      return leader === node || info.replicas?.some((r) => r.name === serverName(node) && r.current) || undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}
