// The agent scaffold: what it writes, where it registers the agent, and that it changes nothing
// when the agent (or any part of it) already exists.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from '@baton/testkit';
import { ScaffoldError, renderAgentFiles, scaffoldAgent, scaffoldPaths } from '../scripts/scaffold.js';

describe('agent scaffold', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'baton-scaffold-'));
    for (const path of [scaffoldPaths.contracts, scaffoldPaths.compose]) cpSync(join(repoRoot, path), join(root, path));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('is what created services/concierge, the agent the end-to-end suite runs in the stack', () => {
    for (const [path, text] of Object.entries(renderAgentFiles('concierge'))) {
      assert.equal(
        readFileSync(join(repoRoot, 'services', 'concierge', path), 'utf8'),
        text,
        `services/concierge/${path}`,
      );
    }
    assert.ok(renderAgentFiles('concierge')['src/main.ts']!.split('\n').length < 30, 'one short file');
  });

  it('creates the folder and the contract entry, and registers the agent in docker-compose', () => {
    const result = scaffoldAgent(root, 'wine-pairing');
    assert.deepEqual(result.created, ['services/wine-pairing/package.json', 'services/wine-pairing/src/main.ts']);
    const main = readFileSync(join(root, 'services/wine-pairing/src/main.ts'), 'utf8');
    assert.match(main, /defineAgent\(sampleAgents\['wine-pairing'\], \{/);
    assert.match(main, /sampleAgents\['wine-pairing'\]\.output/);
    assert.equal(
      JSON.parse(readFileSync(join(root, 'services/wine-pairing/package.json'), 'utf8')).name,
      '@baton/wine-pairing',
    );

    const contracts = readFileSync(join(root, scaffoldPaths.contracts), 'utf8');
    const table = contracts.slice(contracts.indexOf('export const sampleAgents = {'), contracts.indexOf('\n};'));
    assert.match(
      table,
      /\n {2}'wine-pairing': defineAgentContract\('wine-pairing', \{\n {4}input: z\.object/,
      'inside the sampleAgents table',
    );
    const compose = readFileSync(join(root, scaffoldPaths.compose), 'utf8');
    assert.match(
      compose,
      /\n {2}wine-pairing:\n {4}<<: \*baton-service\n {4}environment: \{ <<: \*baton-env, BATON_SERVICE: wine-pairing \}\n\nvolumes:/,
    );
  });

  it('refuses a second run, and bad names, without touching anything', () => {
    const before = [scaffoldPaths.contracts, scaffoldPaths.compose].map((p) => readFileSync(join(root, p), 'utf8'));
    assert.throws(() => scaffoldAgent(root, 'wine-pairing'), ScaffoldError);
    assert.throws(() => scaffoldAgent(root, 'Wine Pairing'), ScaffoldError);
    assert.throws(() => scaffoldAgent(root, 'concierge'), /already in sampleAgents/);
    assert.equal(existsSync(join(root, 'services/concierge')), false);
    assert.deepEqual(
      [scaffoldPaths.contracts, scaffoldPaths.compose].map((p) => readFileSync(join(root, p), 'utf8')),
      before,
    );
  });
});
