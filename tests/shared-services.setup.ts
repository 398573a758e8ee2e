// Global set-up of the shared-services group of `npm test` (node --test --test-global-setup):
// every workflow's services start once, before the group's first file, and stop after its last.
// Each file attaches to them through startStack (tests/e2e/support.ts), which resets the
// simulators first; the set-up passes their names to the files in BATON_SHARED_SERVICES.
// Files that start services of their own carry the own-services mark and run in the next group,
// once these are stopped (two sets of one service would split its work).
//
// The test kit is loaded with tsx's own API: node's test runner loads a global set-up outside the
// --import hooks, which would not resolve the kit's TypeScript (`./env.js` for `./env.ts`).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import type { ServiceSet } from '@baton/testkit';

let services: ServiceSet | undefined;

export async function globalSetup(): Promise<void> {
  const kit = (await tsImport('@baton/testkit', import.meta.url)) as typeof import('@baton/testkit');
  const { SHARED_SERVICES_VARIABLE, ServiceSet, servicesForWorkflows, stackEnv } = kit;
  const started = Date.now();
  services = await ServiceSet.start(servicesForWorkflows('all'), { hosted: true, readyTimeoutMs: 180_000 });
  process.env[SHARED_SERVICES_VARIABLE] = [...services.byName.keys()].join(',');
  // Should this runner die before its teardown, infra/test.sh stops them by these pids.
  writeFileSync(
    join(stackEnv().stateDir, 'shared-services.pids'),
    `${[...services.byName.values()].map((s) => s.pid).join('\n')}\n`,
  );
  process.stdout.write(
    `shared services: ${services.byName.size} started in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

export async function globalTeardown(): Promise<void> {
  await services?.stop();
}
