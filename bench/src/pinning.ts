// The pinned scale-out mode (BATON_BENCH_PIN=1): the scale-out comparison with every process of
// the run pinned to cores, so "does a second orchestrator add throughput when it has a core of
// its own" can be read even where the whole stack shares two cores.
//
// Pinning is done with util-linux's `taskset` by pid after each process has started (`-a`: every
// thread; new threads and forked children inherit the mask). The plan gives each orchestrator
// replica a core of its own and everything else (the stack's servers, the agents, the other
// services, the driver) the remaining cores; with fewer cores than replicas + 1 the replicas
// share the last core and the report says so. Each process's own affinity is read from
// /proc/<pid>/status first and put back when the section ends.
//
// Hand-written, and small: the figures come from /proc (per-process CPU in usage.ts, per-core busy
// time from /proc/stat here) and the arithmetic below; no library covers either.
import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import type { Tracked } from './usage.js';

/** The Tracked group whose replicas get cores of their own. */
export const ORCHESTRATOR_GROUP = 'orchestrator';
/** A core set busier than this fraction of its cores is called saturated. */
export const SATURATED = 0.9;

export interface PinPlan {
  /** Every core the plan covers (the driver's own affinity when the section began). */
  cpus: number[];
  /** Where everything but the orchestrators runs. */
  rest: number[];
  /** Replica i (0-based: "orchestrator" is 0, "orchestrator#2" is 1) runs on orchestrators[i]. */
  orchestrators: number[][];
  /** Fewer cores than replicas + 1: the replicas share one core. */
  sharedOrchestratorCore: boolean;
}

/** "0-3,6" → [0, 1, 2, 3, 6] (the format of Cpus_allowed_list and of taskset -c). */
export function parseCpuList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.trim().split(',').filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new Error(`not a CPU list: "${text}"`);
    const [from, to] = [Number(m[1]), Number(m[2] ?? m[1])];
    for (let c = from; c <= to; c++) out.push(c);
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

export const cpuListText = (cpus: readonly number[]): string => cpus.join(',');

/** Orchestrator replicas on the last cores, one each when there are enough; the rest on the others. */
export function pinPlan(cpus: readonly number[], replicas: number): PinPlan {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  if (sorted.length < 2) {
    throw new Error(
      `BATON_BENCH_PIN=1 needs at least 2 cores to run on (one for the orchestrator, one for the rest); this process may use ${cpuListText(sorted) || 'none'}`,
    );
  }
  if (!Number.isInteger(replicas) || replicas < 1)
    throw new Error(`orchestrator replicas must be a whole number >= 1, not ${replicas}`);
  if (sorted.length >= replicas + 1) {
    const own = sorted.slice(sorted.length - replicas);
    return {
      cpus: sorted,
      rest: sorted.slice(0, sorted.length - replicas),
      orchestrators: own.map((c) => [c]),
      sharedOrchestratorCore: false,
    };
  }
  const last = sorted[sorted.length - 1]!;
  return {
    cpus: sorted,
    rest: sorted.slice(0, -1),
    orchestrators: Array.from({ length: replicas }, () => [last]),
    sharedOrchestratorCore: replicas > 1,
  };
}

/** "orchestrator" → 0, "orchestrator#2" → 1 (the names serviceSpec gives replicas). */
export function replicaIndex(name: string): number {
  const m = /#(\d+)$/.exec(name);
  return m ? Number(m[1]) - 1 : 0;
}

/** The cores a tracked process runs on under the plan. */
export function coresFor(plan: PinPlan, p: Pick<Tracked, 'name' | 'group'>): number[] {
  if (p.group !== ORCHESTRATOR_GROUP) return plan.rest;
  return plan.orchestrators[replicaIndex(p.name)] ?? plan.orchestrators[plan.orchestrators.length - 1]!;
}

// ---- taskset -----------------------------------------------------------------------------------

/** Fails with what to install when the mode cannot run here. */
export async function checkTaskset(): Promise<void> {
  if (process.platform !== 'linux')
    throw new Error(`BATON_BENCH_PIN=1 works on Linux only (taskset and /proc); this is ${process.platform}`);
  const r = await execa('taskset', ['--version'], { reject: false, timeout: 10_000 });
  if (r.exitCode !== 0) {
    throw new Error(
      'BATON_BENCH_PIN=1 needs taskset (util-linux) on the PATH: install util-linux (e.g. `apt-get install util-linux`) or leave BATON_BENCH_PIN unset',
    );
  }
}

