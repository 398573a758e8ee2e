// The workflow bundle cache: a second start reads the bundle it built, and any change to a file
// the bundle was built from (here a module the workflow imports) builds it again.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { workflowBundle } from '@baton/workflow-kit/bundle-cache';

// Inside the package (git-ignored .generated/), so the bundler finds the SDK from there.
const dir = fileURLToPath(new URL(`../.generated/bundle-test-${process.pid}/`, import.meta.url));
const cacheDir = join(dir, 'cache');
const workflowsPath = join(dir, 'workflows.ts');
const helperPath = join(dir, 'greeting.ts');

mkdirSync(dir, { recursive: true });
writeFileSync(
  workflowsPath,
  "import { greeting } from './greeting.js';\nexport async function greetWorkflow(name: string): Promise<string> {\n  return `${greeting}, ${name}`;\n}\n",
);
writeFileSync(helperPath, "export const greeting = 'Hello';\n");

describe('workflow bundle cache', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('builds once, then reads the same bundle until a source it was built from changes', async () => {
    const request = { workflowsPath, workflowInterceptorModules: [], cacheDir };
    const first = await workflowBundle(request);
    assert.equal(first.cached, false);
    assert.match(first.bundle.code, /Hello/);

    const second = await workflowBundle(request);
    assert.equal(second.cached, true, 'nothing changed: read from the cache');
    assert.equal(second.bundle.code, first.bundle.code);

    writeFileSync(helperPath, "export const greeting = 'Good evening';\n");
    const third = await workflowBundle(request);
    assert.equal(third.cached, false, 'an imported module changed: built again');
    assert.equal(third.reason, `${helperPath} changed`);
    assert.match(third.bundle.code, /Good evening/);
    assert.equal((await workflowBundle(request)).cached, true);
  });

  it('always builds without a cache folder', async () => {
    const built = await workflowBundle({ workflowsPath, workflowInterceptorModules: [] });
    assert.equal(built.cached, false);
  });
});
