// The support escalation in the console, in real headless Chromium: with the CRM down and its
// breaker open, a case answered from the cached customer data reaches the inbox; its page shows
// that the data came from the cache and how old it is, with the ticket, order, documentation
// answer and proposed resolution; a manager approves it there and the replacement is made. The
// operations view lists the support workflow type and the CRM breaker. Screenshot of the case
// page in the state folder.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { consoleUsers, postEvent, stackEnv, waitFor } from '@baton/testkit';
import { statusQuery } from '@baton/workflow-kit';
import type { SupportStatus } from '@baton/workflow-support';
import { DAMAGED, clearFaults, customerWithOrder, orders, setFaults, ticketEvent } from '../e2e/support-escalation.js';
import { browserSession, signedInPage } from './support.js';

describe('support escalation in the console (headless Chromium)', () => {
  const session = browserSession({ workflows: ['support'], readyTimeoutMs: 180_000 });
  afterEach(async () => {
    await clearFaults('CRM');
  });

  const stateOf = async (workflowId: string, state: string) =>
    waitFor(
      `${workflowId} in "${state}"`,
      async () => {
        const s = (await session.stack.temporal.workflow.getHandle(workflowId).query(statusQuery)) as SupportStatus;
        return s.state === state ? s : undefined;
      },
      { timeoutMs: 120_000 },
    );

  it('shows a person that the customer data came from the cache and how old it is, and the approval resolves the case', async () => {
    const who = await customerWithOrder();
    await stateOf(
      String(
        (await postEvent(ticketEvent(who, 'Forgot my password', 'I cannot sign in to my account'))).body.workflowId,
      ),
      'Answered',
    );
    await setFaults('CRM', { outageUntil: Date.now() + 10 * 60_000 });
    const event = ticketEvent(who, ...DAMAGED);
    const workflowId = String((await postEvent(event)).body.workflowId);
    await stateOf(workflowId, 'Awaiting approval');

    const page = await signedInPage(session.browser, consoleUsers.manager);
    const row = page.locator(`#inbox tr[data-workflow="${workflowId}"]`);
    await waitFor('the inbox to list the case', async () => {
      await page.reload();
      return (await row.count()) === 1 || undefined;
    });
    assert.match(await row.innerText(), /support\.exception/);
    assert.match(await row.innerText(), new RegExp(`${event.data.ticketId}: The kettle arrived broken`));

    await row.locator('a').first().click();
    await page.waitForURL(/\/gates\//);
    assert.match(
      await page.locator('#customer-source').innerText(),
      /^from the cache, \d+ s old \(read from the CRM at \d{4}-\d\d-\d\dT/,
    );
    assert.match(await page.locator('#customer').innerText(), /Grace Hopper/);
    assert.match(await page.locator('#order').innerText(), new RegExp(`${who.orderId} · delivered`));
    assert.match(await page.locator('#answer').innerText(), /arrived damaged or broken/);
    assert.match(await page.locator('#proposal').innerText(), /^replacement on order /);
    const dir = join(stackEnv().stateDir, 'screenshots');
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'support-case.png'), fullPage: true });

    await page.check('#decide input[name=decision][value=approve]');
    await page.fill('#decide textarea[name=reason]', 'known customer; cached data is recent');
    await page.click('#decide button[type=submit]');
    await page.waitForSelector('#flash');
    const done = await stateOf(workflowId, 'Resolved');
    assert.equal(done.handledBy, consoleUsers.manager.username);
    assert.equal((await orders.replacements(event.data.ticketId)).filter((o) => o.kind === 'replacement').length, 1);

    // The operations views are an operator's.
    const ops = await signedInPage(session.browser, consoleUsers.operator);
    await ops.goto(`${stackEnv().BATON_CONSOLE_URL}/ops?window=1h`);
    assert.ok(
      (await ops.locator('#outcomes tr', { hasText: 'support' }).count()) >= 1,
      'the support workflow type has its outcomes row',
    );
    assert.match(await ops.locator('#breakers tr', { hasText: 'crm' }).first().innerText(), /crm-lookup|crm/);
  });
});
