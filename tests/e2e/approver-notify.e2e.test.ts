// test-tier: own-services, own stack (short gate tiers from a test workflows folder, tests/e2e/short-tiers)
// The people who may decide are told (services/approver-notify), on the real stack: an allergy
// reservation opens a gate and the host on duty gets an SMS and an email at the messaging
// simulator with the workflow type, the inbox line and a link to the gate; nobody decides, and
// at the host tier's timeout the manager is told the same way and in a chat room (the
// simulator's incoming webhook); each is told once per gate and tier; the manager follows the
// link on a phone (375 x 812, headless Chromium), signs in and approves there, and the
// reservation is confirmed; the deliveries are counted. (The done-when.)
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { taskQueues } from '@baton/contracts';
import { consoleUsers, reservationEvent, stackEnv, waitFor } from '@baton/testkit';
import { reservationWorkflowId, workflowTypes, type ReservationInput } from '@baton/workflow-reservation';
import { shortTiersMemo, shortTiersWorkflowsDir } from './short-tiers/workflows-dir.js';
import { messaging, reservationStatus, startStack, waitForState, type Stack } from './support.js';
import type { Browser } from 'playwright-core';
import { PHONE, launchChromium, screenshotDir } from '../browser/support.js';

interface SentMessage {
  to: string;
  template: string;
  body: string;
  idempotencyKey: string | null;
  sentAt: string;
}

/** Signs in as `user` on a phone-sized page and saves their own channels on the account page. */
async function setOwnChannels(
  browser: Browser,
  user: { username: string; password: string },
  channels: { email?: string; phone?: string; chatWebhookUrl?: string },
): Promise<void> {
  const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
  try {
    const page = await context.newPage();
    await page.goto(`${stackEnv().BATON_CONSOLE_URL}/account`);
    await page.waitForURL(/\/login\?next=/);
    await page.fill('input[name=username]', user.username);
    await page.fill('input[name=password]', user.password);
    await page.click('#login button[type=submit]');
    await page.waitForURL(/\/account$/);
    await page.fill('#account input[name=email]', channels.email ?? '');
    await page.fill('#account input[name=phone]', channels.phone ?? '');
    await page.fill('#account input[name=chatWebhookUrl]', channels.chatWebhookUrl ?? '');
    await page.click('#account button[type=submit]');
    await page.waitForSelector('#flash');
    assert.match(await page.locator('#flash').innerText(), /^Saved/);
  } finally {
    await context.close();
  }
}

