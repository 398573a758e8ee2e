// Where the workflow test harness finds Temporal's time-skipping test server, and how loud the
// SDK may be: the Java build that `infra/obtain.sh temporal-test-server` copies from Maven Central
// (`npm test` and `npm run test:fast` obtain it through infra/bootstrap.sh).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { loadConfig } from '@baton/contracts';

const REPO_BIN_DIR = fileURLToPath(new URL('../../../../.baton/bin/', import.meta.url));

export const HarnessConfig = z.object({
  /** Another executable taking `<port>` (default: temporal-test-server in BATON_BIN_DIR). */
  BATON_TEMPORAL_TEST_SERVER: z.string().min(1).optional(),
  /** The local stack's bin folder (infra/env.sh); default the repository's .baton/bin. */
  BATON_BIN_DIR: z.string().min(1).optional(),
  /** `debug` shows the SDK's own log lines during workflow tests (default: errors only). */
  BATON_TEST_LOG: z.enum(['debug', 'warn', 'error']).default('error'),
});

export function harnessConfig(env?: Record<string, string | undefined>): z.output<typeof HarnessConfig> {
  return loadConfig(HarnessConfig, env);
}

export function testServerExecutable(env?: Record<string, string | undefined>): string {
  const config = harnessConfig(env);
  const path = config.BATON_TEMPORAL_TEST_SERVER ?? join(config.BATON_BIN_DIR ?? REPO_BIN_DIR, 'temporal-test-server');
  if (!existsSync(path)) {
    throw new Error(
      `workflow tests need Temporal's test server at ${path}: run \`bash infra/obtain.sh temporal-test-server\` ` +
        '(npm test and npm run test:fast do it for you), or set BATON_TEMPORAL_TEST_SERVER to one',
    );
  }
  return path;
}
