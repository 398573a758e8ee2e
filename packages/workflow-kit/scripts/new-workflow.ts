// `npm run new-workflow -- <name>`: writes a working workflow folder (see scaffold-workflow.ts) and
// its JSON Schema documents. The local stack, the gateway, the orchestrator and the console find
// the workflow by themselves: run `npm test`, then `npm run demo` and send it an event.
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkflowScaffoldError, scaffoldWorkflow, workflowNames } from './scaffold-workflow.js';

const name = process.argv[2];
if (!name) {
  process.stderr.write('usage: npm run new-workflow -- <name>\n');
  process.exit(64);
}
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
try {
  for (const path of scaffoldWorkflow(root, name)) console.log(`created  ${path}`);
} catch (err) {
  if (!(err instanceof WorkflowScaffoldError)) throw err;
  process.stderr.write(`new-workflow: ${err.message}\n`);
  process.exit(1);
}
execFileSync(
  'node',
  [
    '--conditions=baton-source',
    '--import',
    'tsx',
    join(root, 'packages', 'workflow-kit', 'scripts', 'export-json-schema.ts'),
  ],
  { cwd: root, stdio: 'inherit' },
);
const n = workflowNames(name);
console.log(`new-workflow: done. Edit workflows/${name}/src/workflow.ts and its agents in workflows/${name}/agents/.
Its paths are specified in workflows/${name}/test/${name}.workflow.test.ts (node --import tsx --test <that file>).
Send it an event of type ${n.eventType} (POST /events on the gateway, or NATS baton.events.${n.eventType}).
How to write it, test it and change it safely: docs/write-a-workflow.md, docs/test.md, docs/change-safely.md.`);
