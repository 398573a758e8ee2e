// test-tier: own-services, own stack (it waits out gate tiers in real time, about 40 s: on a stack of its own it runs
// beside the shared group instead of lengthening it)
// The approval console in real headless Chromium (Debian's chromium driven by playwright-core): people sign in, see a
// waiting gate with its full context, approve or decline it, and the workflow resumes at once; a gate nobody decides
// escalates, then takes its safe default; earned trust switches auto-approval on and off (never for allergies); a
// decision bound to a stale digest is refused; the audit stream that holds the timeline refuses a delete. The inbox
// refreshes itself when the gate opens; the inbox, the gate page and the timeline pass the accessibility check
// (axe-core) and fit a phone; screenshots of the inbox and the gate at phone and desktop size land in the state
// folder's screenshots/.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { AuditRecord, streams, subjects, taskQueues } from '@baton/contracts';
import { readStream } from '@baton/bus';
import { consoleUsers, postEvent, reservationEvent, stackEnv, waitFor } from '@baton/testkit';
import { decide, DecisionRefusedError } from '@baton/console';
import { type GateNotice, type GateTier } from '@baton/workflow-kit';
import {
  reservationWorkflowId,
  workflowTypes,
  type ReservationInput,
  type ReservationRequested,
} from '@baton/workflow-reservation';
import { messaging, payments, pos, reservationStatus, waitForState } from '../e2e/support.js';
import { shortTiersMemo, shortTiersWorkflowsDir } from '../e2e/short-tiers/workflows-dir.js';
import { assertAccessible, assertFitsPhone, browserSession, screenshots, signedInPage } from './support.js';

const consoleUrl = () => stackEnv().BATON_CONSOLE_URL;

