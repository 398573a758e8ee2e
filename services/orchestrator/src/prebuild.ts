// `node services/orchestrator/dist/prebuild.js`: builds the workflow bundle the orchestrator will
// run into its cache folder (packages/workflow-kit/src/bundle-cache.ts) and exits, so no orchestrator start pays for webpack.
// infra/test.sh runs it before its three test stacks start orchestrators side by side (each would
// otherwise build the same bundle at once on a loaded machine), and the demo before its services.
// Reads the orchestrator's own settings for where the workflows and the cache are; a cache that
// is up to date is only checked (a second or so).
import { z } from 'zod';
import { BaseServiceConfig, loadConfigOrExit } from '@baton/contracts';
import { WORKFLOW_TRACING_MODULE, createLogger, temporalLogger } from '@baton/telemetry';
import { Registry } from '@baton/workflow-kit';
import { workflowModules } from './config.js';
import { defaultBundleCacheDir, workflowBundle } from '@baton/workflow-kit/bundle-cache';

const config = loadConfigOrExit(
  'orchestrator-prebuild',
  BaseServiceConfig.pick({ BATON_LOG_LEVEL: true }).extend({
    BATON_WORKFLOWS_DIR: z.string().min(1).optional(),
    BATON_WORKFLOW_MODULES: workflowModules,
    BATON_WORKFLOW_BUNDLE_CACHE_DIR: z.string().min(1).optional(),
  }),
);
const logger = createLogger('orchestrator-prebuild', config.BATON_LOG_LEVEL);
const registry = await Registry.loadOrExit('orchestrator-prebuild', config.BATON_WORKFLOWS_DIR);
const workflowsPath = registry.writeWorkflowBundleEntry(undefined, config.BATON_WORKFLOW_MODULES);
const cacheDir = config.BATON_WORKFLOW_BUNDLE_CACHE_DIR ?? defaultBundleCacheDir(workflowsPath);
if (cacheDir === 'off') {
  logger.info('the bundle cache is off: nothing to build ahead');
} else {
  const started = performance.now();
  const built = await workflowBundle({ workflowsPath, workflowInterceptorModules: [WORKFLOW_TRACING_MODULE], logger: temporalLogger(logger.child({}, { level: 'warn' })), cacheDir });
  logger.info({ cached: built.cached, ms: Math.round(performance.now() - started), ...(built.reason ? { reason: built.reason } : {}) }, built.cached ? 'workflow bundle up to date' : 'workflow bundle built');
}
