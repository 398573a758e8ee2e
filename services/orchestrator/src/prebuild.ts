// `node services/orchestrator/dist/prebuild.js`: builds the workflow bundle the orchestrator will
// run into its cache folder (packages/workflow-kit/src/bundle-cache.ts) and exits, so no
// orchestrator start pays for webpack. infra/test.sh runs it before its three test stacks start
// orchestrators side by side (each would otherwise build the same bundle at once on a loaded
// machine). Reads the orchestrator's own settings for where the workflows and the cache are; a
// cache that is up to date is only checked (a second or so).
import { BaseServiceConfig, loadConfigOrExit } from '@baton/contracts';
import { createLogger } from '@baton/telemetry';
import { Registry } from '@baton/workflow-kit';
import { WorkflowBundleConfig, orchestratorBundle } from './workflow-bundle.js';

const config = loadConfigOrExit(
  'orchestrator-prebuild',
  BaseServiceConfig.pick({ BATON_LOG_LEVEL: true }).merge(WorkflowBundleConfig),
);
const logger = createLogger('orchestrator-prebuild', config.BATON_LOG_LEVEL);
const registry = await Registry.loadOrExit('orchestrator-prebuild', config.BATON_WORKFLOWS_DIR);
if (config.BATON_WORKFLOW_BUNDLE_CACHE_DIR === 'off') {
  logger.info('the bundle cache is off: nothing to build ahead');
} else {
  const started = performance.now();
  const built = await orchestratorBundle(registry, config, logger);
  logger.info(
    {
      cached: built.cached,
      ms: Math.round(performance.now() - started),
      ...(built.reason ? { reason: built.reason } : {}),
    },
    built.cached ? 'workflow bundle up to date' : 'workflow bundle built',
  );
}
