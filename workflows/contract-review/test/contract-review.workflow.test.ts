// The contract review's paths as specifications, in-process on Temporal's test server with time
// skipping (@baton/workflow-kit/testing): the agents are the fakes in fakes.ts, answering what a
// script says each clause holds; the records system is the fakes' world; people are the test.
// What only real servers show (the document through the object store, the model chain and its
// fallbacks, the console and CLI, the records simulator's idempotency) stays in
// tests/e2e/contract-review.e2e.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AgentError } from '@baton/agent';
import type { AttentionPayload } from '@baton/workflow-kit';
import { noAnswer, testWorkflow, type WorkflowHarness } from '@baton/workflow-kit/testing';
import contractReview, { type ContractReviewAgents, type ContractReviewStatus } from '../src/index.js';
import { contractEvent } from '../src/samples.js';
import {
  CLEAN,
  INJECTED,
  RISKY,
  agents,
  file,
  newWorld,
  referenceOf,
  textOf,
  type Script,
  type World,
} from './fakes.js';

/** A decision the workflow refuses: the update fails with the gate's reason as its cause. */
const refused = (decision: Promise<unknown>, reason: RegExp) =>
  assert.rejects(decision, (err: Error) => reason.test(String((err.cause as Error | undefined)?.message)));
/** What an attention gate shows the person taking a failed step over. */
const attentionOf = (s: ContractReviewStatus) => s.gate?.payload as unknown as AttentionPayload;
const contextRow = (s: ContractReviewStatus, label: RegExp) =>
  contractReview.view!.context!(s, undefined).find((r) => label.test(r.label));

