// How Temporal's bundler (webpack) must read Baton's workflow code: from the TypeScript sources.
// Packages export their sources under the `baton-source` condition and built JavaScript (dist/)
// by default (infra/build.mjs); a service runs from dist, but the workflow bundle is always built
// from the sources, with the SDK's own TypeScript loader. So the code a worker runs is the code
// the workflow tests and the replay suite ran (same files, same transform), the bundle cache's
// manifest names the files people edit, and tests need no build step. Workflow modules are named
// by their source path (`workflowModule`, sourceModule below) whether the registering code runs
// from src or from dist.
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BundleOptions } from '@temporalio/worker';

type WebpackConfig = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];

/** The export condition under which Baton's packages name their TypeScript sources. */
export const SOURCE_CONDITION = 'baton-source';

/** For `bundleWorkflowCode` / `Worker.create({ bundlerOptions })`: resolve packages to their sources. */
export function bundleFromSources(config: WebpackConfig): WebpackConfig {
  const resolve = config.resolve ?? {};
  return {
    ...config,
    resolve: { ...resolve, conditionNames: [SOURCE_CONDITION, ...(resolve.conditionNames ?? ['...'])] },
  };
}

/**
 * The source file of a module beside the caller, whether the caller runs from src/ or as its
 * built twin in dist/: `sourceModule(import.meta.url, './workflow.ts')` in
 * `workflows/x/src/index.ts` and in `workflows/x/dist/index.js` both name `workflows/x/src/workflow.ts`.
 */
export function sourceModule(callerUrl: string, relativePath: string): string {
  const caller = fileURLToPath(callerUrl);
  const built = caller.lastIndexOf(`${sep}dist${sep}`);
  const source =
    built < 0 ? caller : `${caller.slice(0, built)}${sep}src${sep}${caller.slice(built + `${sep}dist${sep}`.length)}`;
  return resolve(dirname(source), relativePath);
}
