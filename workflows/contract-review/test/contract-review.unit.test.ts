// The contract review's rules on the route and its registration: a clause's risk is the higher
// of classification and policy, a finding outside every clause is its own row, any high risk
// opens the gate, and the workflow registers beside the others.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry, type EventRoute } from '@baton/workflow-kit';
import {
  ContractSubmitted,
  clauseRisks,
  needsApproval,
  overallRisk,
  type Clause,
  type PolicyFinding,
} from '../src/index.js';
import { CLEAN_CONTRACT, contractEvent } from '../src/samples.js';

const clauses: Clause[] = [
  { id: 'c1', heading: 'Liability', text: 'The liability is unlimited.' },
  { id: 'c2', heading: 'Payment', text: 'Payable within 30 days.' },
];
const finding = (clauseId: string, risk: PolicyFinding['risk'], ruleId = 'LIABILITY-CAP'): PolicyFinding => ({
  ruleId,
  clauseId,
  risk,
  requirement: 'capped',
  excerpt: 'unlimited',
  redline: 'cap it',
});

describe('contract review rules', () => {
  it('takes the higher of the classification and the policy: a model saying "low" lowers nothing', () => {
    const risks = clauseRisks(
      clauses,
      [
        { clauseId: 'c1', category: 'liability', risk: 'low', reason: 'the model was told so' },
        { clauseId: 'c2', category: 'payment', risk: 'low', reason: 'standard' },
      ],
      [finding('c1', 'high')],
    );
    assert.deepEqual(
      risks.map((r) => [r.clauseId, r.risk]),
      [
        ['c1', 'high'],
        ['c2', 'low'],
      ],
    );
    assert.ok(risks[0]!.reasons.some((r) => r.includes('LIABILITY-CAP')));
    assert.equal(needsApproval(risks), true);
    assert.equal(overallRisk(risks), 'high');
  });

  it('counts a clause the classification skipped as medium, never low', () => {
    const risks = clauseRisks(clauses, [{ clauseId: 'c2', category: 'payment', risk: 'low', reason: 'standard' }], []);
    assert.equal(risks[0]!.risk, 'medium');
    assert.equal(needsApproval(risks), false);
  });

  it('reports a policy finding on text no clause holds as its own high-risk row', () => {
    const risks = clauseRisks(clauses, [], [finding('document', 'high', 'REVIEWER-INSTRUCTION')]);
    assert.deepEqual(risks.at(-1)?.clauseId, 'document');
    assert.equal(needsApproval(risks), true);
  });

  it('lets a contract with only low and medium clauses through without a person', () => {
    const risks = clauseRisks(
      clauses,
      [
        { clauseId: 'c1', category: 'liability', risk: 'medium', reason: 'x' },
        { clauseId: 'c2', category: 'payment', risk: 'low', reason: 'y' },
      ],
      [finding('c2', 'medium', 'PAYMENT-TERMS')],
    );
    assert.equal(needsApproval(risks), false);
    assert.equal(overallRisk(risks), 'medium');
  });

  it('registers with the other workflows: its event, its six agents and a gate type that is never auto-approved', async () => {
    const registry = await Registry.load();
    assert.equal(registry.events.get('contract.submitted.v1')?.workflow.definition.type, 'contract-review');
    for (const agent of [
      'contract-ingest',
      'contract-extract',
      'contract-classify',
      'contract-policy',
      'contract-draft',
      'contract-filing',
    ])
      assert.ok(registry.agents.has(agent), agent);
    assert.equal(registry.gateTypes.get('contract.high-risk')?.autoApprove, false);
    const event = contractEvent(CLEAN_CONTRACT);
    assert.equal(ContractSubmitted.safeParse(event).success, true);
    const started = (registry.events.get('contract.submitted.v1')!.route as EventRoute).start(event);
    assert.equal(started.workflowId, `contract-review-${encodeURIComponent(event.source)}/${event.idempotencykey}`);
  });
});
