// What one service costs to start, and what a whole service set holds once ready: a service
// (intake by default) started the way the test kit starts it, three times, with its time to the
// ready line, its resident memory (VmRSS) and the CPU time it used until then; and every service
// of servicesForWorkflows('all') started together, with the sum of their resident memory and CPU
// time once all are ready, with a process each and hosted (one service host for the agents and
// simulators). Builds first (the build is not part of a start's time).
// Needs the local stack of the profile (bash infra/stack.sh start). Usage:
//   node --conditions=baton-source --import tsx bench/src/service-start.ts [service]
import { readFileSync } from 'node:fs';
import {
  ServiceProcess,
  ServiceSet,
  buildServices,
  ensureNatsIdentities,
  servicesForWorkflows,
  testBus,
} from '@baton/testkit';

const name = process.argv[2] ?? 'intake';
/** CPU seconds (user + system) the process has used so far. */
const cpuS = (pid: number | undefined): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
};
const rssMb = (pid: number | undefined): number => {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kb) / 1024);
};

buildServices();
await ensureNatsIdentities([name]);
await (await testBus('bench-service-start')).close();
for (let run = 1; run <= 3; run++) {
  const service = new ServiceProcess(name);
  const started = performance.now();
  await service.start();
  const ms = Math.round(performance.now() - started);
  console.log(
    `${name} run ${run}: ready in ${ms} ms, VmRSS ${rssMb(service.pid)} MB, CPU ${cpuS(service.pid).toFixed(2)} s`,
  );
  await service.stop();
}

const names = servicesForWorkflows('all');
// Once with a process per service (as compose and k8s run them), once hosted (agents and
// simulators in one service host, as the demo and the test run's shared set run them).
for (const hosted of [false, true]) {
  const started = performance.now();
  const set = await ServiceSet.start(names, { hosted, readyTimeoutMs: 180_000 });
  const ms = Math.round(performance.now() - started);
  const pids = [...new Set(names.map((n) => set.get(n).pid))];
  const each = pids.map(rssMb);
  const cpu = pids.reduce<number>((sum, pid) => sum + cpuS(pid), 0);
  console.log(
    `all ${names.length} services${hosted ? ', hosted' : ''}: ${pids.length} processes ready in ${ms} ms, VmRSS sum ${each.reduce<number>((a, b) => a + b, 0)} MB (max ${Math.max(...each)} MB), CPU ${cpu.toFixed(1)} s`,
  );
  await set.stop();
}