describe('approval console (headless Chromium)', () => {
  // Its services run a workflows folder where a run may have short gate tiers (start's `tiers`).
  const session = browserSession({ env: { BATON_WORKFLOWS_DIR: shortTiersWorkflowsDir(stackEnv().stateDir) } });

  async function start(
    event: ReservationRequested,
    options: Omit<ReservationInput, 'event'> = {},
    tiers?: GateTier[],
  ): Promise<string> {
    const workflowId = reservationWorkflowId(event.idempotencykey, event.source);
    const input: ReservationInput = { event, ...options };
    await session.stack.temporal.workflow.start(workflowTypes.reservation, {
      taskQueue: taskQueues.orchestrator,
      workflowId,
      args: [input],
      ...(tiers ? { memo: shortTiersMemo(tiers) } : {}),
    });
    return workflowId;
  }

  async function auditOf(workflowId: string): Promise<AuditRecord[]> {
    return (await readStream(session.stack.bus, streams.audit, { parse: (v) => AuditRecord.parse(v) }))
      .map((m) => m.value)
      .filter((r) => r.workflowId === workflowId);
  }

  async function gateNotices(workflowId: string): Promise<Array<{ type: string; data: GateNotice }>> {
    const notices = await readStream<{ type: string; data: GateNotice }>(session.stack.bus, streams.notices, {
      filterSubject: subjects.notice('gate.>'),
    });
    return notices.map((m) => m.value).filter((n) => n.data.workflowId === workflowId);
  }

  async function decideInPage(
    page: Page,
    workflowId: string,
    decision: 'approve' | 'decline' | 'approve-with-changes',
    reason: string,
  ) {
    await page.goto(`${consoleUrl()}/gates/${encodeURIComponent(workflowId)}`);
    await page.check(`#decide input[name=decision][value=${decision}]`);
    await page.fill('#decide textarea[name=reason]', reason);
    await page.click('#decide button[type=submit]');
    await page.waitForSelector('#flash');
  }

  it('signs in, shows a pending allergy reservation with its context, approves it, and the workflow completes', async () => {
    // The customer has been here before: one earlier booking.
    const earlier = reservationEvent('Table for 2, Saturday 8pm');
    await waitForState(session.stack, String((await postEvent(earlier)).body.workflowId), 'Confirmed');
    const fresh = reservationEvent('Table for 4, Friday 7pm, customer is a regular, allergic to shellfish');
    const event = { ...fresh, data: { ...fresh.data, customer: earlier.data.customer } };

    // The inbox is open before the gate opens: it refreshes itself (server-sent events), no reload.
    const page = await signedInPage(session.browser, consoleUsers.host);
    await page.waitForSelector('body[data-live=connected]');
    const workflowId = String((await postEvent(event)).body.workflowId);
    const row = page.locator(`#inbox tr[data-workflow="${workflowId}"]`);
    await row.waitFor({ timeout: 30_000 });
    assert.match(await row.innerText(), /reservation\.allergy/);
    assert.match(await row.locator('td[data-label="who decides now"]').innerText(), /^a host until \d\d:\d\d/);
    await assertFitsPhone(page, 'the inbox');
    await assertAccessible(page, 'inbox');
    await screenshots(page, 'inbox');

    await row.locator('a').first().click();
    await page.waitForURL(/\/gates\//);
    assert.equal(await page.locator('#state').innerText(), 'Awaiting approval');
    assert.equal(await page.locator('#allergies').innerText(), 'shellfish');
    assert.match(await page.locator('#table').innerText(), /^T\d+ \(\d+ seats\)$/);
    assert.match(await page.locator('#customer').innerText(), /a regular/);
    await waitFor('the customer history', async () => {
      await page.reload();
      return /· 1 previous reservation\(s\) with us/.test(await page.locator('#customer').innerText()) || undefined;
    });
    const steps = await page.locator('#steps tbody tr td:first-child').allInnerTexts();
    assert.deepEqual(steps, ['intake', 'hold-table', 'safety-check']);
    // Raw JSON waits behind a disclosure; who decides is said in words and clock times.
    assert.match((await page.locator('#steps').textContent()) ?? '', /"needsReview": true/);
    assert.equal(await page.locator('#payload').getAttribute('open'), null);
    assert.match(
      await page.locator('#approvers').innerText(),
      /^Who decides: a host until \d\d:\d\d, then a manager until /,
    );
    assert.equal(
      await page.locator('#decide input[name=decision]:checked').count(),
      0,
      'no option is chosen for the person',
    );
    await assertFitsPhone(page, 'the gate page');
    await assertAccessible(page, 'gate page');
    await screenshots(page, 'gate');
    const shown = await reservationStatus(session.stack, workflowId);
    assert.equal(await page.locator('#digest').innerText(), shown.gate?.digest);

    await decideInPage(page, workflowId, 'approve', 'kitchen briefed on shellfish');
    assert.match(await page.locator('#flash').innerText(), /Decided .*approve/);
    assert.equal(await page.locator(`#inbox tr[data-workflow="${workflowId}"]`).count(), 0, 'the item left the inbox');
    const done = await waitForState(session.stack, workflowId, 'Confirmed');
    assert.equal(done.decision?.decidedBy, consoleUsers.host.username);
    assert.equal(done.decision?.role, 'host');
    assert.equal((await pos.reservations()).filter((r) => r.holdId === done.hold?.holdId).length, 1);

    // The timeline, from the audit stream: every transition, and the decision with who and why.
    await page.goto(`${consoleUrl()}/workflows/${encodeURIComponent(workflowId)}/timeline`);
    const decided = page.locator('#timeline tr[data-kind="gate.decided"]');
    await waitFor('the decision on the timeline', async () => {
      await page.reload();
      return (await decided.count()) === 1 || undefined;
    });
    assert.match(
      await decided.innerText(),
      new RegExp(`${consoleUsers.host.username}[\\s\\S]*kitchen briefed on shellfish`),
    );
    await assertAccessible(page, 'timeline');
    const kinds = (await auditOf(workflowId)).map((r) =>
      r.kind === 'workflow.transition' ? `-> ${String(r.detail.to)}` : r.kind,
    );
    assert.deepEqual(kinds.slice(0, 7), [
      '-> Understanding request',
      '-> Holding table',
      '-> Checking safety',
      '-> Awaiting approval',
      'gate.opened',
      'gate.decided',
      '-> Charging deposit',
    ]);
    assert.equal(kinds.at(-1), '-> Confirmed');
    // The notices carry ids and gate data, not the customer's name or allergy.
    const notices = await waitFor('gate notices', async () => {
      const all = await gateNotices(workflowId);
      return all.length >= 2 ? all : undefined;
    });
    assert.deepEqual(
      notices.map((n) => n.type),
      ['gate.opened.v1', 'gate.decided.v1'],
    );
    assert.doesNotMatch(JSON.stringify(notices), /shellfish|Lovelace/);
  });

  it('declines on a reason and the table hold is released', async () => {
    const event = reservationEvent('Party of 3 tomorrow at 18:30, allergic to peanuts and sesame');
    const workflowId = String((await postEvent(event)).body.workflowId);
    await waitForState(session.stack, workflowId, 'Awaiting approval');
    const page = await signedInPage(session.browser, consoleUsers.manager);
    await decideInPage(page, workflowId, 'decline', 'cannot guarantee a sesame-free kitchen');
    const done = await waitForState(session.stack, workflowId, 'Declined');
    assert.equal(done.holdReleased, true);
    assert.equal((await pos.holds()).find((h) => h.holdId === done.hold?.holdId)?.status, 'released');
    assert.deepEqual(
      (await messaging.messages()).filter((m) => m.to === event.data.customer.id).map((m) => m.template),
      ['reservation-declined'],
    );
  });

  it('approves with changes: the steps after the gate run exactly the approved payload, nothing before it runs again', async () => {
    const event = reservationEvent('Table for 4, Sunday 7pm, allergic to shellfish');
    const workflowId = String((await postEvent(event)).body.workflowId);
    const waiting = await waitForState(session.stack, workflowId, 'Awaiting approval');
    assert.equal(waiting.gate?.payload.table.seats, 4);
    const page = await signedInPage(session.browser, consoleUsers.manager);
    await page.goto(`${consoleUrl()}/gates/${encodeURIComponent(workflowId)}`);
    await page.check('#decide input[name=decision][value=approve-with-changes]');
    await page.fill('#decide input[name=partySize]', '3');
    await page.fill('#decide input[name=notes]', 'seat away from the kitchen pass');
    await page.fill('#decide textarea[name=reason]', 'one guest cancelled; kitchen briefed');
    await page.click('#decide button[type=submit]');
    await page.waitForSelector('#flash');
    assert.match(await page.locator('#flash').innerText(), /approve-with-changes/);

    const done = await waitForState(session.stack, workflowId, 'Confirmed');
    assert.equal(done.gate?.payload.request.partySize, 4, 'the gate keeps what was shown');
    assert.equal(done.gate?.approvedPayload?.request.partySize, 3);
    assert.equal(done.request?.partySize, 3);
    assert.equal(done.request?.notes, 'seat away from the kitchen pass');
    // The deposit is charged for the approved party, once.
    const charges = (await payments.charges()).filter(
      (c) => (c as unknown as { customerId: string }).customerId === event.data.customer.id,
    ) as unknown as Array<{ amountCents: number }>;
    assert.deepEqual(
      charges.map((c) => c.amountCents),
      [3 * 1_000],
    );
    // Nothing before the gate ran again: one hold, each earlier step once.
    assert.equal((await pos.holds()).filter((h) => h.idempotencyKey.startsWith(`${workflowId}/`)).length, 1);
    assert.deepEqual(
      done.steps.filter((s) => ['intake', 'hold-table', 'safety-check'].includes(s.stepId)).map((s) => s.stepId),
      ['intake', 'hold-table', 'safety-check'],
    );
    // A change is not a clean approval: the allergy gate's count starts again.
    await page.goto(`${consoleUrl()}/inbox`);
    assert.equal(await page.locator('#trust tr[data-gate-type="reservation.allergy"] [data-count]').innerText(), '0');
  });

  it('escalates a gate nobody decides to the next tier, then takes the safe default', async () => {
    const event = reservationEvent('Table for 2, Thursday 9pm, allergic to gluten');
    // The manager's tier is long enough to look at the page in it, short enough to expire in the test.
    const workflowId = await start(event, {}, [
      { role: 'host', timeoutMs: 2_500 },
      { role: 'manager', timeoutMs: 15_000 },
    ]);
    await waitFor(
      'the escalation',
      async () =>
        (await reservationStatus(session.stack, workflowId)).gate?.escalations.length === 1 ? true : undefined,
      { timeoutMs: 20_000 },
    );
    // The host's tier has passed: the page says only a manager may decide now.
    const page = await signedInPage(session.browser, consoleUsers.host);
    await page.goto(`${consoleUrl()}/gates/${encodeURIComponent(workflowId)}`);
    assert.equal(await page.locator('#state').innerText(), 'Awaiting approval');
    assert.match(await page.locator('#cannot-decide').innerText(), /Only manager may decide now/);

    const done = await waitForState(session.stack, workflowId, 'Expired');
    assert.equal(done.gate?.status, 'timed-out');
    assert.equal((await pos.holds()).find((h) => h.holdId === done.hold?.holdId)?.status, 'released');
    assert.deepEqual(
      (await messaging.messages()).filter((m) => m.to === event.data.customer.id).map((m) => m.template),
      ['reservation-expired'],
    );
    const notices = await waitFor('three gate notices', async () => {
      const all = await gateNotices(workflowId);
      return all.length >= 3 ? all : undefined;
    });
    assert.deepEqual(
      notices.map((n) => `${n.type}:${n.data.role}`),
      ['gate.opened.v1:host', 'gate.escalated.v1:manager', 'gate.decided.v1:manager'],
    );
    assert.equal(notices[2]?.data.decision, 'timeout');
  });

  it('switches auto-approval on after N clean approvals for a gate that allows it, resets it on a decline, and never for allergies', async () => {
    const N = 2;
    const large = (slot: string) => reservationEvent(`Table for 9, ${slot}`);
    const page = await signedInPage(session.browser, consoleUsers.manager);
    const trustCell = async (gateType: string, cell: 'count' | 'auto') => {
      await page.goto(`${consoleUrl()}/inbox`);
      return page.locator(`#trust tr[data-gate-type="${gateType}"] [data-${cell}]`).innerText();
    };

    // A decline first, so the count starts from zero whatever ran before.
    const first = await start(large('Monday 11am'), { trustThreshold: N });
    await waitForState(session.stack, first, 'Awaiting approval');
    assert.equal((await reservationStatus(session.stack, first)).gate?.gateType, 'reservation.large-party');
    await decideInPage(page, first, 'decline', 'no private room that day');
    await waitForState(session.stack, first, 'Declined');
    assert.equal(await trustCell('reservation.large-party', 'count'), '0');

    for (const slot of ['Tuesday 11am', 'Wednesday 11am']) {
      const id = await start(large(slot), { trustThreshold: N });
      await waitForState(session.stack, id, 'Awaiting approval');
      await decideInPage(page, id, 'approve', 'fine');
      await waitForState(session.stack, id, 'Confirmed');
    }
    assert.equal(await trustCell('reservation.large-party', 'count'), String(N));
    assert.equal(await trustCell('reservation.large-party', 'auto'), 'on');

    // The next one passes without a person, and says so.
    const auto = await start(large('Thursday 11am'), { trustThreshold: N });
    const autoDone = await waitForState(session.stack, auto, 'Confirmed');
    assert.deepEqual(autoDone.autoApproved, { count: N, threshold: N });
    assert.equal(autoDone.gate?.decidedBy, 'earned-trust');
    assert.ok(
      !(await auditOf(auto)).some((r) => r.kind === 'workflow.transition' && r.detail.to === 'Awaiting approval'),
      'never waited for a person',
    );
    const switches = async () =>
      (
        await readStream(session.stack.bus, streams.audit, {
          filterSubject: subjects.auditOfKind('trust.switched'),
          parse: (v) => AuditRecord.parse(v),
        })
      )
        .map((m) => m.value)
        .filter((r) => r.subject === 'reservation.large-party');
    assert.equal((await switches()).at(-1)?.detail.autoApprove, true, 'the switch on is in the audit trail');

    // A gate with a higher bar still opens; declining it resets the count and switches auto-approval off.
    const strict = await start(large('Friday 11am'), { trustThreshold: 50 });
    await waitForState(session.stack, strict, 'Awaiting approval');
    await decideInPage(page, strict, 'decline', 'kitchen closed for a private event');
    await waitForState(session.stack, strict, 'Declined');
    assert.equal(await trustCell('reservation.large-party', 'count'), '0');
    assert.equal(await trustCell('reservation.large-party', 'auto'), 'off');
    assert.equal((await switches()).at(-1)?.detail.autoApprove, false, 'the switch off is in the audit trail');

    // Allergies never auto-approve, however many clean approvals.
    for (const slot of ['Monday 1pm', 'Tuesday 1pm']) {
      const id = await start(reservationEvent(`Table for 2, ${slot}, allergic to celery`), { trustThreshold: 1 });
      await waitForState(session.stack, id, 'Awaiting approval');
      await decideInPage(page, id, 'approve', 'kitchen briefed');
      await waitForState(session.stack, id, 'Confirmed');
    }
    const allergy = await start(reservationEvent('Table for 2, Wednesday 1pm, allergic to celery'), {
      trustThreshold: 1,
    });
    await waitForState(session.stack, allergy, 'Awaiting approval');
    assert.equal(await trustCell('reservation.allergy', 'auto'), 'off');
    assert.match(await page.locator('#trust tr[data-gate-type="reservation.allergy"]').innerText(), /never/);
    await decide(session.stack.temporal, allergy, { decision: 'decline', decidedBy: 'test-cleanup', role: 'manager' });
  });

  it('refuses a decision bound to a stale digest and the workflow keeps waiting', async () => {
    const event = reservationEvent('Table for 2, Sunday 1pm, allergic to mustard');
    const workflowId = String((await postEvent(event)).body.workflowId);
    const waiting = await waitForState(session.stack, workflowId, 'Awaiting approval');
    const page = await signedInPage(session.browser, consoleUsers.manager);
    await page.goto(`${consoleUrl()}/gates/${encodeURIComponent(workflowId)}`);
    // The form was rendered for another version of the gate: its digest no longer matches.
    const stale = `sha256:${'0'.repeat(64)}`;
    await page.locator('#decide input[name=digest]').evaluate((el, value) => el.setAttribute('value', value), stale);
    await page.check('#decide input[name=decision][value=approve]');
    await page.fill('#decide textarea[name=reason]', 'looks fine');
    await page.click('#decide button[type=submit]');
    await page.waitForSelector('#flash');
    assert.match(await page.locator('#flash').innerText(), /Refused: .*stale decision.*digest mismatch/);
    assert.equal((await reservationStatus(session.stack, workflowId)).state, 'Awaiting approval');

    // The same through the client: a wrong digest or another gate's id is refused.
    await assert.rejects(
      decide(session.stack.temporal, workflowId, {
        gateId: waiting.gate!.gateId,
        digest: stale,
        decision: 'approve',
        decidedBy: 'mia',
        role: 'manager',
      }),
      (err) => err instanceof DecisionRefusedError && /digest mismatch/.test(err.message),
    );
    await assert.rejects(
      decide(session.stack.temporal, workflowId, {
        gateId: 'another/approval',
        digest: waiting.gate!.digest,
        decision: 'approve',
        decidedBy: 'mia',
        role: 'manager',
      }),
      /open gate is/,
    );
    // No anonymous decision, no decision without the form's CSRF token.
    const anonymous = await fetch(`${consoleUrl()}/gates/${encodeURIComponent(workflowId)}/decide`, {
      method: 'POST',
      headers: { origin: consoleUrl(), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'decision=approve&reason=x',
    });
    assert.equal(anonymous.status, 401);
    const cookies = await page.context().cookies();
    const withoutToken = await fetch(`${consoleUrl()}/gates/${encodeURIComponent(workflowId)}/decide`, {
      method: 'POST',
      headers: {
        origin: consoleUrl(),
        'content-type': 'application/x-www-form-urlencoded',
        cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; '),
      },
      body: `decision=approve&reason=x&gateId=${encodeURIComponent(waiting.gate!.gateId)}&digest=${waiting.gate!.digest}`,
    });
    assert.equal(withoutToken.status, 403);
    assert.equal((await reservationStatus(session.stack, workflowId)).state, 'Awaiting approval');

    // With the digest it showed, the decision goes through.
    await decideInPage(page, workflowId, 'approve', 'kitchen briefed on mustard');
    await waitForState(session.stack, workflowId, 'Confirmed');
  });

  it('keeps the audit trail: the stream refuses a delete and a purge', async () => {
    const info = await session.stack.bus.jsm.streams.info(streams.audit);
    assert.ok(info.state.messages > 0);
    assert.equal(info.config.deny_delete, true);
    await assert.rejects(
      session.stack.bus.jsm.streams.deleteMessage(streams.audit, info.state.last_seq),
      /not permitted/,
    );
    await assert.rejects(session.stack.bus.jsm.streams.purge(streams.audit), /not permitted/);
    // Nothing was removed: the first record and the last one looked at are still there (other
    // records may arrive meanwhile, so the count is not the measure).
    const after = await session.stack.bus.jsm.streams.info(streams.audit);
    assert.equal(after.state.first_seq, info.state.first_seq);
    assert.equal(
      (await session.stack.bus.jsm.streams.getMessage(streams.audit, { seq: info.state.last_seq }))?.seq,
      info.state.last_seq,
    );
  });
});
