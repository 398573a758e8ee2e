// The workflow scaffold writes a workflow test that passes as written: `new-workflow`'s folder is
// written under a temporary root inside the repository (so its imports resolve as a real
// workflow's do), and its generated workflow test runs on the kit's harness in a process of its
// own. The temporary root is removed afterwards.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { WorkflowScaffoldError, scaffoldWorkflow, workflowNames } from '../scripts/scaffold-workflow.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
// Under .baton/ (ignored by git, tsc and eslint), so node_modules of the repository resolve.
const scratch = join(repoRoot, '.baton');
mkdirSync(scratch, { recursive: true });
const root = mkdtempSync(join(scratch, 'scaffold-'));

describe('new-workflow scaffold', () => {
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes a workflow test beside the unit test, and refuses a folder that exists or a bad name', () => {
    const created = scaffoldWorkflow(root, 'errand');
    assert.ok(created.includes(join('workflows', 'errand', 'test', 'errand.workflow.test.ts')));
    assert.ok(created.includes(join('workflows', 'errand', 'test', 'errand.unit.test.ts')));
    const index = readFileSync(join(root, 'workflows', 'errand', 'src', 'index.ts'), 'utf8');
    assert.match(index, new RegExp(`defineWorkflow<${workflowNames('errand').Status}, ${workflowNames('errand').Agents}>`), 'its fakes are typed by its agents');
    const workflow = readFileSync(join(root, 'workflows', 'errand', 'src', 'workflow.ts'), 'utf8');
    const { Input, Event } = workflowNames('errand');
    assert.match(workflow, new RegExp(`export interface ${Input} extends RunOptions<State> \\{\\n  event: ${Event};\\n\\}`), 'its input is the event only: no test-only timings');
    const manifest = JSON.parse(readFileSync(join(root, 'workflows', 'errand', 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(manifest, { name: '@baton/workflow-errand', version: '0.1.0', private: true, type: 'module', baton: { services: ['errand-prepare', 'errand-finish'] } }, 'it declares its agents, and no dependencies (the root has them)');
    assert.throws(() => scaffoldWorkflow(root, 'errand'), WorkflowScaffoldError);
    assert.throws(() => scaffoldWorkflow(root, 'Errand_1'), /not a workflow name/);
  });

  it('its generated workflow test passes as written: the happy path and the gate', () => {
    // A run of its own (not a subtest of this one): without the parent runner's context.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT'));
    const file = join(root, 'workflows', 'errand', 'test', 'errand.workflow.test.ts');
    const out = execFileSync('node', ['--import', 'tsx', '--test', '--test-reporter=tap', file], { cwd: repoRoot, encoding: 'utf8', env, timeout: 120_000 });
    assert.match(out, /# pass 3\n# fail 0/);
  });
});
