// The gate page as pure rendering, for a gate past its first tier: a person of the tier that has
// passed sees who may decide now and no form; one of the current tier gets the form. (The
// escalation itself is the workflow's: workflows/reservation/test/reservation.workflow.test.ts
// waits the host's two hours out with the harness's clock.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GateView, WorkflowStatus } from '@baton/workflow-kit';
import { gatePage } from '../src/web/approval-pages.js';

const gate: GateView = {
  gateId: 'r-1/approval',
  gateType: 'reservation.allergy',
  kind: 'approval',
  payload: {},
  options: ['approve', 'decline'],
  digest: `sha256:${'a'.repeat(64)}`,
  tiers: [
    { role: 'host', timeoutMs: 2 * 3600_000 },
    { role: 'manager', timeoutMs: 22 * 3600_000 },
  ],
  tier: 1,
  openedAt: '2026-12-07T10:00:00.000Z',
  tierSince: '2026-12-07T12:00:00.000Z',
  escalations: [{ tier: 1, role: 'manager', at: '2026-12-07T12:00:00.000Z' }],
  status: 'open',
  safeDefault: 'release the hold and tell the customer',
};
const status = {
  workflowType: 'reservation',
  state: 'Awaiting approval',
  stateSince: '2026-12-07T10:00:00.000Z',
  steps: [],
  compensated: [],
  gate,
} as WorkflowStatus;
const ctx = { workflowType: 'reservation', view: undefined, history: undefined };
const links = { temporalUi: 'http://t', namespace: 'default', traceUi: 'http://j' };

describe('gate page after an escalation', () => {
  it('tells a host only a manager may decide now, with no form, and gives the manager the form', () => {
    const forHost = gatePage('r-1', status, ctx, links, { username: 'hana', roles: ['host'] }, 'token');
    assert.match(forHost, /<p id="cannot-decide" class="empty">Only manager may decide now\.<\/p>/);
    assert.doesNotMatch(forHost, /id="decide"/);
    assert.match(forHost, /Escalated: to a manager at [^.]+\./);
    const forManager = gatePage('r-1', status, ctx, links, { username: 'mia', roles: ['manager'] }, 'token');
    assert.match(
      forManager,
      /<form method="post" action="\/gates\/r-1\/decide" id="decide"><fieldset><legend>Your decision \(as manager\)/,
    );
    assert.doesNotMatch(forManager, /id="cannot-decide"/);
  });
});
