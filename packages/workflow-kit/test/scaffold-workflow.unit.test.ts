// The workflow scaffold writes a folder that passes the fast tier as written: `new-workflow`'s
// folder is written under a temporary root inside the repository (so its imports resolve as a
// real workflow's do); it typechecks on its own tsconfig.json (not the whole repository's), lints
// clean, and its generated workflow test runs on the kit's harness in a process of its own. The
// temporary root is removed afterwards.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
    assert.match(
      index,
      new RegExp(`defineWorkflow<${workflowNames('errand').Status}, ${workflowNames('errand').Agents}>`),
      'its fakes are typed by its agents',
    );
    const workflow = readFileSync(join(root, 'workflows', 'errand', 'src', 'workflow.ts'), 'utf8');
    const { Input, Event } = workflowNames('errand');
    assert.match(
      workflow,
      new RegExp(`export interface ${Input} extends RunOptions<State> \\{\\n  event: ${Event};\\n\\}`),
      'its input is the event only: no test-only timings',
    );
    const manifest = JSON.parse(readFileSync(join(root, 'workflows', 'errand', 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    assert.deepEqual(
      manifest,
      {
        name: '@baton/workflow-errand',
        version: '0.1.0',
        private: true,
        type: 'module',
        baton: { services: ['errand-prepare', 'errand-finish'] },
      },
      'it declares its agents, and no dependencies (the root has them)',
    );
    assert.throws(() => scaffoldWorkflow(root, 'errand'), WorkflowScaffoldError);
    assert.throws(() => scaffoldWorkflow(root, 'Errand_1'), /not a workflow name/);
  });

  // Runs of their own (not subtests of this one): without the parent runner's context.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT'));
  const folder = () => join(root, 'workflows', 'errand');

  it('typechecks on its own (its tsconfig.json) and lints clean, as written', () => {
    // Its tsconfig extends the repository's base two folders up, as it does under workflows/.
    copyFileSync(join(repoRoot, 'tsconfig.base.json'), join(root, 'tsconfig.base.json'));
    execFileSync(join(repoRoot, 'node_modules', '.bin', 'tsc'), ['-p', folder()], {
      cwd: repoRoot,
      encoding: 'utf8',
      env,
      timeout: 120_000,
    });
    // --no-ignore: the repository's lint ignores .baton/, where this copy lives.
    execFileSync(join(repoRoot, 'node_modules', '.bin', 'eslint'), ['--no-ignore', '--max-warnings', '0', folder()], {
      cwd: repoRoot,
      encoding: 'utf8',
      env,
      timeout: 120_000,
    });
    // Formatted as the lint step checks it (biome.json): exits non-zero if any file would change.
    execFileSync(join(repoRoot, 'node_modules', '.bin', 'biome'), ['format', '--vcs-use-ignore-file=false', folder()], {
      cwd: repoRoot,
      encoding: 'utf8',
      env,
      timeout: 30_000,
    });
  });

  // (Its unit test loads the repository's workflows folder, so it runs where the folder is
  // written under workflows/: tests/browser/new-workflow.browser.test.ts.)
  it('its generated workflow test passes as written: the happy path and the gate', () => {
    const file = join(folder(), 'test', 'errand.workflow.test.ts');
    const out = execFileSync(
      'node',
      ['--conditions=baton-source', '--import', 'tsx', '--test', '--test-reporter=tap', file],
      { cwd: repoRoot, encoding: 'utf8', env, timeout: 120_000 },
    );
    assert.match(out, /# pass 3\n# fail 0/);
  });
});
