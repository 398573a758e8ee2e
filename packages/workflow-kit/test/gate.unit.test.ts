// The human gate's pure parts: the canonical digest that binds a decision to what was shown,
// and the refusals of a decision that does not match the open gate.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HumanGate, canonicalJson, gateDigest } from '../src/workflows/gate.js';

const payload = { request: { partySize: 4, notes: '' }, table: { tableId: 'T7', seats: 4 } };
type P = typeof payload;

function openGate() {
  return new HumanGate<P>(
    {
      gateId: 'wf-1/approval',
      gateType: 'reservation.allergy',
      payload,
      options: ['approve', 'decline', 'approve-with-changes'],
      tiers: [
        { role: 'host', timeoutMs: 1000 },
        { role: 'manager', timeoutMs: 1000 },
      ],
      safeDefault: 'release the hold',
      applyChanges: (p, changes) => {
        if (Number(changes.partySize ?? 0) > p.table.seats) throw new Error('does not fit');
        return { ...p, request: { ...p.request, ...changes } };
      },
    },
    { onEvent: () => undefined },
  );
}

describe('human gate', () => {
  it('gives the same digest whatever the key order, and another for another payload', () => {
    assert.equal(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] }), '{"a":[{"d":2}],"b":1}');
    const a = gateDigest('reservation.allergy', { x: 1, y: 2 }, ['approve']);
    assert.equal(a, gateDigest('reservation.allergy', { y: 2, x: 1 }, ['approve']));
    assert.match(a, /^sha256:[0-9a-f]{64}$/);
    assert.notEqual(a, gateDigest('reservation.allergy', { x: 1, y: 3 }, ['approve']));
    assert.notEqual(a, gateDigest('reservation.allergy', { x: 1, y: 2 }, ['approve', 'decline']));
    assert.notEqual(a, gateDigest('reservation.large-party', { x: 1, y: 2 }, ['approve']));
  });

  it('accepts a decision that names the gate and its digest', () => {
    const gate = openGate();
    const decision = gate.check({
      gateId: gate.view.gateId,
      digest: gate.view.digest,
      decision: 'approve',
      decidedBy: 'mia',
      role: 'host',
    });
    assert.equal(decision.reason, '');
  });

  it('refuses a stale digest, another gate, a role not allowed, and changes that do not belong', () => {
    const gate = openGate();
    const base = { gateId: gate.view.gateId, digest: gate.view.digest, decidedBy: 'mia', role: 'manager' } as const;
    assert.throws(
      () => gate.check({ ...base, digest: `sha256:${'0'.repeat(64)}`, decision: 'approve' }),
      /stale decision.*digest mismatch/,
    );
    assert.throws(
      () => gate.check({ ...base, gateId: 'wf-2/approval', decision: 'approve' }),
      /open gate is "wf-1\/approval"/,
    );
    assert.throws(() => gate.check({ ...base, decision: 'approve', role: 'viewer' }), /role "viewer" may not decide/);
    // No role, no tier check skipped: a decision without one is refused (issue 14).
    assert.throws(
      () => gate.check({ gateId: gate.view.gateId, digest: gate.view.digest, decision: 'approve', decidedBy: 'mia' }),
      /role: the approver's role \(checked against their sign-in\) is required/,
    );
    // Read on replay (the update's handler), a decision accepted before roles were required still
    // applies as it did; a role it does carry is still checked.
    const replayed = gate.check(
      { gateId: gate.view.gateId, digest: gate.view.digest, decision: 'approve', decidedBy: 'mia' },
      { requireRole: false },
    );
    assert.equal(replayed.role, undefined);
    assert.throws(
      () => gate.check({ ...base, decision: 'approve', role: 'viewer' }, { requireRole: false }),
      /role "viewer" may not decide/,
    );
    assert.throws(
      () => gate.check({ ...base, decision: 'approve', changes: { notes: 'x' } }),
      /only with approve-with-changes/,
    );
    assert.throws(() => gate.check({ ...base, decision: 'approve-with-changes' }), /needs the changes/);
    assert.throws(
      () => gate.check({ ...base, decision: 'approve-with-changes', changes: { partySize: 9 } }),
      /does not fit/,
    );
    assert.throws(() => gate.check({ ...base, decision: 'approve', decidedBy: '' }), /decidedBy/);
    assert.doesNotThrow(() => gate.check({ ...base, decision: 'approve-with-changes', changes: { partySize: 3 } }));
  });

  it('closes at once when trust approves it, with exactly the shown payload', () => {
    const gate = openGate();
    const outcome = gate.approveWithoutPerson('earned-trust', 'auto');
    assert.equal(outcome.kind, 'approved');
    assert.deepEqual(outcome.kind === 'approved' && outcome.payload, payload);
    assert.equal(gate.view.status, 'approved');
    assert.throws(
      () => gate.check({ gateId: gate.view.gateId, digest: gate.view.digest, decision: 'approve', decidedBy: 'mia' }),
      /already/,
    );
  });
});