/** The cores a process may run on now (Cpus_allowed_list of /proc/<pid>/status). */
export function allowedCpus(pid: number | 'self' = 'self'): number[] | undefined {
  try {
    const m = /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? parseCpuList(m[1]!) : undefined;
  } catch {
    return undefined;
  }
}

async function taskset(pid: number, cpus: readonly number[]): Promise<void> {
  const r = await execa('taskset', ['-a', '-p', '-c', cpuListText(cpus), String(pid)], {
    reject: false,
    timeout: 10_000,
  });
  if (r.exitCode !== 0)
    throw new Error(
      `taskset -a -p -c ${cpuListText(cpus)} ${pid} failed: ${`${r.stderr}`.trim() || `exit ${r.exitCode}`}`,
    );
}

/** Pins processes by the plan and remembers each one's own affinity, to put back at the end. */
export class Pinner {
  private readonly original = new Map<number, number[]>();

  constructor(readonly plan: PinPlan) {}

  /** Pins every process (and, withChildren, its live children); already pinned ones again, harmlessly. */
  async pin(processes: Array<Tracked & { children?: number[] }>): Promise<void> {
    for (const p of processes) {
      const cores = coresFor(this.plan, p);
      for (const pid of [p.pid, ...(p.children ?? [])]) {
        if (!this.original.has(pid)) {
          const own = allowedCpus(pid);
          if (!own) continue; // exited meanwhile: nothing to pin
          this.original.set(pid, own);
        }
        await taskset(pid, cores);
      }
    }
  }

  /** Puts every pinned process still alive back on the cores it had. */
  async restore(): Promise<void> {
    for (const [pid, cores] of this.original) {
      if (allowedCpus(pid)) await taskset(pid, cores).catch(() => undefined);
    }
    this.original.clear();
  }
}

// ---- per-core busy time ------------------------------------------------------------------------

/** Busy and total jiffies of each core, from /proc/stat's cpuN lines. */
export type CoreTimes = Map<number, { busy: number; total: number }>;

export function parseProcStat(text: string): CoreTimes {
  const out: CoreTimes = new Map();
  for (const line of text.split('\n')) {
    const m = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    // user nice system idle iowait irq softirq steal (guest time is already inside user).
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = m[2]!
      .trim()
      .split(/\s+/)
      .map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    out.set(Number(m[1]), { busy, total: busy + idle + iowait });
  }
  return out;
}

export function coreTimes(): CoreTimes {
  return parseProcStat(readFileSync('/proc/stat', 'utf8'));
}

/** How many of these cores' worth were busy between two readings (every process on the machine). */
export function coresBusy(before: CoreTimes, after: CoreTimes, cpus: readonly number[]): number {
  let sum = 0;
  for (const c of cpus) {
    const [a, b] = [before.get(c), after.get(c)];
    if (!a || !b || b.total <= a.total) continue;
    sum += (b.busy - a.busy) / (b.total - a.total);
  }
  return sum;
}

// ---- the figures of one pinned level -----------------------------------------------------------

export interface CoreSetFigure {
  name: 'rest' | 'orchestrators';
  cpus: number[];
  /** Cores' worth of CPU the run's own processes on this set used (1 = one core busy throughout). */
  ours: number;
  /** Cores' worth the set was busy, every process on the machine included (/proc/stat). */
  busy: number;
  /** What of busy was not the run's: processes outside it (another stack, another bench). */
  others: number;
  /** busy >= SATURATED of the set's cores, by anyone. */
  saturated: boolean;
  /** ours alone >= SATURATED of the set's cores: the run kept the set busy by itself. */
  saturatedByOurs: boolean;
}

export interface PinnedLevel {
  setup: string;
  concurrency: number;
  orchestratorReplicas: number;
  plan: PinPlan;
  /** Workflows completed in the steady window, per second. */
  throughput: number;
  windowSeconds: number;
  /** Each group's CPU in the window as a fraction of one core (CPU seconds per second). */
  utilisation: Record<string, number>;
  /** Each group's CPU seconds per 1,000 workflows, in the window. */
  cpuPerThousand: Record<string, number>;
  /** Cores' worth of CPU the run used (the sum of the groups). */
  busyCores: number;
  /** Workflows per second per busy core: throughput ÷ busyCores. */
  perBusyCore: number;
  coreSets: CoreSetFigure[];
  /** The orchestrators' core set was saturated (by anyone). */
  orchestratorSaturated: boolean;
}

