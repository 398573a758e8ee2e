// The operations views in real headless Chromium (Debian's chromium driven by playwright-core):
// the figures on the page match what Temporal and the metrics endpoints say, the stuck list and
// dead letters are there with their links and reasons, and a corrected dead letter replays to a
// booked reservation. The page passes the accessibility check (axe-core); a screenshot of it is
// kept in the state folder's screenshots/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { taskQueues } from '@baton/contracts';
import { consoleUsers, postEvent, reservationEvent, scrape, stackEnv, sumOf, waitFor } from '@baton/testkit';
import { reservationWorkflowId, workflowTypes, type ReservationInput } from '@baton/workflow-reservation';
import { waitForState } from '../e2e/support.js';
import { assertAccessible, browserSession, screenshotDir, signedInPage } from './support.js';

describe('console operations views (headless Chromium)', () => {
  const session = browserSession();

  it('shows outcomes, latency, breakers, the stuck list and dead letters, and replays a corrected dead letter to success', async () => {
    // Arrange: two bookings, one stuck gate, one dead letter.
    const booked = [reservationEvent('Table for 2, Monday 6pm'), reservationEvent('Table for 2, Monday 6:30pm')];
    for (const e of booked)
      await waitForState(session.stack, String((await postEvent(e)).body.workflowId), 'Confirmed');
    const stuckEvent = reservationEvent('Table for 2, Tuesday 7pm, allergic to celery');
    const stuckId = reservationWorkflowId(stuckEvent.idempotencykey, stuckEvent.source);
    const input: ReservationInput = { event: stuckEvent, stateLimitsMs: { 'Awaiting approval': 500 } };
    await session.stack.temporal.workflow.start(workflowTypes.reservation, {
      taskQueue: taskQueues.orchestrator,
      workflowId: stuckId,
      args: [input],
    });
    await waitFor(
      'the stuck flag',
      async () =>
        (await session.stack.temporal.workflow.count(`BatonStuck = true AND WorkflowId = "${stuckId}"`)).count === 1 ||
        undefined,
    );
    const broken = reservationEvent('Table for 2, Wednesday 8pm');
    const brokenPayload = { ...broken, data: { ...broken.data, customer: { id: broken.data.customer.id } } };
    assert.equal((await postEvent(brokenPayload)).status, 400);

    // What the page should say, read independently of the console.
    const count = async (state: string) =>
      (
        await session.stack.temporal.workflow.count(
          `BatonWorkflowType = "reservation" AND BatonState = "${state}" AND StartTime > "${new Date(Date.now() - 3600_000).toISOString()}"`,
        )
      ).count;
    const confirmed = await count('Confirmed');
    const bookingTasks = sumOf(
      await scrape(session.stack.services.get('booking').metricsUrl),
      'baton_agent_task_duration_seconds_count',
      { baton_agent: 'booking' },
    );

    // The operations views are behind sign-in too, for operators.
    const page = await signedInPage(session.browser, consoleUsers.operator);
    await page.goto(`${stackEnv().BATON_CONSOLE_URL}/ops?window=1h`);
    const cell = (table: string, row: string, column: number) =>
      page.locator(`#${table} tr`, { hasText: row }).locator('td').nth(column).innerText();
    const headers = await page.locator('#outcomes th').allInnerTexts();
    assert.equal(await cell('outcomes', 'reservation', headers.indexOf('Confirmed')), String(confirmed));
    assert.match(
      await page.locator('#outcomes tr[data-workflow-type="reservation"] [data-success]').innerText(),
      /^\d+\.\d%$/,
    );
    assert.equal(await cell('latency', 'booking', 1), String(bookingTasks));
    assert.match(await cell('latency', 'booking', 2), /^\d+(\.\d)? ms$/);
    assert.equal(await cell('breakers', 'pos', 2), 'closed');
    const stuckRow = page.locator('#stuck tr', { hasText: stuckId });
    assert.equal(await stuckRow.locator('td').nth(1).innerText(), 'Awaiting approval');
    assert.ok(
      (await stuckRow.locator('a', { hasText: 'Temporal' }).getAttribute('href'))?.endsWith(
        `/workflows/${encodeURIComponent(stuckId)}`,
      ),
    );
    // The trace link searches the local stack's trace UI (Zipkin) for the workflow's spans.
    assert.ok(
      (await stuckRow.locator('a', { hasText: 'trace' }).getAttribute('href'))?.includes(
        `/zipkin/?annotationQuery=${encodeURIComponent(`baton.workflow.id=${stuckId}`)}`,
      ),
    );
    const letterRow = page.locator('#dead-letters tr', { hasText: broken.id }).first();
    assert.match(await letterRow.locator('td.reason').innerText(), /data\.customer\.name/);

    await page.screenshot({ path: join(screenshotDir(), 'ops.png'), fullPage: true });
    await assertAccessible(page, 'operations page');

    // Correct the payload in the page and replay it.
    await letterRow.locator('textarea').fill(JSON.stringify(broken));
    await letterRow.getByRole('button', { name: /Replay/ }).click();
    await page.waitForSelector('#flash');
    assert.match(await page.locator('#flash').innerText(), new RegExp(`Replayed event ${broken.id}`));
    await waitForState(session.stack, reservationWorkflowId(broken.idempotencykey, broken.source), 'Confirmed');

    // Approve the stuck one so it does not linger into later suites.
    await session.stack.temporal.workflow.getHandle(stuckId).terminate('test cleanup');
  });
});
