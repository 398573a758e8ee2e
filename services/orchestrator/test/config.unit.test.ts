// The orchestrator's BATON_WORKFLOW_MODULES: a bad value stops it at start, naming the variable.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { ConfigError, loadConfig } from '@baton/contracts';
import { workflowModules } from '../src/config.js';

const schema = z.object({ BATON_WORKFLOW_MODULES: workflowModules });

describe('orchestrator configuration', () => {
  it('reads type=module pairs, relative to the repository', () => {
    const { BATON_WORKFLOW_MODULES } = loadConfig(schema, { BATON_WORKFLOW_MODULES: 'reservation=tests/e2e/upgrade/reservation-next.ts' });
    assert.match(BATON_WORKFLOW_MODULES.reservation ?? '', /\/tests\/e2e\/upgrade\/reservation-next\.ts$/);
    assert.deepEqual(loadConfig(schema, {}).BATON_WORKFLOW_MODULES, {});
  });

  it('refuses a pair that is not type=path, and a module that does not exist, naming the variable', () => {
    const refuse = (value: string, expected: RegExp) =>
      assert.throws(() => loadConfig(schema, { BATON_WORKFLOW_MODULES: value }), (err: unknown) => err instanceof ConfigError && /^invalid configuration: BATON_WORKFLOW_MODULES=/.test(err.message) && expected.test(err.message));
    refuse('reservation', /"reservation" is not type=module-path/);
    refuse('reservation=tests/e2e/upgrade/missing.ts', /the module for workflow type "reservation" does not exist: tests\/e2e\/upgrade\/missing\.ts/);
  });
});
