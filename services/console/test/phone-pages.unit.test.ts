// The console for phones without a stack: durations and moments in words ("a host until 21:40,
// then a manager until 19:00 tomorrow"), the gate page's order (who decides, the form, then the
// context, raw JSON behind disclosures), no option chosen for the person, and the console refusing
// a decision that chooses none.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import type { Bus } from '@baton/bus';
import { createLogger } from '@baton/telemetry';
import { Registry, type WorkflowStatus } from '@baton/workflow-kit';
import type { AccountSettings } from '@baton/contracts';
import { gatePage, inboxPage } from '../src/web/approval-pages.js';
import { hashPassword } from '../src/web/auth.js';
import { createConsoleServer } from '../src/web/server.js';
import { approversInWords, clockTime, durationInWords, momentInWords, tiersInWords } from '../src/web/words.js';

const zone = 'Europe/Amsterdam'; // UTC+1 in December
const now = new Date('2026-12-07T18:30:00.000Z'); // 19:30 there

describe('durations and moments in words', () => {
  it('says a length of time in its two largest units', () => {
    assert.equal(durationInWords(86_400_000), '1 day');
    assert.equal(durationInWords(2 * 3_600_000), '2 hours');
    assert.equal(durationInWords(2.5 * 3_600_000), '2 hours 30 minutes');
    assert.equal(durationInWords(26 * 3_600_000 + 5 * 60_000), '1 day 2 hours');
    assert.equal(durationInWords(86_400_000 + 30 * 60_000), '1 day', 'no unit skipped over: not "1 day 30 minutes"');
    assert.equal(durationInWords(90_000), '1 minute 30 seconds');
    assert.equal(durationInWords(45_000), '45 seconds');
    assert.equal(durationInWords(400), 'less than a second');
  });

  it('says a moment as a clock time in the zone, with the day when it is not today', () => {
    assert.equal(clockTime(new Date('2026-12-07T20:40:00.000Z'), now, zone), '21:40');
    assert.equal(clockTime(new Date('2026-12-08T18:00:00.000Z'), now, zone), '19:00 tomorrow');
    assert.equal(clockTime(new Date('2026-12-06T07:15:00.000Z'), now, zone), '08:15 yesterday');
    assert.equal(clockTime(new Date('2026-12-11T18:00:00.000Z'), now, zone), 'Friday 19:00');
    assert.equal(clockTime(new Date('2026-12-24T18:00:00.000Z'), now, zone), '24 Dec 19:00');
    // 23:30 UTC is already tomorrow in Amsterdam.
    assert.equal(clockTime(new Date('2026-12-07T23:30:00.000Z'), now, zone), '00:30 tomorrow');
    assert.equal(clockTime(new Date('2026-12-07T23:30:00.000Z'), now, 'UTC'), '23:30');
    assert.equal(
      momentInWords(new Date(now.getTime() + 25 * 60_000), now, zone),
      '19:55 (in 25 minutes)',
      'a moment within the hour says how far it is',
    );
  });

  it('says who decides an open gate until when, tier after tier, then the safe default', () => {
    const gate = {
      status: 'open' as const,
      tier: 0,
      tierSince: '2026-12-07T18:10:00.000Z', // 19:10 there
      tiers: [
        { role: 'host', timeoutMs: 2 * 3_600_000 },
        { role: 'manager', timeoutMs: 21 * 3_600_000 + 50 * 60_000 },
      ],
      safeDefault: 'decline and release the table',
    };
    assert.equal(
      approversInWords(gate, now, zone),
      'a host until 21:10, then a manager until 19:00 tomorrow, then: decline and release the table',
    );
    // After an escalation the manager's tier began then, and the host's is over.
    const escalated = { ...gate, tier: 1, tierSince: '2026-12-07T20:10:00.000Z' };
    assert.equal(
      approversInWords(escalated, new Date('2026-12-07T20:20:00.000Z'), zone),
      'a manager until 19:00 tomorrow, then: decline and release the table',
    );
    assert.equal(
      approversInWords({ ...gate, tiers: [{ role: 'operator', timeoutMs: 1_800_000 }] }, now, zone),
      'an operator until 19:40 (in 10 minutes), then: decline and release the table',
    );
    assert.equal(approversInWords({ ...gate, status: 'approved' }, now, zone), 'nobody: no decision is awaited');
    assert.equal(tiersInWords(gate), 'a host for 2 hours, then a manager for 21 hours 50 minutes');
  });
});

