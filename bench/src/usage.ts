// Resident memory and CPU time of the processes under test, read from /proc (Linux). Elsewhere
// the readers return undefined and the report prints "n/a" rather than guessing.
import { readFileSync } from 'node:fs';

export interface Tracked {
  /** e.g. "orchestrator", "echo#2", "temporal". */
  name: string;
  /** What the report sums by: temporal, nats, jaeger, orchestrator, agents, ... */
  group: string;
  pid: number;
}

/** Clock ticks per second of /proc/<pid>/stat; 100 on every mainstream Linux (USER_HZ). */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) the process has used, all threads. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields are counted after its closing ")".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the name: state is field 3 of stat(5), so utime (14) and stime (15) are at 11 and 12.
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
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
    const s = cpuSeconds(p.pid);
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
      const rss = rssMiB(p.pid);
      if (rss !== undefined) peaks.set(p.name, Math.max(peaks.get(p.name) ?? 0, rss));
    }
  }

  peak(phase: string, name: string): number | undefined {
    return this.peaks.get(phase)?.get(name);
  }
}
