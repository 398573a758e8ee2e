// The console's workflow page updates live (headless Chromium): opened on a reservation waiting at
// its allergy gate, it lists the workflow's progress from the start; when a manager decides
// elsewhere (the CLI's path), the page, never reloaded, shows the decision, the states that
// follow and the outcome, and its state reads Confirmed. The stream is the one the gateway serves
// the requester (tests/e2e/progress.e2e.test.ts), read by the console server-side.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consoleUsers, postEvent, reservationEvent, stackEnv } from '@baton/testkit';
import { decide } from '@baton/console';
import { waitForState, withEarlierBooking } from '../e2e/support.js';
import { browserSession, signedInPage } from './support.js';

describe('workflow page, live (headless Chromium)', () => {
  const session = browserSession();

  it('follows a reservation from its gate to its outcome without a reload', async () => {
    const event = await withEarlierBooking(
      session.stack,
      reservationEvent('Table for 4, Friday 7pm, customer is a regular, allergic to shellfish'),
    );
    const workflowId = String((await postEvent(event)).body.workflowId);
    await waitForState(session.stack, workflowId, 'Awaiting approval');

    const page = await signedInPage(session.browser, consoleUsers.manager);
    await page.goto(`${stackEnv().BATON_CONSOLE_URL}/gates/${encodeURIComponent(workflowId)}`);
    await page.waitForSelector('#progress li[data-kind="gate.opened"]', { timeout: 20_000 });
    assert.equal(await page.locator('#state').innerText(), 'Awaiting approval');

    await decide(session.stack.temporal, workflowId, {
      decision: 'approve',
      decidedBy: 'manager-mia',
      role: 'manager',
      reason: 'kitchen briefed',
    });
    await page.waitForSelector('#progress li[data-kind="outcome"]', { timeout: 30_000 });
    assert.equal(await page.locator('#state').innerText(), 'Confirmed');
    const told = await page.locator('#progress li').allInnerTexts();
    const states = told.filter((t) => t.includes(' · state: ')).map((t) => t.split(' · state: ')[1]);
    assert.deepEqual(states, [
      'Understanding request',
      'Holding table',
      'Checking safety',
      'Awaiting approval',
      'Charging deposit',
      'Booking',
      'Confirming to customer',
      'Confirmed',
    ]);
    assert.ok(
      told.some((t) => /gate decided: reservation\.allergy for \w+, approve by person$/.test(t)),
      told.join('\n'),
    );
    assert.match(told.at(-1)!, / · outcome: Confirmed$/);
  });
});
