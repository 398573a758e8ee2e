// The orchestrator's workflow bundle: the settings that decide it and the one way to get it, for
// the orchestrator at start (main.ts) and its prebuild entry (prebuild.ts), which must build the
// very bundle the orchestrator will look up in the cache (same entry, same interceptor modules).
import { z } from 'zod';
import { WORKFLOW_TRACING_MODULE, temporalLogger, type Logger } from '@baton/telemetry';
import type { Registry } from '@baton/workflow-kit';
import { defaultBundleCacheDir, workflowBundle, type BuiltBundle } from '@baton/workflow-kit/bundle-cache';

export const WorkflowBundleConfig = z.object({
  /** Where the registered workflows live (default: the repository's workflows/ folder). */
  BATON_WORKFLOWS_DIR: z.string().min(1).optional(),
  /** Where built workflow bundles are kept for the next start (packages/workflow-kit/src/bundle-cache.ts), or `off`.
   *  Default: the repository's git-ignored build folder, .baton/build/bundles (filled by the prebuild). */
  BATON_WORKFLOW_BUNDLE_CACHE_DIR: z.string().min(1).optional(),
});

/**
 * The bundle of every registered workflow, from the cache when nothing it was built from changed; `cacheDir` says where
 * it looked.
 */
export async function orchestratorBundle(
  registry: Registry,
  config: z.output<typeof WorkflowBundleConfig>,
  logger: Logger,
): Promise<BuiltBundle & { cacheDir: string }> {
  const workflowsPath = registry.writeWorkflowBundleEntry();
  const cacheDir = config.BATON_WORKFLOW_BUNDLE_CACHE_DIR ?? defaultBundleCacheDir(workflowsPath);
  const built = await workflowBundle({
    workflowsPath,
    // The workflow side of the tracing (temporalWorkerTracing's workflowModules).
    workflowInterceptorModules: [WORKFLOW_TRACING_MODULE],
    // The bundler's (webpack's) report as JSON too, its warnings and errors only.
    logger: temporalLogger(logger.child({}, { level: 'warn' })),
    ...(cacheDir === 'off' ? {} : { cacheDir }),
  });
  return { ...built, cacheDir };
}
