// The README's workflow test example is a real test: its code block under "Testing a workflow" is
// the body of readme.workflow.test.ts, line for line (the file adds only its two header lines).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8');

it('the README shows readme.workflow.test.ts as it is, in at most 30 lines', () => {
  const readme = read('../../../README.md');
  const section = readme.slice(readme.indexOf('## Testing a workflow'));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, 'the README has a TypeScript block under "Testing a workflow"');
  const file = read('./readme.workflow.test.ts')
    .split('\n')
    .filter((line, i) => !(i < 2 && line.startsWith('//')))
    .join('\n');
  assert.equal(block, file);
  assert.ok(block.trimEnd().split('\n').length <= 30, 'a complete workflow test in 30 lines or fewer');
});