const gateStatus = {
  workflowType: 'reservation',
  state: 'Awaiting approval',
  stateSince: '2026-12-07T18:10:00.000Z',
  steps: [
    {
      stepId: 'safety-check',
      agent: 'safety',
      kind: 'call',
      status: 'done',
      startedAt: '2026-12-07T18:09:00.000Z',
      finishedAt: '2026-12-07T18:10:00.000Z',
      output: { needsReview: true },
    },
  ],
  compensated: [],
  gate: {
    gateId: 'g-1',
    gateType: 'reservation.allergy',
    kind: 'approval',
    payload: { request: { partySize: 2 } },
    options: ['approve', 'decline'],
    digest: 'sha256:abc',
    tiers: [
      { role: 'host', timeoutMs: 2 * 3_600_000 },
      { role: 'manager', timeoutMs: 22 * 3_600_000 },
    ],
    tier: 0,
    openedAt: '2026-12-07T18:10:00.000Z',
    tierSince: '2026-12-07T18:10:00.000Z',
    escalations: [],
    status: 'open',
    safeDefault: 'decline',
  },
} as unknown as WorkflowStatus;
const host = { username: 'hana', roles: ['host'] };
const links = { temporalUi: 'http://t', namespace: 'default', traceUi: 'http://j' };

describe('pages for a phone', () => {
  it('draws a gate with who decides in words, the form first with no option chosen, the context after, JSON behind disclosures', () => {
    const page = gatePage(
      'r-1',
      gateStatus,
      { workflowType: 'reservation', view: undefined, history: undefined },
      links,
      host,
      'token',
      undefined,
      { now, timeZone: zone },
    );
    assert.match(page, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    assert.match(
      page,
      /id="approvers" class="approvers">Who decides: a host until 21:10, then a manager until 19:10 tomorrow, then: decline\./,
    );
    assert.doesNotMatch(page, /\d+ s\)/, 'no durations in seconds');
    const radios = [...page.matchAll(/<input type="radio"[^>]*>/g)].map((m) => m[0]);
    assert.equal(radios.length, 2);
    for (const radio of radios) assert.doesNotMatch(radio, /checked/, `nothing chosen for the person: ${radio}`);
    assert.ok(page.indexOf('id="decide"') < page.indexOf('id="context"'), 'the form comes before the context rows');
    assert.match(page, /<details id="payload"><summary>What is decided, as JSON<\/summary><pre>/);
    assert.match(page, /<details><summary>output \(JSON\)<\/summary><pre>\{\n {2}&quot;needsReview&quot;: true/);
  });

  it('labels each inbox cell for the card layout and says until when the current tier may decide', () => {
    const page = inboxPage(
      {
        items: [
          {
            workflowId: 'r-1',
            workflowType: 'reservation',
            state: 'Awaiting approval',
            since: gateStatus.stateSince,
            kind: 'gate',
            status: gateStatus,
            summary: '2 guests',
          },
        ],
      },
      [],
      host,
      'token',
      undefined,
      { now, timeZone: zone },
    );
    assert.match(page, /<td data-label="who decides now">a host until 21:10<\/td>/);
    assert.match(page, /<td data-label="since"><time datetime="2026-12-07T18:10:00.000Z">19:10<\/time><\/td>/);
    assert.match(page, /<script src="\/static\/inbox-live.js" defer><\/script>/);
  });
});

describe('a decision without a choice', () => {
  it('is refused with a message that says nothing was chosen, and nothing reaches the workflow', async () => {
    let updates = 0;
    const temporal = {
      withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn(),
      workflow: {
        getHandle: () => ({
          describe: async () => ({ status: { name: 'RUNNING' } }),
          query: async () => gateStatus,
          executeUpdate: async () => {
            updates += 1;
            return gateStatus;
          },
        }),
      },
    } as unknown as Client;
    const app = await createConsoleServer({
      registry: Registry.of([]),
      temporal,
      bus: {} as Bus,
      logger: createLogger('console-test', 'error'),
      metricsTargets: {},
      links,
      auth: {
        users: [{ username: 'hana', passwordHash: await hashPassword('pw'), roles: ['host'] }],
        sessionSecret: 'x'.repeat(32),
        sessionTtlMs: 60_000,
        secureCookies: false,
      },
      trustThreshold: 100,
      timeZone: zone,
    });
    const headers = {
      origin: 'http://localhost:8344',
      host: 'localhost:8344',
      'content-type': 'application/x-www-form-urlencoded',
    };
    const signedIn = await app.inject({
      method: 'POST',
      url: '/login',
      headers,
      payload: new URLSearchParams({ username: 'hana', password: 'pw', next: '/gates/r-1' }).toString(),
    });
    const cookie = String(signedIn.headers['set-cookie']).split(';')[0]!;
    const gate = await app.inject({ method: 'GET', url: '/gates/r-1', headers: { cookie } });
    assert.equal(gate.statusCode, 200);
    const token = /name="_csrf" value="([^"]+)"/.exec(gate.body)?.[1] ?? '';
    const session = String(gate.headers['set-cookie'] ?? cookie).split(';')[0]!;
    const post = await app.inject({
      method: 'POST',
      url: '/gates/r-1/decide',
      headers: { ...headers, cookie: session },
      payload: new URLSearchParams({
        _csrf: token,
        gateId: 'g-1',
        digest: 'sha256:abc',
        reason: 'looks fine',
      }).toString(),
    });
    assert.equal(post.statusCode, 303);
    const flash = new URL(String(post.headers.location), 'http://x').searchParams.get('error');
    assert.equal(flash, 'Nothing was decided: choose what to do (approve, decline); no option is chosen for you');
    assert.equal(updates, 0);
    await app.close();
  });
});

