// A gate with a workflow's own options (a bill's pay-now, postpone, dispute): a decision naming one
// is accepted, the workflow's own check refuses what it must (a postpone without a reason), and a
// correction's scope is checked with the decision.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GateRefusedError, HumanGate, parseDecision } from '../src/workflows/gate.js';

function billGate() {
  return new HumanGate<{ billId: string }>(
    {
      gateId: 'bill-1/missed-payment/1',
      gateType: 'bills.missed-payment',
      payload: { billId: 'b-1' },
      options: ['pay-now', 'postpone', 'dispute'],
      tiers: [{ role: 'manager', timeoutMs: 1000 }],
      safeDefault: 'a person deals with it',
      checkDecision: (d) => {
        if (d.decision !== 'pay-now' && !d.reason.trim()) throw new GateRefusedError(`${d.decision} needs a reason`);
      },
    },
    { onEvent: () => undefined },
  );
}

describe("gate with a workflow's own options", () => {
  it("accepts its options, refuses others and what the workflow's check refuses", () => {
    const gate = billGate();
    const base = { gateId: gate.view.gateId, digest: gate.view.digest, decidedBy: 'mia', role: 'manager' } as const;
    assert.equal(gate.check({ ...base, decision: 'pay-now' }).decision, 'pay-now');
    assert.equal(
      gate.check({ ...base, decision: 'postpone', reason: 'cash comes Friday' }).reason,
      'cash comes Friday',
    );
    assert.throws(() => gate.check({ ...base, decision: 'postpone' }), /postpone needs a reason/);
    assert.throws(() => gate.check({ ...base, decision: 'approve' }), /not an option of this gate/);
    assert.throws(
      () => gate.check({ ...base, decision: 'dispute', reason: 'x', changes: { amount: 1 } }),
      /changes come only with no option of this gate/,
    );
  });

  it('checks the scope a correction is made for', () => {
    const base = {
      gateId: 'g',
      digest: `sha256:${'0'.repeat(64)}`,
      decision: 'supply-output',
      decidedBy: 'mia',
      role: 'manager',
    };
    assert.equal(parseDecision({ ...base, scope: 'everyone' }).scope, 'everyone');
    assert.throws(
      () => parseDecision({ ...base, scope: 'the whole street' }),
      /scope: must be "customer" or "everyone"/,
    );
  });
});
