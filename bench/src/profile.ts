// Summarises V8 CPU profiles (`BATON_BENCH_CPU_PROFILE=orchestrator,...` writes them to
// <state>/profiles): where a process spent its CPU, by package and by function, self time.
// Usage: node --conditions=baton-source --import tsx bench/src/profile.ts [--from SECONDS] <file.cpuprofile>...
//   --from skips the first SECONDS of each profile (start-up: module loading, bundling, JIT).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** The package a script belongs to: "@temporalio/worker", "zod", "baton:packages/bus", "node:internal". */
export function packageOf(url: string): string {
  if (!url) return '(native / idle / gc)';
  if (url.startsWith('node:')) return 'node';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const m = /\/(packages|services|bench)\/([^/]+)\//.exec(url);
  return m ? `baton:${m[1]}/${m[2]}` : url.startsWith('file:') ? 'other file' : url.slice(0, 60);
}

export function summarise(
  profile: Profile,
  top = 25,
  fromMs = 0,
): { totalMs: number; byPackage: Array<[string, number]>; byFunction: Array<[string, number]> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Self time per node from the sample timeline (each sample's delta belongs to the node it hit).
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let at = 0;
  for (let i = 0; i < samples.length; i++) {
    at += (deltas[i] ?? 0) / 1000;
    if (at >= fromMs) self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let totalMs = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    totalMs += ms;
    const pkg = packageOf(url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
    const fn = `${functionName || '(anonymous)'} ${url ? `${basename(url)}:${lineNumber + 1}` : ''} [${pkg}]`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
  return { totalMs, byPackage: sorted(byPackage), byFunction: sorted(byFunction) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const fromAt = args.indexOf('--from');
  const fromMs = fromAt >= 0 ? Number(args.splice(fromAt, 2)[1]) * 1000 : 0;
  for (const file of args) {
    const { totalMs, byPackage, byFunction } = summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, 25, fromMs);
    console.log(`\n${basename(file)}: ${(totalMs / 1000).toFixed(1)} s busy (idle excluded)`);
    console.log('  by package (self time):');
    for (const [name, ms] of byPackage)
      console.log(
        `    ${((ms / totalMs) * 100).toFixed(1).padStart(5)}%  ${(ms / 1000).toFixed(2).padStart(7)} s  ${name}`,
      );
    console.log('  by function (self time):');
    for (const [name, ms] of byFunction)
      console.log(
        `    ${((ms / totalMs) * 100).toFixed(1).padStart(5)}%  ${(ms / 1000).toFixed(2).padStart(7)} s  ${name}`,
      );
  }
}
