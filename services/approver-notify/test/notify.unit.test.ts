// The approver notifier's own rules, without servers: whom a gate's tier tells and on which
// channels (the console's accounts, passwords dropped unread), what the message says (the inbox
// line and a link, nothing of the customer), the chat webhook's shape (against a local HTTP
// server that answers as Slack does), and that a notice of a gate no longer waiting at its tier
// tells nobody. The deliveries themselves run on the real stack
// (tests/e2e/approver-notify.e2e.test.ts).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { loadConfig } from '@baton/contracts';
import type { EffectLedger } from '@baton/agent';
import { createLogger } from '@baton/telemetry';
import type { WorkflowStatus } from '@baton/workflow-kit';
import {
  ApproverAccountsField,
  createNotifier,
  postChat,
  deliveriesFor,
  deliveryKey,
  emailBody,
  gateLink,
  messageText,
  type GateMessage,
} from '../src/notify.js';

const HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
const users = [
  {
    username: 'hana',
    passwordHash: HASH,
    roles: ['host'],
    channels: { email: 'hana@example.com', phone: '+15550100001' },
  },
  {
    username: 'mia',
    passwordHash: HASH,
    roles: ['manager', 'host'],
    channels: { chatWebhookUrl: 'https://chat.example.com/hooks/abc' },
  },
  { username: 'vic', passwordHash: HASH, roles: ['viewer'], channels: { email: 'vic@example.com' } },
  { username: 'otto', passwordHash: HASH, roles: ['host'] },
];

