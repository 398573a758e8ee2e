// The replay suite's engine: the worker's own bundle (every registered workflow and the kit's,
// with the same workflow interceptors the orchestrator runs) replays recorded histories, with no
// server. A history the current code does not reproduce is a run that a deploy would break
// while it waits: the failure names the workflow, the fixture and what to do about it.
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { WORKFLOW_TRACING_MODULE } from '@baton/telemetry';
import { bundleFromSources, type LoadedFixture, type Registry } from '@baton/workflow-kit/internal';
import { workflowMetricSinks } from './workflow-metrics.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The orchestrator's workflow interceptors (packages/telemetry temporalWorkerTracing). */
const WORKFLOW_INTERCEPTOR_MODULES = [WORKFLOW_TRACING_MODULE];

/** The code the orchestrator would run, bundled once. `replace` swaps a workflow type's module. */
export async function workerBundle(
  registry: Registry,
  replace: Readonly<Record<string, string>> = {},
): Promise<WorkflowBundle> {
  return bundleWorkflowCode({
    workflowsPath: registry.writeWorkflowBundleEntry(undefined, replace),
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    logger: new DefaultLogger('WARN'),
    webpackConfigHook: bundleFromSources,
  });
}

export interface ReplayFailure {
  fixture: LoadedFixture;
  error: Error;
  /** What CI prints: the workflow, the history, what to do. */
  message: string;
}

/** Replays every fixture; resolves with the ones the code no longer reproduces. */
export async function replayFixtures(
  bundle: WorkflowBundle,
  fixtures: readonly LoadedFixture[],
): Promise<ReplayFailure[]> {
  const byId = new Map<string, LoadedFixture>();
  for (const f of fixtures) {
    if (byId.has(f.workflowId))
      throw new Error(
        `${f.file} and ${byId.get(f.workflowId)!.file} record the same workflow id ${f.workflowId}; keep one`,
      );
    byId.set(f.workflowId, f);
  }
  const failures: ReplayFailure[] = [];
  // The orchestrator's sinks (never called during replay, but a workflow must find them).
  const sinks = { ...workflowMetricSinks(), batonTracing: { spanEnded: { fn: () => undefined } } };
  const results = Worker.runReplayHistories(
    { workflowBundle: bundle, sinks },
    fixtures.map((f) => ({ workflowId: f.workflowId, history: f.parsed })),
  );
  for await (const result of results) {
    if (!result.error) continue;
    const fixture = byId.get(result.workflowId)!;
    failures.push({ fixture, error: result.error, message: describeReplayFailure(fixture, result.error) });
  }
  return failures;
}

export function describeReplayFailure(fixture: LoadedFixture, error: Error): string {
  const file = relative(ROOT, fixture.file);
  // Each workflow lists its patches in src/patches.ts; the kit's own in src/workflows/patches.ts.
  const where = relative(
    ROOT,
    fixture.file.replace(
      /histories\/[^/]+$/,
      fixture.workflowType === 'agent-step' ? 'src/workflows/patches.ts' : 'src/patches.ts',
    ),
  );
  return [
    `workflow ${fixture.workflowType} (${fixture.workflowName}) no longer replays its recorded history ${file}`,
    `  path: ${fixture.path.join(' > ')}${fixture.patches.length ? ` [patches: ${fixture.patches.join(', ')}]` : ''}`,
    `  ${error.name}: ${/Nondeterminism error: ([^"]+)/.exec(error.message)?.[1] ?? error.message.split('\n')[0]}`,
    `A run of this path that is waiting when you deploy would fail the same way. Put the change behind a patch:`,
    `list an id in ${where} and branch with if (patches.has('<id>')) { new code } else { old code }`,
    `(Temporal's patched('<id>')), then run npm run record-histories to add the new path;`,
    `see docs/change-safely.md.`,
  ].join('\n');
}
