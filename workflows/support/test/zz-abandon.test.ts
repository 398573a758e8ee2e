import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testWorkflow } from '@baton/workflow-kit/testing';
import support from '../src/index.js';
import { AgentFailure, LATE, agents, newWorld, ticketEvent } from './fakes.js';
describe('d', () => {
  let wf: Awaited<ReturnType<typeof testWorkflow>>;
  before(async () => { wf = await testWorkflow(support); });
  after(() => wf?.close());
  it('x', async () => {
    const world = newWorld();
    const run = await wf.start(ticketEvent(...LATE), { agents: { ...agents(world), 'docs-search': () => { throw new AgentFailure('X', 'down', false); } } });
    await run.waitFor('Needs attention'); process.stderr.write('\n>> attention\n');
    const p = run.decide('abandon', { role: 'manager', by: 'mia' }).then(() => process.stderr.write('\n>> ' + 'decided' as string), (e) => process.stderr.write('\n>> ' + 'decide err', e.message));
    await new Promise((r) => setTimeout(r, 3000));
    const d = await run.handle.describe();
    process.stderr.write('\n>> ' + 'STATUS', d.status.name, (await run.status()).state, JSON.stringify(world.emails));
    void p;
    assert.ok(true);
  });
});