describe('the account page', () => {
  it("keeps a person's own channels, refuses a malformed one by name, and shows which are in force", async () => {
    const stored = new Map<string, AccountSettings>();
    const app = await createConsoleServer({
      registry: Registry.of([]),
      temporal: {} as Client,
      bus: {} as Bus,
      logger: createLogger('console-test', 'error'),
      metricsTargets: {},
      links,
      auth: {
        users: [
          {
            username: 'hana',
            passwordHash: await hashPassword('pw'),
            roles: ['host'],
            channels: { email: 'hana@work.example' },
          },
        ],
        sessionSecret: 'x'.repeat(32),
        sessionTtlMs: 60_000,
        secureCookies: false,
      },
      trustThreshold: 100,
      accounts: { get: async (u) => stored.get(u), put: async (u, s) => void stored.set(u, s) },
    });
    const headers = {
      origin: 'http://localhost:8344',
      host: 'localhost:8344',
      'content-type': 'application/x-www-form-urlencoded',
    };
    const signedIn = await app.inject({
      method: 'POST',
      url: '/login',
      headers,
      payload: new URLSearchParams({ username: 'hana', password: 'pw', next: '/account' }).toString(),
    });
    let cookie = String(signedIn.headers['set-cookie']).split(';')[0]!;
    const page = await app.inject({ method: 'GET', url: '/account', headers: { cookie } });
    assert.match(page.body, /id="channels-source">Your channels now: from the console's configuration/);
    assert.match(page.body, /name="email" type="email" autocomplete="email" maxlength="254" value="hana@work.example"/);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    cookie = String(page.headers['set-cookie'] ?? cookie).split(';')[0]!;
    const save = (fields: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: '/account',
        headers: { ...headers, cookie },
        payload: new URLSearchParams({ _csrf: token, ...fields }).toString(),
      });

    const bad = await save({ email: 'hana@home.example', phone: '555-0100' });
    assert.match(
      decodeURIComponent(String(bad.headers.location)),
      /^\/account\?error=Not saved: phone: must be an E\.164 number/,
    );
    assert.equal(stored.size, 0);
    const halfHours = await save({ phone: '+15550100001', from: '17:00' });
    assert.match(
      decodeURIComponent(String(halfHours.headers.location)),
      /^\/account\?error=Not saved: working hours: to: /,
    );
    const good = await save({
      email: '',
      phone: '+15550100001',
      chatWebhookUrl: '',
      from: '17:00',
      to: '01:00',
      timeZone: 'Europe/Amsterdam',
    });
    assert.match(String(good.headers.location), /^\/account\?ok=/);
    assert.deepEqual(stored.get('hana')?.channels, { phone: '+15550100001' });
    assert.deepEqual(stored.get('hana')?.workingHours, { from: '17:00', to: '01:00', timeZone: 'Europe/Amsterdam' });
    const after = await app.inject({ method: 'GET', url: '/account', headers: { cookie } });
    assert.match(after.body, /Your channels now: set by you/);
    assert.match(
      after.body,
      /name="email" type="email" autocomplete="email" maxlength="254" value=""/,
      'the configured email is no longer in force',
    );
    await app.close();
  });
});