export interface LevelInput {
  setup: string;
  concurrency: number;
  plan: PinPlan;
  orchestratorReplicas: number;
  /** Completions in the window, and its length. */
  ops: number;
  windowSeconds: number;
  /** CPU seconds of each group in the window. */
  cpuByGroup: Record<string, number>;
  /** Cores' worth each core set was busy in the window (coresBusy over its cpus). */
  busyByCoreSet: { rest: number; orchestrators: number };
}

const orchestratorCores = (plan: PinPlan, replicas: number) =>
  [...new Set(plan.orchestrators.slice(0, replicas).flat())].sort((a, b) => a - b);

/** Utilisation, CPU per workflow, throughput per busy core and saturation, from one window's readings. */
export function pinnedLevel(input: LevelInput): PinnedLevel {
  const s = Math.max(input.windowSeconds, 1e-9);
  const utilisation: Record<string, number> = {};
  const cpuPerThousand: Record<string, number> = {};
  for (const [g, cpu] of Object.entries(input.cpuByGroup)) {
    utilisation[g] = cpu / s;
    cpuPerThousand[g] = (cpu / Math.max(1, input.ops)) * 1000;
  }
  const busyCores = Object.values(utilisation).reduce((a, b) => a + b, 0);
  const throughput = input.ops / s;
  const orch = orchestratorCores(input.plan, input.orchestratorReplicas);
  const oursOrch = utilisation[ORCHESTRATOR_GROUP] ?? 0;
  const set = (name: CoreSetFigure['name'], cpus: number[], ours: number, busy: number): CoreSetFigure => ({
    name,
    cpus,
    ours,
    busy,
    others: Math.max(0, busy - ours),
    saturated: busy >= SATURATED * cpus.length,
    saturatedByOurs: ours >= SATURATED * cpus.length,
  });
  const coreSets = [
    set('rest', input.plan.rest, busyCores - oursOrch, input.busyByCoreSet.rest),
    set('orchestrators', orch, oursOrch, input.busyByCoreSet.orchestrators),
  ];
  return {
    setup: input.setup,
    concurrency: input.concurrency,
    orchestratorReplicas: input.orchestratorReplicas,
    plan: input.plan,
    throughput,
    windowSeconds: input.windowSeconds,
    utilisation,
    cpuPerThousand,
    busyCores,
    perBusyCore: busyCores > 0 ? throughput / busyCores : 0,
    coreSets,
    orchestratorSaturated: coreSets[1]!.saturated,
  };
}

/** The cores of the orchestrator set of a level (the replicas it ran with). */
export const orchestratorCoresOf = (l: Pick<PinnedLevel, 'plan' | 'orchestratorReplicas'>): number[] =>
  orchestratorCores(l.plan, l.orchestratorReplicas);

// ---- what growth would need --------------------------------------------------------------------

export interface GrowthProjection {
  replicas: number;
  /** Workflows per second when each replica keeps its own core busy: replicas ÷ orchestrator CPU per workflow. */
  throughput: number;
  /** Cores' worth each group needs at that throughput (the orchestrators: one per replica). */
  coresByGroup: Record<string, number>;
  /** One core per replica plus the rest's demand rounded up: the cores no group is short of. */
  coresNeeded: number;
  /** coresNeeded fits the cores the machine gave the bench. */
  fits: boolean;
}

/**
 * From CPU seconds per workflow by group (measured): for each replica count, the throughput where
 * every orchestrator replica keeps its own core busy, and the cores every other group needs to
 * keep up with it. CPU is the only limit it models: it assumes enough in flight, and that each
 * group's CPU per workflow stays as measured (the pinned rows show whether a second replica
 * changes it).
 */
export function projectGrowth(
  cpuPerWorkflow: Record<string, number>,
  replicas: readonly number[],
  machineCores: number,
): GrowthProjection[] {
  const orch = cpuPerWorkflow[ORCHESTRATOR_GROUP];
  if (!orch || orch <= 0) throw new Error('no orchestrator CPU was measured: nothing to project from');
  return replicas.map((r) => {
    const throughput = r / orch;
    const coresByGroup: Record<string, number> = {};
    let rest = 0;
    for (const [g, c] of Object.entries(cpuPerWorkflow)) {
      coresByGroup[g] = g === ORCHESTRATOR_GROUP ? r : throughput * c;
      if (g !== ORCHESTRATOR_GROUP) rest += throughput * c;
    }
    // A hair below a whole core is that core (CPU accounting has 10 ms ticks).
    const coresNeeded = r + Math.ceil(rest - 1e-6);
    return { replicas: r, throughput, coresByGroup, coresNeeded, fits: coresNeeded <= machineCores };
  });
}
