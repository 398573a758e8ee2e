// The inbox page as pure rendering: rows for open gates, escalations (resolvable by a role that
// may), and workflows listed from visibility while no orchestrator answers; an unreadable
// visibility is shown as unknown, never as "nothing waits".
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WorkflowStatus } from '@baton/workflow-kit';
import { inboxPage } from '../src/web/approval-pages.js';
import type { InboxItem } from '../src/web/approvals.js';

const manager = { username: 'mia', roles: ['manager'] };
const viewer = { username: 'vic', roles: ['viewer'] };
const escalatedStatus = {
  workflowType: 'reservation',
  state: 'Needs attention',
  stateSince: '2026-12-07T10:00:00.000Z',
  steps: [],
  compensated: [],
  attention: {
    reason: 'the booking is made but the customer could not be told',
    failures: [],
    since: '2026-12-07T10:00:00.000Z',
  },
} as unknown as WorkflowStatus;
const row = { workflowType: 'reservation', since: '2026-12-07T10:00:00.000Z', summary: '' };
const escalation: InboxItem & { summary: string } = {
  ...row,
  workflowId: 'r-esc',
  state: 'Needs attention',
  kind: 'escalation',
  status: escalatedStatus,
};
const unanswered: InboxItem & { summary: string } = {
  ...row,
  workflowId: 'r-gate',
  state: 'Awaiting approval',
  kind: 'unanswered',
  reason: 'no orchestrator answered within 0.8 s',
};

describe('inbox page', () => {
  it('lists escalations with a resolve form for a role that may resolve, and not for others', () => {
    const forManager = inboxPage({ items: [escalation] }, [], manager, 'token');
    assert.match(forManager, /<tr data-workflow="r-esc" data-kind="escalation"/);
    assert.match(forManager, /action="\/escalations\/r-esc\/resolve"/);
    assert.match(forManager, /the booking is made but the customer could not be told/);
    assert.doesNotMatch(inboxPage({ items: [escalation] }, [], viewer, 'token'), /\/escalations\/r-esc\/resolve/);
  });

  it('lists what waits from visibility while no orchestrator answers, and says so', () => {
    const page = inboxPage({ items: [unanswered, escalation] }, [], manager, 'token');
    assert.match(page, /<tr data-workflow="r-gate" data-kind="unanswered" data-state="Awaiting approval"/);
    assert.match(page, /id="orchestrator-down">No orchestrator answers: 1 of 2 listed from Temporal visibility alone/);
    assert.doesNotMatch(page, /nothing waits/);
  });

  it('shows an unreadable visibility as unknown, never as nothing waiting', () => {
    const page = inboxPage(
      { items: [], unreadable: 'cannot read what waits for a person: Temporal visibility did not answer' },
      [],
      manager,
      'token',
    );
    assert.match(page, /id="inbox-unreadable">cannot read what waits/);
    assert.match(page, /unknown: what waits cannot be read now/);
    assert.doesNotMatch(page, /nothing waits/);
    assert.match(
      inboxPage({ items: [] }, [], manager, 'token'),
      /nothing waits for a person/,
      'only a list that was read may be empty',
    );
  });
});
