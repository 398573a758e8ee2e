// Context-preserving escalation in the console (headless Chromium): a step that fails for good
// for a reason the workflow does not handle, or a request intake cannot read, waits for a person
// at an attention gate that shows the state, every earlier step with its output and the failing
// step's input and error. The person retries with a corrected input, gives the step's output, or
// abandons: then the effects are undone and the customer is told. Never a silent `Failed`.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { consoleUsers, daysAfter, postEvent, reservationEvent, stackEnv, todayUtc, waitFor } from '@baton/testkit';
import type { AttentionPayload } from '@baton/workflow-kit';
import { messaging, payments, pos, reservationStatus, waitForState } from '../e2e/support.js';
import { browserSession, signedInPage } from './support.js';

const consoleUrl = () => stackEnv().BATON_CONSOLE_URL;

describe('attention gates (headless Chromium)', () => {
  const session = browserSession();
  afterEach(async () => {
    await Promise.all([pos.clearFaults(), payments.clearFaults(), messaging.clearFaults()]);
  });

  const messagesTo = async (customerId: string) =>
    (await messaging.messages()).filter((m) => m.to === customerId).map((m) => m.template);

  async function decideAttention(
    page: Page,
    workflowId: string,
    decision: string,
    reason: string,
    fill?: { field: 'input' | 'output'; value: unknown },
  ) {
    await page.goto(`${consoleUrl()}/gates/${encodeURIComponent(workflowId)}`);
    await page.check(`#decide input[name=decision][value=${decision}]`);
    if (fill) await page.fill(`#decide textarea[name=${fill.field}]`, JSON.stringify(fill.value));
    await page.fill('#decide textarea[name=reason]', reason);
    await page.click('#decide button[type=submit]');
    await page.waitForSelector('#flash');
    assert.match(await page.locator('#flash').innerText(), new RegExp(`Decided .*${decision}`));
  }

  /** Opens every disclosure on the page (some sit inside others, hidden until their parent opens). */
  async function openDisclosures(page: Page) {
    // A string: the tests are typed without the DOM library.
    await page.evaluate(`document.querySelectorAll('details').forEach((d) => { d.open = true; })`);
  }

  /** A booking the POS refuses for good with a code the workflow does not handle itself. */
  async function bookingRefused(text: string) {
    await pos.setFaults({ refuse: ['POST /reservations'], refuseCode: 'TABLE_OUT_OF_SERVICE' });
    const event = reservationEvent(text);
    const workflowId = String((await postEvent(event)).body.workflowId);
    const waiting = await waitForState(session.stack, workflowId, 'Needs attention');
    return { event, workflowId, waiting };
  }

  it('shows a step that failed for good with its context; a corrected input continues the workflow to the booking', async () => {
    const { event, workflowId, waiting } = await bookingRefused('Table for 2, Thursday 8pm');
    assert.equal(waiting.gate?.kind, 'attention');
    const payload = waiting.gate?.payload as unknown as AttentionPayload;
    assert.equal(payload.state, 'Booking');
    assert.equal(payload.step.stepId, 'book');
    assert.equal(payload.step.errorCode, 'TABLE_OUT_OF_SERVICE');
    assert.deepEqual(
      payload.previousSteps.map((s) => s.stepId),
      ['intake', 'hold-table', 'safety-check', 'deposit'],
    );

    const page = await signedInPage(session.browser, consoleUsers.manager);
    const row = page.locator(`#inbox tr[data-workflow="${workflowId}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), /baton\.attention/);
    await page.goto(`${consoleUrl()}/gates/${encodeURIComponent(workflowId)}`);
    assert.equal(await page.locator('#state').innerText(), 'Needs attention');
    assert.match(await page.locator('#failed-step').innerText(), /^book \(agent booking\) in state "Booking"$/);
    assert.match(await page.locator('#failed-error').innerText(), /TABLE_OUT_OF_SERVICE/);
    // The JSON sits behind closed disclosures (the phone layout): opened as a person would.
    await openDisclosures(page);
    assert.match(await page.locator('#failed-input').innerText(), /"holdId"/);
    assert.match(await page.locator('#steps').innerText(), /"chargeId"/, 'the deposit step with its output');
    assert.equal(await page.locator('#allergies').innerText(), 'none');

    // The POS is back; the person notes why and sends the booking again with a corrected note.
    await pos.clearFaults();
    const corrected = { ...(payload.step.input as Record<string, unknown>) };
    const request = corrected.request as Record<string, unknown>;
    corrected.request = { ...request, notes: 'rebooked by the manager after the POS fault' };
    await decideAttention(page, workflowId, 'correct-input', 'the POS table was back in service', {
      field: 'input',
      value: corrected,
    });

    const done = await waitForState(session.stack, workflowId, 'Confirmed');
    const books = done.steps.filter((st) => st.stepId === 'book');
    assert.deepEqual(
      books.map((b) => b.status),
      ['failed', 'ok'],
      'the failed attempt stays on record',
    );
    assert.equal(
      (books[1]?.input as { request: { notes: string } }).request.notes,
      'rebooked by the manager after the POS fault',
      'the step ran the corrected input',
    );
    const reservations = (await pos.reservations()).filter((r) => r.holdId === done.hold?.holdId);
    assert.equal(reservations.length, 1, 'booked once');
    const chargeId =
      done.deposit && 'chargeId' in done.deposit ? done.deposit.chargeId : assert.fail('a deposit was charged');
    assert.equal((await payments.charges()).filter((c) => c.chargeId === chargeId).length, 1, 'charged once');
    assert.deepEqual(await messagesTo(event.data.customer.id), ['reservation-confirmed']);
  });

  it('abandons at the attention gate: the deposit is refunded, the hold released, the customer told', async () => {
    const { event, workflowId, waiting } = await bookingRefused('Table for 3, Thursday 9pm');
    const page = await signedInPage(session.browser, consoleUsers.manager);
    await decideAttention(page, workflowId, 'abandon', 'the POS cannot seat them tonight');

    const done = await waitForState(session.stack, workflowId, 'Compensated');
    assert.match(done.failure ?? '', /abandoned by mia/);
    assert.deepEqual(done.compensated, ['refund-deposit', 'release-hold']);
    const chargeId =
      waiting.deposit && 'chargeId' in waiting.deposit
        ? waiting.deposit.chargeId
        : assert.fail('a deposit was charged');
    assert.equal((await payments.refunds()).filter((r) => r.chargeId === chargeId).length, 1, 'refunded once');
    assert.equal((await pos.holds()).find((h) => h.holdId === done.hold?.holdId)?.status, 'released');
    assert.deepEqual(await messagesTo(event.data.customer.id), ['reservation-cancelled']);
  });

  it('hands a request intake cannot read to a person, who fills in what is missing; the workflow goes on', async () => {
    const event = reservationEvent('Hello! We would love to come by with the whole family some time soon.');
    const workflowId = String((await postEvent(event)).body.workflowId);
    const waiting = await waitForState(session.stack, workflowId, 'Needs attention');
    const payload = waiting.gate?.payload as unknown as AttentionPayload;
    assert.equal(payload.step.agent, 'intake');
    assert.equal(payload.state, 'Understanding request');
    assert.ok(waiting.gate?.options.includes('supply-output'), 'a person may give what intake could not read');

    const page = await signedInPage(session.browser, consoleUsers.manager);
    await page.goto(`${consoleUrl()}/gates/${encodeURIComponent(workflowId)}`);
    await openDisclosures(page);
    assert.match(await page.locator('#failed-input').innerText(), /whole family/);
    const reading = {
      partySize: 5,
      date: daysAfter(todayUtc(), 17),
      time: '19:00',
      customer: { ...event.data.customer, regular: false },
      allergies: [],
      notes: event.data.text,
    };
    await decideAttention(page, workflowId, 'supply-output', 'called the guest back: five on the 24th at seven', {
      field: 'output',
      value: reading,
    });

    const done = await waitForState(session.stack, workflowId, 'Confirmed');
    assert.equal(done.request?.partySize, 5);
    assert.equal(done.steps.find((s) => s.stepId === 'intake' && s.status === 'supplied')?.output !== undefined, true);
    assert.deepEqual(await messagesTo(event.data.customer.id), ['reservation-confirmed']);
  });

  it('refuses an output that breaks the contract and keeps the case with a person; abandoning tells the guest', async () => {
    const event = reservationEvent('Hi, could we come by at some point?');
    const workflowId = String((await postEvent(event)).body.workflowId);
    await waitForState(session.stack, workflowId, 'Needs attention');
    const page = await signedInPage(session.browser, consoleUsers.manager);
    await decideAttention(page, workflowId, 'supply-output', 'guessing', { field: 'output', value: { partySize: 0 } });
    // A new attention gate opens with the reason; the refused output went nowhere.
    const again = await waitFor('a second attention gate', async () => {
      const s = await reservationStatus(session.stack, workflowId);
      return s.gate?.status === 'open' && s.previousGates?.length === 1 ? s : undefined;
    });
    assert.equal(again.state, 'Needs attention');
    assert.match((again.gate?.payload as unknown as AttentionPayload).reason, /breaks the intake contract/);
    assert.equal(again.request, undefined);

    await decideAttention(page, workflowId, 'abandon', 'the guest did not answer the phone');
    const done = await waitForState(session.stack, workflowId, 'Failed');
    assert.match(done.failure ?? '', /abandoned by mia/);
    assert.deepEqual(await messagesTo(event.data.customer.id), ['reservation-unreadable'], 'the guest is told why');
  });
});
