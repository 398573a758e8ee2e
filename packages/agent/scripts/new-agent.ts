// `npm run new-agent -- <name>`: scaffolds an agent service, links it into the workspace and
// regenerates the JSON Schema documents so the new contract is published with the others.
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScaffoldError, scaffoldAgent } from './scaffold.js';

const name = process.argv[2];
if (!name) {
  process.stderr.write('usage: npm run new-agent -- <name>\n');
  process.exit(64);
}
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
try {
  const { created, changed } = scaffoldAgent(root, name);
  for (const path of created) console.log(`created  ${path}`);
  for (const path of changed) console.log(`changed  ${path}`);
} catch (err) {
  if (!(err instanceof ScaffoldError)) throw err;
  process.stderr.write(`new-agent: ${err.message}\n`);
  process.exit(1);
}
console.log('new-agent: linking the workspace (pnpm install)');
execFileSync('bash', [join(root, 'infra', 'pnpm.sh'), 'install', '--prefer-offline'], { cwd: root, stdio: 'inherit' });
execFileSync(
  'node',
  [
    '--conditions=baton-source',
    '--import',
    'tsx',
    join(root, 'packages', 'contracts', 'scripts', 'export-json-schema.ts'),
  ],
  { cwd: root, stdio: 'inherit' },
);
console.log(
  `new-agent: done. Edit services/${name}/src/main.ts and its contract, then \`npm test\`; it starts with the stack. How to write one: docs/write-an-agent.md.`,
);
