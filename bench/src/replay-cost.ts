// How much CPU the orchestrator's workflow code costs per workflow, beside the floor's, measured
// by replaying histories the bench recorded. The Temporal SDK evaluates a workflow bundle's
// modules afresh for every workflow it starts or replays (module state is per workflow), so what
// the bundle imports (every registered workflow's code, OpenTelemetry) is paid once per workflow,
// not once per process.
//
// Usage, against a stack that kept a bench run's workflows:
//   BATON_KEEP_STACK=1 BATON_BENCH_ONLY=temporal-1,handoff npm run bench
//   (export BATON_PROFILE=bench; . infra/env.sh; node --conditions=baton-source --import tsx bench/src/replay-cost.ts)
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_TRACING_MODULE, startTelemetry, temporalWorkerTracing } from '@baton/telemetry';
import { payloadKeyEnv, temporalClient } from '@baton/testkit';
import { temporalDataConverter } from '@baton/temporal-codec';
import { Registry, bundleFromSources } from '@baton/workflow-kit/internal';
import type { Client } from '@temporalio/client';

type Histories = Array<{ workflowId: string; history: unknown }>;

async function histories(client: Client, idPrefix: string, max: number): Promise<Histories> {
  const out: Histories = [];
  for await (const info of client.workflow.list({ query: `ExecutionStatus = 'Completed'` })) {
    if (!info.workflowId.startsWith(idPrefix)) continue;
    out.push({ workflowId: info.workflowId, history: await client.workflow.getHandle(info.workflowId).fetchHistory() });
    if (out.length >= max) break;
  }
  return out;
}

/** CPU seconds of this process (every thread: replay runs workflows on worker threads). */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function replay(code: string, items: Histories): Promise<number> {
  const before = cpu();
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: { code }, dataConverter: temporalDataConverter(payloadKeyEnv()) },
    items,
  )) {
    if (result.error) throw result.error;
  }
  return cpu() - before;
}

/** Per-workflow CPU: replaying n histories minus replaying a few (worker set-up), over the difference. */
async function perWorkflowMs(code: string, items: Histories): Promise<number> {
  const few = items.slice(0, 10);
  await replay(code, few); // JIT and caches
  const base = await replay(code, few);
  const all = await replay(code, items);
  return ((all - base) / (items.length - few.length)) * 1000;
}

const client = await temporalClient();
const batonHistories = await histories(client, 'bench-handoff-', 200);
const floorHistories = await histories(client, 'bench-temporal-1-', 200);
await client.close();
if (batonHistories.length < 50 || floorHistories.length < 50) {
  throw new Error(
    `need at least 50 histories of each (found ${batonHistories.length} handoff, ${floorHistories.length} floor): run the bench with BATON_KEEP_STACK=1 first`,
  );
}

const tracing = temporalWorkerTracing(startTelemetry({ serviceName: 'replay-cost', otlpEndpoint: undefined }));
const floorPath = fileURLToPath(new URL('./floor/workflows.ts', import.meta.url));
const otel = tracing.interceptors.workflowModules;
// Resolved from the telemetry package, which depends on the SDK's interceptors.
const sdkOtel = [
  createRequire(WORKFLOW_TRACING_MODULE).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors'),
];
const registry = await Registry.load();
const workflowsPath = registry.writeWorkflowBundleEntry();
const variants = [
  {
    name: "orchestrator bundle + Baton's workflow tracing (as deployed)",
    items: batonHistories,
    bundle: { workflowsPath, workflowInterceptorModules: otel },
  },
  {
    name: "orchestrator bundle + the SDK's OpenTelemetry workflow interceptors",
    items: batonHistories,
    bundle: { workflowsPath, workflowInterceptorModules: sdkOtel },
  },
  { name: 'orchestrator bundle, no interceptors', items: batonHistories, bundle: { workflowsPath } },
  { name: 'floor bundle (plain activity workflow)', items: floorHistories, bundle: { workflowsPath: floorPath } },
];
console.log(`replaying ${batonHistories.length} one-handoff and ${floorHistories.length} one-activity histories`);
// Two rounds, the second in reverse order, so warm-up and heap growth favour no variant.
const bundles = await Promise.all(
  variants.map(async (v) => (await bundleWorkflowCode({ ...v.bundle, webpackConfigHook: bundleFromSources })).code),
);
const runs = variants.map(() => [] as number[]);
for (const i of variants.keys()) runs[i]!.push(await perWorkflowMs(bundles[i]!, variants[i]!.items));
for (const i of [...variants.keys()].reverse()) runs[i]!.push(await perWorkflowMs(bundles[i]!, variants[i]!.items));
for (const [i, v] of variants.entries()) {
  console.log(
    `${v.name.padEnd(80)} ${runs[i]!.map((r) => r.toFixed(2)).join(' / ')} ms CPU per workflow (bundle ${(bundles[i]!.length / 1024).toFixed(0)} KiB)`,
  );
}
