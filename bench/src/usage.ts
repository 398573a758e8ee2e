// Resident memory and CPU time of the processes under test, read from /proc (Linux). Elsewhere
// the readers return undefined and the report prints "n/a" rather than guessing.
import { readFileSync, readdirSync } from 'node:fs';

export interface Tracked {
  /** e.g. "orchestrator", "echo#2", "temporal". */
  name: string;
  /** What the report sums by: temporal, nats, zipkin, orchestrator, agents, ... */
  group: string;
  pid: number;
  /**
   * Count the process's children too (PostgreSQL: one backend process per connection, children
   * of the postmaster): CPU of live and reaped children, memory as proportional set size.
   */
  withChildren?: boolean;
}

/** Clock ticks per second of /proc/<pid>/stat; 100 on every mainstream Linux (USER_HZ). */
const TICKS_PER_SECOND = 100;

/** The fields of /proc/<pid>/stat after the command name; index 0 is stat(5)'s field 3. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields are counted after its closing ")".
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) the process has used, all threads. */
export function cpuSeconds(pid: number): number | undefined {
  const fields = statFields(pid);
  // After the name: state is field 3 of stat(5), so utime (14) and stime (15) are at 11 and 12.
  return fields ? (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND : undefined;
}

const childrenCache = new Map<number, { at: number; pids: number[] }>();

/**
 * Live children of a process (ppid, stat(5) field 4). Listing them reads every /proc/<pid>/stat,
 * so the answer is kept for 5 s: the memory sampler asks every 250 ms, and PostgreSQL's backends
 * live as long as Temporal's pooled connections.
 */
export function childrenOf(pid: number): number[] {
  const cached = childrenCache.get(pid);
  if (cached && performance.now() - cached.at < 5_000) return cached.pids;
  const out: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const fields = statFields(Number(e));
    if (fields && Number(fields[1]) === pid) out.push(Number(e));
  }
  childrenCache.set(pid, { at: performance.now(), pids: out });
  return out;
}

/** CPU seconds of a process and, with withChildren, of its live children and the reaped ones (cutime, cstime). */
function cpuOf(p: Tracked): number | undefined {
  if (!p.withChildren) return cpuSeconds(p.pid);
  const fields = statFields(p.pid);
  if (!fields) return undefined;
  let total = (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
  for (const child of childrenOf(p.pid)) total += cpuSeconds(child) ?? 0;
  return total;
}

/** Proportional set size in MiB: shared pages divided among the processes that map them. */
function pssMiB(pid: number): number | undefined {
  try {
    const match = /^Pss:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const memoryCache = new Map<number, { at: number; mib: number | undefined }>();

/** RSS; with withChildren the PSS of the process and its children, read at most every 2 s (smaps_rollup is costly). */
function memoryOf(p: Tracked): number | undefined {
  if (!p.withChildren) return rssMiB(p.pid);
  const cached = memoryCache.get(p.pid);
  if (cached && performance.now() - cached.at < 2_000) return cached.mib;
  const own = pssMiB(p.pid) ?? rssMiB(p.pid);
  const mib = own === undefined ? undefined : childrenOf(p.pid).reduce((sum, child) => sum + (pssMiB(child) ?? 0), own);
  memoryCache.set(p.pid, { at: performance.now(), mib });
  return mib;
}

/** Resident set size in MiB. */
export function rssMiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export type CpuSnapshot = Map<string, number>;

export function cpuSnapshot(processes: Tracked[]): CpuSnapshot {
  const out: CpuSnapshot = new Map();
  for (const p of processes) {
    const s = cpuOf(p);
    if (s !== undefined) out.set(p.name, s);
  }
  return out;
}

/** CPU seconds used between two snapshots, summed by group (processes present in both). */
export function cpuByGroup(processes: Tracked[], before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of processes) {
    const a = before.get(p.name);
    const b = after.get(p.name);
    if (a === undefined || b === undefined) continue;
    out[p.group] = (out[p.group] ?? 0) + (b - a);
  }
  return out;
}

/**
 * Samples every tracked process's RSS on an interval and keeps the peak per named phase, so the
 * report can set memory at rest beside memory under load.
 */
export class MemorySampler {
  private readonly peaks = new Map<string, Map<string, number>>();
  private timer: NodeJS.Timeout | undefined;
  private phase: string | undefined;

  constructor(private readonly processes: () => Tracked[]) {}

  start(intervalMs = 250): void {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Samples from now on count toward this phase (undefined: toward none). */
  setPhase(phase: string | undefined): void {
    this.phase = phase;
    if (phase) this.sample();
  }

  sample(): void {
    if (!this.phase) return;
    const peaks = this.peaks.get(this.phase) ?? new Map<string, number>();
    this.peaks.set(this.phase, peaks);
    for (const p of this.processes()) {
      const rss = memoryOf(p);
      if (rss !== undefined) peaks.set(p.name, Math.max(peaks.get(p.name) ?? 0, rss));
    }
  }

  peak(phase: string, name: string): number | undefined {
    return this.peaks.get(phase)?.get(name);
  }
}