describe('approvers told on their channels', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ env: { BATON_WORKFLOWS_DIR: shortTiersWorkflowsDir(stackEnv().stateDir) } });
  });
  after(async () => {
    await stack?.close();
  });

  it('tells the host by SMS and email with a link to the gate, then the manager at the tier timeout, each once; the manager follows the link on a phone, signs in and approves', async () => {
    const event = reservationEvent('Table for 2, Thursday 9pm, allergic to peanuts');
    const workflowId = reservationWorkflowId(event.idempotencykey, event.source);
    // Short tiers (as the browser test's): the host's long enough for the host to be told while it
    // lasts, the manager's long enough to follow the link in it.
    const input: ReservationInput = { event };
    const memo = shortTiersMemo([
      { role: 'host', timeoutMs: 10_000 },
      { role: 'manager', timeoutMs: 60_000 },
    ]);
    const browser = await launchChromium();
    // The host sets her own email on her account page (kept in NATS KV): the notifier uses it
    // rather than the configured one. Put back at the end (other files read her configured channels).
    const configured = consoleUsers.host.channels!;
    const hostChannels = { ...configured, email: `own.${configured.email}` };
    await setOwnChannels(browser, consoleUsers.host, hostChannels);
    try {
      await stack.temporal.workflow.start(workflowTypes.reservation, {
        taskQueue: taskQueues.orchestrator,
        workflowId,
        args: [input],
        memo,
      });
      const link = `${stackEnv().BATON_CONSOLE_URL}/gates/${encodeURIComponent(workflowId)}`;
      /** What the simulator holds for one person about this gate: their SMS, email and chat room
       *  (the simulator's incoming webhook records a room's messages as sent to `chat:<room>`). */
      const about = async (channels: { email?: string; phone?: string; chatWebhookUrl?: string } | undefined) => {
        const addresses = [
          channels?.phone,
          channels?.email,
          channels?.chatWebhookUrl ? `chat:${channels.chatWebhookUrl.split('/').pop()}` : undefined,
        ].filter(Boolean);
        return ((await messaging.messages()) as unknown as SentMessage[]).filter(
          (m) => addresses.includes(m.to) && m.body.includes(link),
        );
      };

      const toHost = await waitFor(
        'the host to be told by SMS and email',
        async () => {
          const sent = await about(hostChannels);
          return sent.length >= 2 ? sent : undefined;
        },
        { timeoutMs: 60_000 },
      );
      assert.deepEqual(
        toHost.map((m) => `${m.template}:${m.to}`).sort(),
        [`approver-email:${hostChannels.email}`, `approver-sms:${hostChannels.phone}`],
        'her own email, not the configured one',
      );
      for (const m of toHost) {
        assert.match(m.body, /reservation waits for a host's decision \(reservation\.allergy\): 2 guests, /);
        // The inbox line only: not the guest's name, phone or words (their allergy). The link is
        // left out of the check: its random workflow id once held "aadaa", which matched "Ada".
        assert.doesNotMatch(m.body.replace(/https?:\/\/\S+/g, '<link>'), /Ada|Lovelace|7946|peanut/i);
        assert.match(m.idempotencyKey ?? '', /\/tier\/0\/hana\/(sms|email)$/);
      }

      // Nobody decides: the host's tier ends and the manager is told, after the escalation.
      const toManager = await waitFor(
        'the manager to be told by SMS, email and chat',
        async () => {
          const sent = await about(consoleUsers.manager.channels);
          return sent.length >= 3 ? sent : undefined;
        },
        { timeoutMs: 40_000 },
      );
      const status = await reservationStatus(stack, workflowId);
      assert.equal(status.state, 'Awaiting approval');
      const escalatedAt = status.gate?.escalations[0]?.at;
      assert.ok(escalatedAt, 'the gate escalated to the manager');
      assert.deepEqual(toManager.map((m) => m.template).sort(), ['approver-email', 'approver-sms', 'chat']);
      for (const m of toManager) {
        assert.ok(m.sentAt >= escalatedAt, `the manager is told after the escalation (${m.sentAt} < ${escalatedAt})`);
        assert.match(m.body, /reservation waits for a manager's decision .*Nobody decided in time/);
        assert.match(m.idempotencyKey ?? '', /\/tier\/1\/mia\/(sms|email|chat)$/);
      }
      // Once per gate and tier: the host was not told again.
      assert.equal((await about(hostChannels)).length, 2);

      // The manager follows the link on a phone (375 x 812, headless Chromium): sign-in first,
      // then the gate page, where nothing is chosen for them; they approve there.
      const sentLink = /Open: (\S+)/.exec(toManager[0]!.body)?.[1];
      assert.equal(sentLink, link);
      {
        const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
        const page = await context.newPage();
        await page.goto(sentLink);
        await page.waitForURL(/\/login\?next=/);
        await page.fill('input[name=username]', consoleUsers.manager.username);
        await page.fill('input[name=password]', consoleUsers.manager.password);
        await page.click('#login button[type=submit]');
        await page.waitForURL(link);
        assert.equal(await page.locator('#workflow-id').innerText(), workflowId);
        assert.equal(await page.locator('#state').innerText(), 'Awaiting approval');
        assert.match(await page.locator('#approvers').innerText(), /^Who decides: a manager until \d\d:\d\d/);
        assert.equal(
          await page.locator('#decide input[name=decision]:checked').count(),
          0,
          'nothing chosen for the manager',
        );
        assert.ok(
          (await page.evaluate<number>('document.documentElement.scrollWidth')) <= PHONE.width,
          'the gate page fits the phone',
        );
        await page.screenshot({ path: join(screenshotDir(), 'told-manager-gate-phone.png'), fullPage: true });
        await page.locator('#decide input[name=decision][value=approve]').tap();
        await page.fill('#decide textarea[name=reason]', 'kitchen briefed on peanuts');
        await page.locator('#decide button[type=submit]').tap();
        await page.waitForSelector('#flash');
        assert.match(await page.locator('#flash').innerText(), /Decided .*: approve/);
      }
      const done = await waitForState(stack, workflowId, 'Confirmed');
      assert.equal(done.decision?.decidedBy, consoleUsers.manager.username);
      assert.equal(done.decision?.role, 'manager');

      // Counted on the service's metrics: at least these five deliveries sent.
      const metrics = await (
        await fetch(stack.services.get('approver-notify').metricsUrl, { signal: AbortSignal.timeout(5_000) })
      ).text();
      const sent = [...metrics.matchAll(/^baton_approver_notify_deliveries_total\{([^}]*)\} (\d+)/gm)]
        .filter((m) => m[1]!.includes('baton_outcome="sent"'))
        .reduce((n, m) => n + Number(m[2]), 0);
      assert.ok(sent >= 5, `deliveries sent counted (${sent})`);
    } finally {
      await setOwnChannels(browser, consoleUsers.host, configured).finally(() => browser.close());
    }
  });
});