describe('approver notifier', () => {
  it('reads the console accounts with their channels and drops the password hashes; a bad channel names the variable', () => {
    const accounts = loadConfig(z.object({ BATON_CONSOLE_USERS: ApproverAccountsField }), {
      BATON_CONSOLE_USERS: JSON.stringify(users),
    }).BATON_CONSOLE_USERS;
    assert.deepEqual(accounts[0], {
      username: 'hana',
      roles: ['host'],
      channels: { email: 'hana@example.com', phone: '+15550100001' },
    });
    const bad = JSON.stringify([{ ...users[0], channels: { phone: '555-0100' } }]);
    assert.throws(
      () => loadConfig(z.object({ BATON_CONSOLE_USERS: ApproverAccountsField }), { BATON_CONSOLE_USERS: bad }),
      /BATON_CONSOLE_USERS=\(\d+ characters, not shown\): .*E\.164/,
    );
    assert.throws(
      () =>
        loadConfig(z.object({ BATON_CONSOLE_USERS: ApproverAccountsField }), {
          BATON_CONSOLE_USERS: JSON.stringify([{ ...users[0], channels: { pager: '123' } }]),
        }),
      /BATON_CONSOLE_USERS=/,
    );
  });

  it("tells every account of the tier's role on each of its channels, once per gate, tier, person and channel", () => {
    const accounts = loadConfig(z.object({ BATON_CONSOLE_USERS: ApproverAccountsField }), {
      BATON_CONSOLE_USERS: JSON.stringify(users),
    }).BATON_CONSOLE_USERS;
    assert.deepEqual(
      deliveriesFor(accounts, 'host').map((d) => `${d.username}/${d.channel}`),
      ['hana/sms', 'hana/email', 'mia/chat'],
    );
    assert.deepEqual(
      deliveriesFor(accounts, 'manager').map((d) => `${d.username}/${d.channel}`),
      ['mia/chat'],
    );
    assert.equal(
      deliveryKey({ gateId: 'wf-1/allergy', tier: 1 }, { username: 'mia', channel: 'chat' }),
      'wf-1/allergy/tier/1/mia/chat',
    );
  });

  it('says the workflow type, the gate, the role, the inbox line and the link; an escalation says why', () => {
    const message: GateMessage = {
      notice: {
        workflowId: 'reservation-a/b',
        workflowType: 'reservation',
        gateId: 'g',
        gateType: 'reservation.allergy',
        tier: 1,
        role: 'manager',
      },
      kind: 'approval',
      escalated: true,
      summary: '2 guests, 2026-12-10 21:00',
      link: gateLink('http://console.example.com/', 'reservation-a/b'),
    };
    assert.equal(message.link, 'http://console.example.com/gates/reservation-a%2Fb');
    assert.equal(
      messageText(message),
      "Baton: a reservation waits for a manager's decision (reservation.allergy): 2 guests, 2026-12-10 21:00. Nobody decided in time at the tier before. Open: http://console.example.com/gates/reservation-a%2Fb",
    );
    assert.match(
      emailBody(message),
      /^Subject: Escalated: reservation waits for approval \(2 guests, 2026-12-10 21:00\)\n\n/,
    );
    assert.match(
      messageText({ ...message, kind: 'attention', escalated: false, summary: '' }),
      /^Baton: a reservation needs a manager to take over a failed step\. Open: /,
    );
  });

  it('tells nobody about a gate decided, moved to another tier, or of a workflow gone, and ignores decided notices', async () => {
    const untouched = {
      once: () => Promise.reject(new Error('the ledger must not be used')),
    } as unknown as EffectLedger;
    const accounts = loadConfig(z.object({ BATON_CONSOLE_USERS: ApproverAccountsField }), {
      BATON_CONSOLE_USERS: JSON.stringify(users),
    }).BATON_CONSOLE_USERS;
    const gate = {
      gateId: 'wf-1/allergy',
      gateType: 'reservation.allergy',
      kind: 'approval',
      tier: 0,
      status: 'open',
    } as unknown as NonNullable<WorkflowStatus['gate']>;
    const statuses: Record<string, WorkflowStatus | undefined> = {
      decided: { workflowType: 'reservation', gate: { ...gate, status: 'approved' } } as unknown as WorkflowStatus,
      later: { workflowType: 'reservation', gate: { ...gate, tier: 1 } } as unknown as WorkflowStatus,
    };
    const handle = createNotifier({
      config: {
        BATON_CONSOLE_USERS: accounts,
        BATON_CONSOLE_URL: 'http://console.example.com',
        BATON_MESSAGING_URL: 'http://messaging.example.com',
        BATON_MESSAGING_TIMEOUT_MS: 1_000,
        BATON_CHAT_WEBHOOK_TIMEOUT_MS: 1_000,
      },
      ledger: untouched,
      statusOf: (id) => Promise.resolve(statuses[id]),
      summaryOf: () => '',
      logger: createLogger('approver-notify-test', 'error'),
      count: () => assert.fail('nothing to count'),
    });
    const notice = (workflowId: string, type = 'gate.opened.v1') => ({
      type,
      data: {
        workflowId,
        workflowType: 'reservation',
        gateId: 'wf-1/allergy',
        gateType: 'reservation.allergy',
        tier: 0,
        role: 'host',
        digest: 'sha256:x',
      },
    });
    assert.deepEqual(await handle(notice('decided')), []);
    assert.deepEqual(await handle(notice('later')), []);
    assert.deepEqual(await handle(notice('gone')), []);
    assert.deepEqual(await handle(notice('later', 'gate.decided.v1')), []);
  });

  it('tells a person on the channels they set in the console, before the configured ones; others on theirs; and the roles the definition names for the gate type', async () => {
    const accounts = loadConfig(z.object({ BATON_CONSOLE_USERS: ApproverAccountsField }), {
      BATON_CONSOLE_USERS: JSON.stringify(users),
    }).BATON_CONSOLE_USERS;
    const gate = {
      gateId: 'wf-1/allergy',
      gateType: 'reservation.allergy',
      kind: 'approval',
      tier: 0,
      status: 'open',
      tiers: [
        { role: 'host', timeoutMs: 1 },
        { role: 'manager', timeoutMs: 1 },
      ],
    } as unknown as NonNullable<WorkflowStatus['gate']>;
    const sent: string[] = [];
    // The ledger runs each effect with a key; the effect is stubbed by reading what it was asked.
    const ledger = {
      once: async (_s: string, key: string) => (sent.push(key), { replayed: true }),
    } as unknown as EffectLedger;
    const handle = createNotifier({
      config: {
        BATON_CONSOLE_USERS: accounts,
        BATON_CONSOLE_URL: 'http://console.example.com',
        BATON_MESSAGING_URL: 'http://messaging.example.com',
        BATON_MESSAGING_TIMEOUT_MS: 1_000,
        BATON_CHAT_WEBHOOK_TIMEOUT_MS: 1_000,
      },
      ledger,
      statusOf: () => Promise.resolve({ workflowType: 'reservation', gate } as unknown as WorkflowStatus),
      summaryOf: () => '',
      // hana asked for email only; otto (nothing configured) set a phone.
      settingsOf: async (username) =>
        ({
          hana: { channels: { email: 'hana@home.example' }, updatedAt: '2026-12-08T00:00:00.000Z' },
          otto: { channels: { phone: '+15550100009' }, updatedAt: '2026-12-08T00:00:00.000Z' },
        })[username],
      // The definition names viewers too for allergy gates (GatePolicy.tell).
      alsoTell: (gateType) => (gateType === 'reservation.allergy' ? ['viewer'] : undefined),
      logger: createLogger('approver-notify-test', 'error'),
      count: () => undefined,
    });
    const told = await handle({
      type: 'gate.opened.v1',
      data: {
        workflowId: 'wf-1',
        workflowType: 'reservation',
        gateId: 'wf-1/allergy',
        gateType: 'reservation.allergy',
        tier: 0,
        role: 'host',
        digest: 'sha256:x',
      },
    });
    assert.deepEqual(
      told.map((d) => `${d.username}/${d.channel}:${d.address}`),
      [
        'hana/email:hana@home.example',
        'mia/chat:https://chat.example.com/hooks/abc',
        'vic/email:vic@example.com',
        'otto/sms:+15550100009',
      ],
    );
    assert.deepEqual(sent, [
      'wf-1/allergy/tier/0/hana/email',
      'wf-1/allergy/tier/0/mia/chat',
      'wf-1/allergy/tier/0/vic/email',
      'wf-1/allergy/tier/0/otto/sms',
    ]);
  });

  it('outside their working hours a person is not told; with nobody of the role on duty, the next role on duty is', async () => {
    const staff = [
      { username: 'hana', passwordHash: HASH, roles: ['host'], channels: { phone: '+15550100001' } },
      { username: 'otto', passwordHash: HASH, roles: ['host'], channels: { phone: '+15550100002' } },
      { username: 'mia', passwordHash: HASH, roles: ['manager'], channels: { phone: '+15550100003' } },
    ];
    const accounts = loadConfig(z.object({ BATON_CONSOLE_USERS: ApproverAccountsField }), {
      BATON_CONSOLE_USERS: JSON.stringify(staff),
    }).BATON_CONSOLE_USERS;
    const gate = {
      gateId: 'wf-1/allergy',
      gateType: 'reservation.allergy',
      kind: 'approval',
      tier: 0,
      status: 'open',
      tiers: [
        { role: 'host', timeoutMs: 1 },
        { role: 'manager', timeoutMs: 1 },
      ],
    } as unknown as NonNullable<WorkflowStatus['gate']>;
    const hours = (from: string, to: string) => ({
      channels: {},
      workingHours: { from, to, timeZone: 'UTC' },
      updatedAt: '2026-12-08T00:00:00.000Z',
    });
    const toldAt = async (iso: string, settings: Record<string, ReturnType<typeof hours> | undefined>) => {
      const handle = createNotifier({
        config: {
          BATON_CONSOLE_USERS: accounts,
          BATON_CONSOLE_URL: 'http://c',
          BATON_MESSAGING_URL: 'http://m',
          BATON_MESSAGING_TIMEOUT_MS: 1_000,
          BATON_CHAT_WEBHOOK_TIMEOUT_MS: 1_000,
        },
        ledger: { once: async () => ({ replayed: true }) } as unknown as EffectLedger,
        statusOf: () => Promise.resolve({ workflowType: 'reservation', gate } as unknown as WorkflowStatus),
        summaryOf: () => '',
        settingsOf: async (u) =>
          settings[u] ? { ...settings[u], channels: staff.find((a) => a.username === u)!.channels } : undefined,
        now: () => new Date(iso),
        logger: createLogger('approver-notify-test', 'error'),
        count: () => undefined,
      });
      return (
        await handle({
          type: 'gate.opened.v1',
          data: {
            workflowId: 'wf-1',
            workflowType: 'reservation',
            gateId: 'wf-1/allergy',
            gateType: 'reservation.allergy',
            tier: 0,
            role: 'host',
            digest: 'sha256:x',
          },
        })
      ).map((d) => d.username);
    };
    // hana works 17:00 to 01:00 (past midnight), otto 09:00 to 17:00.
    const shifts = { hana: hours('17:00', '01:00'), otto: hours('09:00', '17:00') };
    assert.deepEqual(await toldAt('2026-12-08T20:00:00Z', shifts), ['hana']);
    assert.deepEqual(await toldAt('2026-12-08T00:30:00Z', shifts), ['hana'], 'past midnight, still her shift');
    assert.deepEqual(await toldAt('2026-12-08T10:00:00Z', shifts), ['otto']);
    // No host on duty at 03:00: the manager (next tier, always on duty) is told instead.
    assert.deepEqual(await toldAt('2026-12-08T03:00:00Z', shifts), ['mia']);
    // Nobody on duty at all: the tier's role anyway (someone must know).
    assert.deepEqual(await toldAt('2026-12-08T03:00:00Z', { ...shifts, mia: hours('09:00', '17:00') }), [
      'hana',
      'otto',
    ]);
  });

  it('posts { "text" } to a chat incoming-webhook, takes a plain "ok" as delivered, and retries a 503 but not a 404', async () => {
    const received: Array<{ path?: string; type?: string; key?: string; body: string }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({
          path: req.url,
          type: req.headers['content-type'],
          key: req.headers['idempotency-key'] as string | undefined,
          body,
        });
        const status = req.url === '/gone' ? 404 : req.url === '/busy' ? 503 : 200;
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'no');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await postChat(`${base}/hooks/abc`, 'Baton: a reservation waits', 'g/tier/0/mia/chat', 2_000);
      assert.deepEqual(received[0], {
        path: '/hooks/abc',
        type: 'application/json',
        key: 'g/tier/0/mia/chat',
        body: '{"text":"Baton: a reservation waits"}',
      });
      await assert.rejects(
        postChat(`${base}/gone`, 't', 'k', 2_000),
        (err: { retryable?: boolean; message: string }) => err.retryable === false && !err.message.includes(base),
      );
      await assert.rejects(
        postChat(`${base}/busy`, 't', 'k', 2_000),
        (err: { retryable?: boolean }) => err.retryable === true,
      );
    } finally {
      server.close();
    }
  });
});
