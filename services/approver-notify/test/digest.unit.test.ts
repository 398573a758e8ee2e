// The daily digest without a stack: which gates wait (the last notice of each gate, checked
// against the workflow's status), who is told what (the role of each gate's current tier, on the
// person's own channels when set), once per day, person and channel; and when the timer fires.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EffectLedger } from '@baton/agent';
import { createLogger } from '@baton/telemetry';
import type { WorkflowStatus } from '@baton/workflow-kit';
import { dayOf, msUntil, openGatesOf, runDigest } from '../src/digest.js';
import type { GateNoticeEnvelope } from '../src/notify.js';

const notice = (type: string, workflowId: string, tier = 0, role = 'host'): GateNoticeEnvelope => ({
  type,
  data: {
    workflowId,
    workflowType: 'reservation',
    gateId: `${workflowId}/allergy`,
    gateType: 'reservation.allergy',
    tier,
    role,
    digest: 'sha256:x',
  },
});
const statusOf = (workflowId: string, tier: number, state: 'open' | 'approved' = 'open') =>
  ({
    workflowType: 'reservation',
    gate: {
      gateId: `${workflowId}/allergy`,
      status: state,
      tier,
      tiers: [
        { role: 'host', timeoutMs: 1 },
        { role: 'manager', timeoutMs: 1 },
      ],
    },
  }) as unknown as WorkflowStatus;

describe('daily digest', () => {
  it('finds the gates whose last notice opened or escalated them', () => {
    const open = openGatesOf([
      notice('gate.opened.v1', 'a'),
      notice('gate.opened.v1', 'b'),
      notice('gate.decided.v1', 'b'),
      notice('gate.opened.v1', 'c'),
      notice('gate.escalated.v1', 'c', 1, 'manager'),
    ]);
    assert.deepEqual(
      open.map((g) => `${g.workflowId}:${g.role}`),
      ['a:host', 'c:manager'],
    );
  });

  it('fires at the next digest time in the zone, within a day', () => {
    assert.equal(msUntil('08:00', new Date('2026-12-08T06:30:00Z'), 'UTC'), 90 * 60_000);
    assert.equal(
      msUntil('08:00', new Date('2026-12-08T08:00:00Z'), 'UTC'),
      86_400_000,
      'at the minute itself: tomorrow',
    );
    assert.equal(msUntil('08:00', new Date('2026-12-08T06:30:00Z'), 'Europe/Amsterdam'), 30 * 60_000);
    assert.equal(dayOf(new Date('2026-12-08T23:30:00Z'), 'Europe/Amsterdam'), '2026-12-09');
  });

  it('tells each person what waits for their roles now, once per day and channel', async () => {
    const statuses: Record<string, WorkflowStatus> = {
      a: statusOf('a', 0),
      c: statusOf('c', 1),
      d: statusOf('d', 0, 'approved'),
    };
    const done = new Set<string>();
    const sent: Array<{ to: string; text: string }> = [];
    const ledger = {
      once: async (_s: string, key: string, effect: (k: string) => Promise<unknown>) => {
        if (done.has(key)) return { replayed: true };
        await effect(key);
        done.add(key);
        return { replayed: false };
      },
    } as unknown as EffectLedger;
    const run = () =>
      runDigest({
        accounts: [
          { username: 'hana', roles: ['host'], channels: { phone: '+15550100001' } },
          { username: 'mia', roles: ['manager'], channels: { email: 'mia@example.com' } },
          { username: 'vic', roles: ['viewer'], channels: { email: 'vic@example.com' } },
        ],
        settingsOf: async (u) =>
          u === 'mia' ? { channels: { email: 'mia@home.example' }, updatedAt: '2026-12-08T00:00:00.000Z' } : undefined,
        readNotices: async () => [
          notice('gate.opened.v1', 'a'),
          notice('gate.opened.v1', 'c'),
          notice('gate.escalated.v1', 'c', 1, 'manager'),
          notice('gate.opened.v1', 'd'),
        ],
        statusOf: async (id) => statuses[id],
        summaryOf: () => '2 guests',
        consoleUrl: 'http://console.example.com',
        ledger,
        send: async (delivery, words) => (
          sent.push({ to: delivery.address, text: delivery.channel === 'email' ? words.email : words.text }), {}
        ),
        count: () => undefined,
        logger: createLogger('digest-test', 'error'),
        now: new Date('2026-12-08T07:00:00Z'),
        timeZone: 'UTC',
      });
    const told = await run();
    assert.deepEqual(
      told.map((d) => `${d.username}/${d.channel}`),
      ['hana/sms', 'mia/email'],
    );
    assert.equal(sent[0]?.to, '+15550100001');
    assert.equal(
      sent[0]?.text,
      'Baton, 2026-12-08: 1 waiting for your decision.\n- reservation (reservation.allergy) for a host: 2 guests. Open: http://console.example.com/gates/a',
    );
    assert.equal(sent[1]?.to, 'mia@home.example', "the manager's own channel");
    assert.match(
      sent[1]?.text ?? '',
      /^Subject: 1 waiting for you in Baton\n\nBaton, 2026-12-08: 1 waiting .*\/gates\/c$/s,
    );
    // The same day again (another replica, a restart): nobody is told twice.
    assert.deepEqual(await run(), []);
    assert.equal(sent.length, 2);
  });
});