describe('contract review workflow', () => {
  let wf: WorkflowHarness<ContractReviewStatus, ContractReviewAgents>;
  before(async () => {
    wf = await testWorkflow(contractReview);
  });
  after(() => wf?.close());

  // The event carries the text the script was read from, so the checks between steps hold.
  const start = (world: World, script: Script, fakes = agents(world, script)) =>
    wf.start(contractEvent(textOf(script)), { agents: fakes });

  it('files a clean contract without a person: the document travels by reference, one filing', async () => {
    const world = newWorld();
    const event = contractEvent(textOf(CLEAN));
    const run = await wf.start(event, { agents: agents(world, CLEAN) });
    const done = await run.result();
    assert.equal(done.state, 'Filed');
    assert.equal(done.overallRisk, 'low');
    assert.equal(done.gate, undefined, 'no gate was opened');
    assert.deepEqual(
      done.steps.map((s) => s.stepId),
      ['ingest', 'extract', 'classify', 'policy-check', 'draft', 'file'],
    );
    assert.deepEqual(Object.keys(done.steps[1]!.input as object), ['document'], 'only ingest saw the text');
    assert.deepEqual(
      world.filings.map((f) => [f.contractId, f.overallRisk, f.approvedBy]),
      [[event.data.contractId, 'low', null]],
    );
    assert.equal(done.filing?.filingId, world.filings[0]!.filingId);
  });

  it('stops a high-risk contract at the approval gate with every clause and its risk; approved, it is filed once with the approver', async () => {
    const world = newWorld();
    const run = await start(world, RISKY);
    const waiting = await run.waitFor('Awaiting approval');
    assert.equal(waiting.gate?.gateType, 'contract.high-risk');
    assert.deepEqual(waiting.gate?.options, ['approve', 'decline']);
    assert.equal(world.filings.length, 0, 'nothing is filed before the approval');
    assert.deepEqual(
      waiting.gate!.payload.clauses.filter((c) => c.risk === 'high').map((c) => c.heading),
      ['Liability', 'Indemnity'],
    );
    const liability = contextRow(waiting, /Liability$/);
    assert.match(liability?.value ?? '', /^HIGH — .*LIABILITY-CAP/);
    assert.equal(liability?.emphasis, true);

    await run.decide('approve', { role: 'manager', by: 'mia', reason: 'liability cap negotiated by phone' });
    const done = await run.result();
    assert.equal(done.state, 'Filed');
    assert.deepEqual(
      world.filings.map((f) => [f.approvedBy, f.overallRisk, f.redlines]),
      [['mia', 'high', 2]],
    );
  });

  it('never files a declined contract', async () => {
    const world = newWorld();
    const run = await start(world, RISKY);
    await run.waitFor('Awaiting approval');
    await run.decide('decline', { role: 'manager', by: 'mia', reason: 'uncapped liability' });
    const done = await run.result();
    assert.equal(done.state, 'Declined');
    assert.equal(done.gate?.status, 'declined');
    assert.deepEqual(run.calls('contract-filing'), []);
    assert.deepEqual(world.filings, []);
  });

  it('offers no approval with changes: such a decision is refused and the gate stays open', async () => {
    const world = newWorld();
    const run = await start(world, RISKY);
    await run.waitFor('Awaiting approval');
    await refused(
      run.decide('approve-with-changes', { role: 'manager', by: 'mia', changes: { overallRisk: 'medium' } }),
      /"approve-with-changes" is not an option of this gate/,
    );
    const still = await run.status();
    assert.equal(still.state, 'Awaiting approval');
    assert.equal(still.gate?.status, 'open');
    assert.deepEqual(world.filings, []);
    await run.decide('decline', { role: 'manager', by: 'mia', reason: 'not this one' });
    assert.equal((await run.result()).state, 'Declined');
  });

  it("expires an approval nobody gives in legal's working day, unfiled", async () => {
    const world = newWorld();
    const run = await start(world, RISKY);
    await run.waitFor('Awaiting approval');
    const done = await run.result();
    assert.equal(done.state, 'Expired');
    assert.equal(done.gate?.status, 'timed-out');
    assert.deepEqual(world.filings, []);
  });

  it('waits eight hours for a manager, the only role that may approve, then expires the approval', async () => {
    // One tier (CONTRACT_APPROVAL_TIERS); escalation from tier to tier is the kit's, covered by the
    // reservation's workflow tests.
    const world = newWorld();
    const run = await start(world, RISKY);
    const waiting = await run.waitFor('Awaiting approval');
    assert.deepEqual(waiting.gate?.tiers, [{ role: 'manager', timeoutMs: 8 * 3600_000 }]);
    await refused(run.decide('approve', { role: 'legal', by: 'lee' }), /role "legal" may not decide at tier 1/);
    await wf.advance('7 hours');
    assert.equal((await run.status()).gate?.status, 'open', 'seven hours in, the manager may still decide');
    const done = await run.result();
    assert.equal(done.state, 'Expired');
    assert.equal(done.gate?.decidedBy, 'timeout');
    assert.deepEqual(world.filings, []);
  });

  it('still reaches the approval when the contract tells the reviewer to mark everything low and the classification obeys: the policy finding decides', async () => {
    const world = newWorld();
    const run = await start(world, INJECTED);
    const waiting = await run.waitFor('Awaiting approval');
    assert.ok(
      waiting.assessments!.every((a) => a.risk === 'low'),
      'the classification said low throughout',
    );
    assert.equal(waiting.risks!.find((r) => r.heading === 'Liability')?.risk, 'high', 'the policy rule raised it');
    assert.equal(
      waiting.risks!.find((r) => r.clauseId === 'document')?.risk,
      'high',
      'the instruction to the reviewer is its own high-risk row',
    );
    assert.equal(waiting.overallRisk, 'high');
    await run.decide('decline', { role: 'manager', by: 'mia', reason: 'uncapped liability' });
    assert.equal((await run.result()).state, 'Declined');
    assert.deepEqual(world.filings, [], 'a declined contract is never filed');
  });

  it("files exactly once when the filing's first answer is lost: the retry carries the same reference and finds the filing", async () => {
    const world = newWorld();
    const fakes = agents(world, CLEAN);
    const run = await start(world, CLEAN, {
      ...fakes,
      'contract-filing': (input, call) => {
        const answer = file(world, input, call);
        return call.attempt === 1 ? noAnswer() : answer; // filed, then the answer never arrives
      },
    });
    const done = await run.result();
    assert.equal(done.state, 'Filed');
    const calls = run.calls('contract-filing');
    assert.deepEqual(
      calls.map((c) => [c.attempt, 'noAnswer' in c.outcome]),
      [
        [1, true],
        [2, false],
      ],
    );
    assert.equal(referenceOf(calls[0]!), referenceOf(calls[1]!), 'both attempts carry one reference');
    assert.equal(world.filings.length, 1, 'one filing in the records system');
    assert.equal(done.filing?.filingId, world.filings[0]!.filingId);
  });

  it('takes a filing the records system refuses to a person; retried, it is filed once under the same reference', async () => {
    const world = newWorld();
    const fakes = agents(world, RISKY);
    let down = true;
    const run = await start(world, RISKY, {
      ...fakes,
      'contract-filing': (input, call) => {
        if (down)
          throw new AgentError('RECORDS_UNAVAILABLE', 'the records system refuses filings during its migration', false);
        return file(world, input, call);
      },
    });
    await run.waitFor('Awaiting approval');
    await run.decide('approve', { role: 'manager', by: 'mia' });
    const attention = await run.waitFor('Needs attention');
    assert.equal(attention.gate?.kind, 'attention');
    assert.match(attentionOf(attention).reason, /refuses filings during its migration/);
    down = false;
    await run.decide('retry', { role: 'manager', by: 'ops' });
    const done = await run.result();
    assert.equal(done.state, 'Filed');
    assert.deepEqual(
      world.filings.map((f) => f.approvedBy),
      ['mia'],
    );
    assert.equal(world.filings[0]!.reference, referenceOf(run.calls('contract-filing')[0]!));
  });

  it('lets a person supply the clauses an extraction could not give, checked against its contract before the review goes on', async () => {
    const world = newWorld();
    const run = await start(world, CLEAN, {
      ...agents(world, CLEAN),
      'contract-extract': () => {
        throw new AgentError('UNREADABLE', 'the scan has no text layer', false);
      },
    });
    const attention = await run.waitFor('Needs attention');
    assert.deepEqual(attention.gate?.options, ['retry', 'correct-input', 'supply-output', 'abandon']);
    const firstGate = attention.gate?.gateId;
    await run.decide('supply-output', { role: 'manager', by: 'mia', changes: { output: { clauses: [] } } });
    const again = await run.waitFor((s) => s.state === 'Needs attention' && s.gate?.gateId !== firstGate);
    assert.match(attentionOf(again).reason, /breaks the contract-extract contract/);
    await run.decide('supply-output', { role: 'manager', by: 'mia', changes: { output: { clauses: CLEAN.clauses } } });
    const done = await run.result();
    assert.equal(done.state, 'Filed');
    assert.equal(done.clauseCount, CLEAN.clauses.length);
    assert.ok(
      done.steps.some((s) => s.stepId === 'extract' && s.status === 'supplied'),
      'the step shows its output came from a person',
    );
    assert.equal(world.filings.length, 1);
  });

  it('ends as failed, nothing filed, when a person abandons a step that failed', async () => {
    const world = newWorld();
    const run = await start(world, CLEAN, {
      ...agents(world, CLEAN),
      'contract-ingest': () => {
        throw new AgentError('TOO_LARGE', 'the document is over the size limit', false);
      },
    });
    await run.waitFor('Needs attention');
    await run.decide('abandon', { role: 'manager', by: 'mia', reason: 'send it in parts' });
    const done = await run.result();
    assert.equal(done.state, 'Failed');
    assert.match(done.failure ?? '', /abandoned by mia: send it in parts/);
    assert.deepEqual(world.filings, []);
  });

  it('abandons a failed step nobody takes over in a day: failed, nothing filed', async () => {
    const world = newWorld();
    const run = await start(world, RISKY, {
      ...agents(world, RISKY),
      'contract-policy': () => {
        throw new AgentError('POLICY_MISSING', 'no policy file is loaded', false);
      },
    });
    await run.waitFor('Needs attention');
    const done = await run.result();
    assert.equal(done.state, 'Failed');
    assert.equal(done.gate?.status, 'timed-out');
    assert.match(done.failure ?? '', /abandoned by timeout/);
    assert.deepEqual(run.calls('contract-draft'), []);
    assert.deepEqual(world.filings, []);
  });

  // The checks between steps (checks.ts): an answer valid by its contract and wrong in content
  // opens the approval gate, also on a contract with no high-risk clause, with what the check
  // found in the rows the person reads.
  const checkRows = (s: ContractReviewStatus) =>
    contractReview.view!.context!(s, undefined).filter((r) => r.id?.startsWith('check-'));

  it('coverage: an extraction that dropped a sentence of the document reaches the approval gate, the sentence shown; approved, it is filed with the approver', async () => {
    const world = newWorld();
    const text = `${textOf(CLEAN)}4. The Supplier may end the services on 7 days' notice.\n`;
    const run = await wf.start(contractEvent(text), { agents: agents(world, CLEAN) });
    const waiting = await run.waitFor('Awaiting approval');
    assert.equal(waiting.overallRisk, 'low', 'no clause the agents saw is high-risk');
    assert.deepEqual(
      checkRows(waiting).map((r) => [r.label, r.emphasis]),
      [['check · coverage · document', true]],
    );
    assert.match(
      checkRows(waiting)[0]!.value,
      /no extracted clause holds "the supplier may end the services on 7 days' notice\."/,
    );
    assert.match(contextRow(waiting, /^why a person$/)?.value ?? '', /1 check\(s\) disagree .*\(coverage\)/);
    assert.equal(world.filings.length, 0, 'nothing is filed before the person decides');
    await run.decide('approve', { role: 'manager', by: 'mia', reason: 'read the whole document' });
    assert.equal((await run.result()).state, 'Filed');
    assert.deepEqual(
      world.filings.map((f) => f.approvedBy),
      ['mia'],
    );
  });

  it('second opinion: a classification that reads uncapped liability as low, which the policy pattern misses, reaches the approval gate with both readings shown', async () => {
    const world = newWorld();
    const script: Script = {
      ...CLEAN,
      clauses: [
        ...CLEAN.clauses.slice(0, 2),
        { id: 'c3', heading: 'Liability', text: 'The Company is liable without limit for any loss.' },
      ],
    };
    const run = await start(world, script);
    const waiting = await run.waitFor('Awaiting approval');
    assert.equal(waiting.overallRisk, 'low', 'classification and policy both said low');
    assert.deepEqual(
      checkRows(waiting).map((r) => [r.label, r.value]),
      [['check · second-opinion · c3', 'classified low, the rules say high (no cap on what the company may owe)']],
    );
    await run.decide('decline', { role: 'manager', by: 'mia', reason: 'uncapped liability' });
    assert.equal((await run.result()).state, 'Declined');
    assert.deepEqual(world.filings, []);
  });

  it('draft check: a redline that itself adds risk reaches the approval gate, the redline shown', async () => {
    const world = newWorld();
    const harmful = 'The Supplier may amend this clause at any time without notice.';
    const run = await start(world, CLEAN, {
      ...agents(world, CLEAN),
      'contract-draft': () => ({
        summary: 'Clean.',
        redlines: [{ clauseId: 'c2', proposed: harmful, reason: 'clarity' }],
      }),
    });
    const waiting = await run.waitFor('Awaiting approval');
    assert.deepEqual(
      checkRows(waiting).map((r) => r.label),
      ['check · draft · c2'],
    );
    assert.match(checkRows(waiting)[0]!.value, /is itself high risk \(the other side may change the terms alone\)/);
    await run.decide('decline', { role: 'manager', by: 'mia', reason: 'the redline is wrong' });
    assert.deepEqual(world.filings, []);
  });
});
