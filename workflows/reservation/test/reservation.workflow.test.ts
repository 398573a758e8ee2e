// The reservation's paths as specifications, in-process on Temporal's test server with time
// skipping (@baton/workflow-kit/testing): agents are the fakes in fakes.ts, people are the test.
// Every path of src/workflow.ts is here; the real stack (tests/e2e) keeps what only real servers
// show (the webhook, NATS, the simulators, visibility, dedup, dead letters, crashes).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AgentError, testWorkflow, type WorkflowHarness, type WorkflowRunUnderTest } from '@baton/workflow-kit/testing';
import {
  DEFAULT_APPROVAL_TIERS,
  causeChain,
  pathOf,
  type AttentionPayload,
  type GateNotice,
} from '@baton/workflow-kit';
import reservation, { type ReservationAgents, type ReservationInput, type ReservationStatus } from '../src/index.js';
import {
  BOOKED_DATE,
  agents,
  cancelBooking,
  daysAfterReceived,
  charge,
  chargeAnswerLost,
  holdTable,
  holdAnswerLost,
  newWorld,
  refund,
  releaseHold,
  requestEvent,
  type World,
} from './fakes.js';

type Run = WorkflowRunUnderTest<ReservationStatus>;

/** Every message of an error and its causes: what a refused update says. */
function messagesOf(err: unknown): string {
  return causeChain(err)
    .map((e) => String((e as { message?: unknown }).message))
    .join(' <- ');
}

/** The payload of the open attention gate. */
const attentionOf = (status: ReservationStatus) => status.gate?.payload as unknown as AttentionPayload;
const kinds = (world: World) => world.messages.map((m) => m.kind);
const transitions = (run: Run) =>
  run.records.audit.filter((r) => r.kind === 'workflow.transition').map((r) => r.subject);
/** The activity types a run's history scheduled, in order. */
const activityTypes = async (run: Run) =>
  ((await run.handle.fetchHistory()).events ?? []).flatMap(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? [],
  );
/** The inputs the workflow sent an agent, in order. */
const inputsTo = (run: Run, agent: keyof ReservationAgents & string, kind: 'run' | 'compensate' = 'run') =>
  run.calls(agent, kind).map((c) => c.input);

describe('reservation workflow', () => {
  let wf: WorkflowHarness<ReservationStatus, ReservationAgents>;
  before(async () => {
    // Earned trust as the orchestrator would count it: a large party has been approved by a
    // person 100 times in a row (the default threshold). No other spec meets a large-party gate.
    wf = await testWorkflow(reservation, { trust: { 'reservation.large-party': 100 } });
  });
  after(() => wf?.close());

  describe('a request nobody needs to look at', () => {
    it('books and confirms a clean request without asking anyone', async () => {
      const world = newWorld();
      const run = await wf.start(requestEvent(), { agents: agents(world) });
      const status = await run.result();
      assert.equal(status.state, 'Confirmed');
      assert.deepEqual(
        status.steps.map((s) => `${s.agent}:${s.status}`),
        ['intake:ok', 'availability:ok', 'safety:ok', 'payment:ok', 'booking:ok', 'notifier:ok'],
      );
      assert.deepEqual(status.deposit, { chargeId: 'ch-1', amountCents: 2_000 });
      assert.equal(status.gate, undefined);
      assert.deepEqual(world.bookings, ['hold-1']);
      assert.deepEqual(kinds(world), ['confirmed']);
      assert.deepEqual(transitions(run), [
        'Understanding request',
        'Holding table',
        'Checking safety',
        'Charging deposit',
        'Booking',
        'Confirming to customer',
        'Confirmed',
      ]);
    });
  });

  describe('the approval gate', () => {
    it('books an allergy request once a host approves it, takes the deposit, and audits the gate', async () => {
      const world = newWorld();
      const run = await wf.start(requestEvent('Table for 2, Saturday 8pm, allergic to shellfish'), {
        agents: agents(world, { allergies: ['shellfish'] }),
      });
      const waiting = await run.waitFor('Awaiting approval');
      const gate = waiting.gate!;
      assert.equal(gate.gateType, 'reservation.allergy');
      assert.equal(gate.tiers[0]?.role, 'host');
      assert.equal(world.charges.size, 0, 'no deposit before the decision');
      await run.decide('approve', { role: 'host', by: 'hana', reason: 'kitchen briefed' });
      const status = await run.result();
      assert.equal(status.state, 'Confirmed');
      assert.equal(status.decision?.decidedBy, 'hana');
      assert.equal(status.autoApproved, undefined);
      assert.deepEqual(
        [...world.charges.values()].map((c) => [c.amountCents, c.refunded]),
        [[2_000, false]],
      );
      assert.deepEqual(world.bookings, ['hold-1']);
      assert.deepEqual(kinds(world), ['confirmed']);

      const opened = run.records.audit.filter((r) => r.kind === 'gate.opened' && r.subject === gate.gateId);
      const decided = run.records.audit.filter((r) => r.kind === 'gate.decided' && r.subject === gate.gateId);
      assert.equal(opened.length, 1);
      assert.equal(opened[0]?.actor, 'orchestrator');
      assert.equal(decided.length, 1);
      assert.equal(decided[0]?.actor, 'hana');
      assert.equal(decided[0]?.reason, 'kitchen briefed');
      assert.deepEqual(
        [
          (decided[0]?.detail as { decision?: string }).decision,
          (decided[0]?.detail as { decidedByRole?: string }).decidedByRole,
        ],
        ['approve', 'host'],
      );
      assert.deepEqual(
        run.records.notices.map((n) => n.type),
        ['gate.opened.v1', 'gate.decided.v1'],
      );
    });

    it('undoes the hold and tells the guest when a person declines an allergy request', async () => {
      const world = newWorld();
      const run = await wf.start(requestEvent('Table for 2, Saturday 8pm, allergic to shellfish'), {
        agents: agents(world, { allergies: ['shellfish'] }),
      });
      const waiting = await run.waitFor('Awaiting approval');
      assert.equal(waiting.gate?.gateType, 'reservation.allergy');
      await run.decide('decline', { role: 'host', by: 'hana', reason: 'kitchen cannot guarantee it' });
      const status = await run.result();
      assert.equal(status.state, 'Declined');
      assert.equal(status.holdReleased, true);
      assert.deepEqual(status.compensated, ['release-hold']);
      assert.equal(world.holds.get('hold-1')?.released, true);
      assert.equal(world.charges.size, 0);
      assert.equal(world.bookings.length, 0);
      assert.deepEqual(kinds(world), ['declined']);
      assert.ok(
        run.records.audit.some(
          (r) =>
            r.kind === 'gate.decided' &&
            r.actor === 'hana' &&
            (r.detail as { decision?: string }).decision === 'decline',
        ),
      );
    });

    it('books exactly the approved changes, refuses a change the table cannot take, and records the correction', async () => {
      const world = newWorld();
      const event = requestEvent('Table for 4, Saturday 8pm, allergic to sesame');
      const run = await wf.start(event, { agents: agents(world, { partySize: 4, allergies: ['sesame'] }) });
      const waiting = await run.waitFor('Awaiting approval');
      assert.deepEqual((waiting.gate?.payload as { table: unknown }).table, { tableId: 't-4', seats: 4 });

      // Six guests do not fit the held table of four: the update is refused and nothing moves.
      await assert.rejects(
        run.decide('approve-with-changes', { role: 'manager', by: 'mia', changes: { partySize: 6 } }),
        (err) => /does not fit table t-4/.test(messagesOf(err)),
      );
      const still = await run.status();
      assert.equal(still.state, 'Awaiting approval');
      assert.equal(still.gate?.status, 'open');
      assert.equal(still.gate?.digest, waiting.gate?.digest);
      assert.equal(still.decision, undefined);
      assert.equal(still.request?.partySize, 4);

      await run.decide('approve-with-changes', {
        role: 'manager',
        by: 'mia',
        reason: 'one guest cancelled',
        changes: { partySize: 3 },
      });
      const status = await run.result();
      assert.equal(status.state, 'Confirmed');
      assert.equal(status.request?.partySize, 3);
      // The deposit and the booking were made for the approved payload, not intake's reading.
      assert.deepEqual(
        inputsTo(run, 'payment').map((i) => [
          (i as { request: { partySize: number } }).request.partySize,
          (i as { amountCents: number }).amountCents,
        ]),
        [[3, 3_000]],
      );
      assert.deepEqual(
        inputsTo(run, 'booking').map((i) => (i as { request: { partySize: number } }).request.partySize),
        [3],
      );
      assert.deepEqual(
        [...world.charges.values()].map((c) => c.amountCents),
        [3_000],
      );

      assert.equal(run.records.corrections.length, 1);
      const correction = run.records.corrections[0]!;
      assert.deepEqual(
        {
          agent: correction.agent,
          by: correction.by,
          wrong: correction.wrong,
          right: correction.right,
          subject: correction.subject,
          scope: correction.scope,
          input: correction.input,
        },
        {
          agent: 'intake',
          by: 'mia',
          wrong: { partySize: 4 },
          right: { partySize: 3 },
          subject: event.data.customer.id,
          scope: 'customer',
          input: event.data.text,
        },
      );
      assert.deepEqual(status.corrections, [{ agent: 'intake', scope: 'customer', gateId: waiting.gate?.gateId }]);
    });

    it('escalates an unanswered allergy gate from host to manager, reports it stuck, then expires it and releases the hold', async () => {
      const world = newWorld();
      const run = await wf.start(requestEvent('Table for 2, Saturday 8pm, nut allergy'), {
        agents: agents(world, { allergies: ['nuts'] }),
      });
      const waiting = await run.waitFor('Awaiting approval');
      assert.deepEqual(
        waiting.gate?.tiers.map((t) => t.role),
        ['host', 'manager'],
      );
      await wf.advance('2 hours');
      // The host's two hours are up: the manager's tier, and the state past its 2 h limit.
      const escalated = await run.waitFor((s) => (s.gate?.tier ?? 0) === 1 && s.stuck !== undefined);
      assert.equal(escalated.gate?.tiers[1]?.role, 'manager');
      assert.equal(escalated.stuck?.state, 'Awaiting approval');
      await assert.rejects(run.decide('approve', { role: 'host', by: 'hana' }), (err) =>
        /role "host" may not decide at tier 2/.test(messagesOf(err)),
      );

      const status = await run.result();
      assert.equal(status.state, 'Expired');
      assert.equal(status.gate?.status, 'timed-out');
      assert.equal(status.decision, undefined);
      assert.equal(world.holds.get('hold-1')?.released, true);
      assert.equal(world.charges.size, 0);
      assert.deepEqual(kinds(world), ['expired']);
      assert.deepEqual(
        run.records.audit.filter((r) => r.kind.startsWith('gate.')).map((r) => `${r.kind}:${r.actor}`),
        ['gate.opened:orchestrator', 'gate.escalated:orchestrator', 'gate.decided:timeout'],
      );
      // What approvers are told, tier by tier: the host, then the manager, then that nobody decided.
      const gateNotices = run.records.notices
        .filter((n) => n.type.startsWith('gate.'))
        .map((n) => ({ type: n.type, ...(n.data as GateNotice) }));
      assert.deepEqual(
        gateNotices.map((n) => `${n.type}:${n.role}`),
        ['gate.opened.v1:host', 'gate.escalated.v1:manager', 'gate.decided.v1:manager'],
      );
      assert.equal(gateNotices[2]?.decision, 'timeout');
      assert.ok(run.records.notices.some((n) => n.type === 'workflow.stuck.v1'));
    });

    it("gives a run started with the retired approvalTimeoutMs the workflow's own tiers, recording the patch that says so", async () => {
      // Tests once shortened gates through the input; recorded runs that did keep it on replay only.
      const workflowId = 'reservation-retired-timing';
      const run = await wf.startWith(
        { event: requestEvent('Table for 2, Saturday 8pm, nut allergy'), approvalTimeoutMs: 3_000 },
        { workflowId, agents: agents(newWorld(), { allergies: ['nuts'] }) },
      );
      const waiting = await run.waitFor('Awaiting approval');
      assert.deepEqual(waiting.gate?.tiers, DEFAULT_APPROVAL_TIERS);
      await run.decide('decline', { role: 'host', by: 'hana', reason: 'kitchen closed' });
      assert.equal((await run.result()).state, 'Declined');
      assert.ok(
        pathOf(await wf.plainHandle(workflowId).fetchHistory()).patches.includes('reservation.no-timings-from-input'),
      );
    });

    it('lets earned trust approve a large party without a person, but never an allergy', async () => {
      const world = newWorld();
      const run = await wf.start(requestEvent('Table for 10, Saturday 8pm'), {
        agents: agents(world, { partySize: 10 }),
      });
      const status = await run.result();
      assert.equal(status.state, 'Confirmed');
      assert.equal(status.gate?.gateType, 'reservation.large-party');
      assert.equal(status.gate?.decidedBy, 'earned-trust');
      assert.deepEqual(status.autoApproved, { count: 100, threshold: 100 });
      assert.ok(!transitions(run).includes('Awaiting approval'), 'nobody was asked');
      assert.deepEqual(
        run.records.audit.filter((r) => r.kind.startsWith('gate.')).map((r) => `${r.kind}:${r.actor}`),
        ['gate.opened:orchestrator', 'gate.decided:earned-trust'],
      );
      assert.deepEqual(world.bookings, ['hold-1']);
      assert.ok(
        (await activityTypes(run)).includes('trustStatus'),
        'a gate type that may approve by itself looks its trust up',
      );

      // An allergy gate whose count has reached this run's threshold still waits for a person.
      const threshold = { trustThreshold: 1 } satisfies Partial<ReservationInput>;
      const first = await wf.startWith(
        { event: requestEvent('Table for 2, Friday 7pm, shellfish allergy'), ...threshold },
        { agents: agents(newWorld(), { allergies: ['shellfish'] }) },
      );
      await first.waitFor('Awaiting approval');
      await first.decide('approve', { role: 'host', by: 'hana' });
      assert.equal((await first.result()).state, 'Confirmed');
      assert.ok(wf.trustOf('reservation.allergy') >= 1);
      const second = await wf.startWith(
        { event: requestEvent('Table for 2, Friday 8pm, shellfish allergy'), ...threshold },
        { agents: agents(newWorld(), { allergies: ['shellfish'] }) },
      );
      const waiting = await second.waitFor('Awaiting approval');
      assert.equal(waiting.autoApproved, undefined);
      await second.decide('decline', { role: 'host', by: 'hana' });
      assert.equal((await second.result()).state, 'Declined');
      // Its trust is counted (above), never looked up: the answer could not change anything.
      for (const allergy of [first, second])
        assert.ok(!(await activityTypes(allergy)).includes('trustStatus'), 'an allergy gate never looks its trust up');
    });
  });

  describe('a request intake cannot read', () => {
    const unreadable = new AgentError('UNPARSEABLE_REQUEST', 'could not read party size from the request', false, {
      date: BOOKED_DATE,
      time: '20:00',
      missing: ['party size'],
    });
    /** Intake that reads a party size only when the text has a number in it. */
    const intake = (world: World) => ({
      ...agents(world),
      intake: (input: { text: string; customer: { id: string; name: string } }) => {
        const size = /for (\d+)/.exec(input.text);
        if (!size) throw unreadable;
        return {
          partySize: Number(size[1]),
          date: BOOKED_DATE,
          time: '20:00',
          customer: { ...input.customer, regular: false },
          allergies: [],
        };
      },
    });

    it('takes an output a person supplies after checking it against the contract: a broken one re-opens the gate with the reason', async () => {
      const world = newWorld();
      const event = requestEvent('Could we have a table on Friday at 8pm?');
      const run = await wf.start(event, { agents: intake(world) });
      const waiting = await run.waitFor('Needs attention');
      assert.equal(waiting.gate?.kind, 'attention');
      assert.equal(waiting.gate?.gateType, 'baton.attention');
      assert.ok(waiting.gate?.options.includes('supply-output'));
      const payload = attentionOf(waiting);
      assert.deepEqual(
        [payload.step.agent, payload.step.errorCode, payload.step.details],
        ['intake', 'UNPARSEABLE_REQUEST', { date: BOOKED_DATE, time: '20:00', missing: ['party size'] }],
      );

      const output = {
        partySize: 2,
        date: BOOKED_DATE,
        time: '20:00',
        customer: { ...event.data.customer, regular: false },
        allergies: [],
        notes: '',
      };
      const reopened = await run.decide('supply-output', {
        role: 'manager',
        by: 'mia',
        changes: { output: { ...output, partySize: 0 } },
      });
      assert.equal(reopened.state, 'Needs attention');
      assert.notEqual(reopened.gate?.gateId, waiting.gate?.gateId, 'a new attention gate');
      assert.match(
        attentionOf(reopened).reason,
        /the output mia gave for step "intake" breaks the intake contract: partySize/,
      );
      assert.equal(world.holds.size, 0, 'nothing held on a broken output');

      await run.decide('supply-output', { role: 'manager', by: 'mia', changes: { output } });
      const status = await run.result();
      assert.equal(status.state, 'Confirmed');
      assert.equal(status.request?.partySize, 2);
      assert.deepEqual(
        status.steps.filter((s) => s.agent === 'intake').map((s) => s.status),
        ['failed', 'supplied'],
      );
      assert.equal(run.calls('intake').length, 1, 'intake was not asked again');
      assert.deepEqual(kinds(world), ['confirmed']);
      // What the person gave corrects intake's reading of these words, for this customer.
      assert.deepEqual(
        run.records.corrections.map((c) => [
          c.agent,
          c.gateType,
          c.subject,
          c.input,
          (c.right as { partySize?: number }).partySize,
        ]),
        [['intake', 'baton.attention', event.data.customer.id, event.data.text, 2]],
      );
    });

    it('calls intake again with the input a person corrected', async () => {
      const world = newWorld();
      const run = await wf.start(requestEvent('Could we have a table on Friday at 8pm?'), { agents: intake(world) });
      const waiting = await run.waitFor('Needs attention');
      const input = attentionOf(waiting).step.input as Record<string, unknown>;
      await run.decide('correct-input', {
        role: 'manager',
        by: 'mia',
        changes: { input: { ...input, text: 'Could we have a table for 3 on Friday at 8pm?' } },
      });
      const status = await run.result();
      assert.equal(status.state, 'Confirmed');
      assert.equal(status.request?.partySize, 3);
      assert.deepEqual(
        inputsTo(run, 'intake').map((i) => (i as { text: string }).text),
        ['Could we have a table on Friday at 8pm?', 'Could we have a table for 3 on Friday at 8pm?'],
      );
      assert.deepEqual(world.bookings, ['hold-1']);
    });

    it('fails the request and tells the guest it was unreadable when a person abandons it', async () => {
      const world = newWorld();
      const run = await wf.start(requestEvent('Could we have a table on Friday at 8pm?'), { agents: intake(world) });
      await run.waitFor('Needs attention');
      await run.decide('abandon', { role: 'manager', by: 'mia', reason: 'guest unreachable' });
      const status = await run.result();
      assert.equal(status.state, 'Failed');
      assert.match(status.failure ?? '', /abandoned by mia: guest unreachable/);
      assert.equal(run.calls('availability').length, 0, 'nothing held');
      assert.deepEqual(kinds(world), ['unreadable']);
    });
  });

  describe('a request the business rules refuse', () => {
    const cases = [
      {
        why: 'a date in the past',
        request: { date: daysAfterReceived(-3) },
        reason: new RegExp(`the date you asked for \\(${daysAfterReceived(-3)}\\) has passed`),
      },
      {
        why: 'a date too far ahead',
        request: { date: daysAfterReceived(120) },
        reason: /we take reservations up to 90 days ahead/,
      },
      {
        why: 'a party larger than the restaurant seats',
        request: { partySize: 30 },
        reason: /we can seat at most 20 guests at once/,
      },
    ];
    for (const { why, request, reason } of cases) {
      it(`refuses ${why} before anything is held, and tells the guest why`, async () => {
        const world = newWorld();
        const run = await wf.start(requestEvent(), { agents: agents(world, request) });
        const status = await run.result();
        assert.equal(status.state, 'Refused');
        assert.match(status.refusal ?? '', reason);
        assert.equal(status.hold, undefined);
        assert.deepEqual(
          run.calls().map((c) => c.agent),
          ['intake', 'notifier'],
          'no hold, no safety check, no charge',
        );
        assert.equal(world.messages.length, 1);
        assert.equal(world.messages[0]?.kind, 'refused');
        assert.match(world.messages[0]?.reason ?? '', reason);
      });
    }
  });

  describe('the deposit', () => {
    const declined = new AgentError('CARD_DECLINED', 'the card was declined', false);

    it("waives a regular's deposit when the payment fails, books anyway, and looks for a charge by reference", async () => {
      const world = newWorld();
      const run = await wf.start(requestEvent(), {
        agents: {
          ...agents(world, { regular: true }),
          payment: {
            run: () => {
              throw declined;
            },
            compensate: refund(world),
          },
        },
      });
      const status = await run.result();
      assert.equal(status.state, 'Confirmed');
      assert.ok(status.deposit && 'waived' in status.deposit);
      assert.match(status.deposit.reason, /payment failed for a regular: the card was declined/);
      assert.deepEqual(world.bookings, ['hold-1']);
      assert.deepEqual(inputsTo(run, 'payment', 'compensate'), [{ chargeReference: `${run.workflowId}/deposit` }]);
      assert.deepEqual(status.compensated, [], 'nothing was charged, nothing refunded');
      assert.deepEqual(kinds(world), ['confirmed']);
    });

    it("refunds, by reference, a regular's charge whose answer was lost, and still books", async () => {
      const world = newWorld();
      const run = await wf.start(requestEvent(), {
        agents: {
          ...agents(world, { regular: true }),
          payment: { run: chargeAnswerLost(world), compensate: refund(world) },
        },
      });
      const status = await run.result();
      assert.equal(status.state, 'Confirmed');
      assert.ok(status.deposit && 'waived' in status.deposit);
      assert.deepEqual(inputsTo(run, 'payment', 'compensate'), [{ chargeReference: `${run.workflowId}/deposit` }]);
      assert.deepEqual(
        [...world.charges.values()].map((c) => c.refunded),
        [true],
        'the charge that stood is refunded',
      );
      assert.deepEqual(world.bookings, ['hold-1']);
      assert.equal(status.attention, undefined);
    });

    it("does not waive a first-time guest's deposit: the hold is released and the guest told", async () => {
      const world = newWorld();
      const run = await wf.start(requestEvent(), {
        agents: {
          ...agents(world, { regular: false }),
          payment: {
            run: () => {
              throw declined;
            },
            compensate: refund(world),
          },
        },
      });
      const status = await run.result();
      assert.equal(status.state, 'Compensated');
      assert.match(status.failure ?? '', /the card was declined/);
      assert.deepEqual(status.compensated, ['release-hold']);
      assert.equal(world.holds.get('hold-1')?.released, true);
      assert.equal(status.booking, undefined);
      assert.equal(world.bookings.length, 0);
      assert.deepEqual(kinds(world), ['cancelled']);
    });
  });

  describe('undoing effects whose answer was lost', () => {
    it("finds a hold the POS made but whose answer was lost, by the step's reference, and releases it", async () => {
      const world = newWorld();
      const run = await wf.start(requestEvent(), {
        agents: { ...agents(world), availability: { run: holdAnswerLost(world), compensate: releaseHold(world) } },
      });
      await run.waitFor('Needs attention');
      await run.decide('abandon', { role: 'manager', by: 'mia', reason: 'the POS is down' });
      const status = await run.result();
      assert.equal(status.state, 'Compensated');
      assert.match(status.failure ?? '', /abandoned by mia/);
      assert.equal(status.hold, undefined, 'the workflow never learned the hold');
      assert.deepEqual(inputsTo(run, 'availability', 'compensate'), [
        { holdReference: `${run.workflowId}/hold-table` },
      ]);
      assert.deepEqual(
        [...world.holds.values()].map((h) => h.released),
        [true],
      );
      assert.deepEqual(status.compensated, ['release-hold']);
      assert.equal(run.calls('safety').length, 0);
      assert.deepEqual(kinds(world), ['cancelled']);
    });

    it('finds a charge the provider took but whose answer was lost, by reference, and refunds it with the hold released', async () => {
      const world = newWorld();
      const run = await wf.start(requestEvent(), {
        agents: {
          ...agents(world, { regular: false }),
          payment: { run: chargeAnswerLost(world), compensate: refund(world) },
        },
      });
      const status = await run.result();
      assert.equal(status.state, 'Compensated');
      assert.equal(status.deposit, undefined);
      assert.deepEqual(status.compensated, ['refund-deposit', 'release-hold']);
      assert.deepEqual(inputsTo(run, 'payment', 'compensate'), [{ chargeReference: `${run.workflowId}/deposit` }]);
      assert.deepEqual(
        [...world.charges.values()].map((c) => c.refunded),
        [true],
      );
      assert.equal(world.holds.get('hold-1')?.released, true);
      assert.equal(world.bookings.length, 0);
      assert.deepEqual(kinds(world), ['cancelled']);
    });
  });

  describe('the booking refused, and an undo that fails', () => {
    const refused = new AgentError('REFUSED_BY_PROVIDER', 'the POS refuses the booking', false);
    const refusingBooking = () => {
      throw refused;
    };

    it('undoes the deposit and the hold, newest first, when the POS refuses the booking for good', async () => {
      const world = newWorld();
      const run = await wf.start(requestEvent('Table for 4, Friday 8pm'), {
        agents: {
          ...agents(world, { partySize: 4 }),
          booking: { run: refusingBooking, compensate: cancelBooking(world) },
        },
      });
      const status = await run.result();
      assert.equal(status.state, 'Compensated');
      assert.match(status.failure ?? '', /the POS refuses the booking/);
      assert.deepEqual(status.compensated, ['refund-deposit', 'release-hold']);
      assert.deepEqual(inputsTo(run, 'payment', 'compensate'), [{ chargeId: 'ch-1' }]);
      assert.deepEqual(inputsTo(run, 'availability', 'compensate'), [{ holdId: 'hold-1' }]);
      assert.deepEqual(
        [...world.charges.values()].map((c) => [c.amountCents, c.refunded]),
        [[4_000, true]],
      );
      assert.equal(world.holds.get('hold-1')?.released, true);
      assert.deepEqual(kinds(world), ['cancelled']);
      assert.equal(status.attention, undefined);
    });

    it("hands a hold the POS will not release to a person, after the other undo and the guest's notice, until they resolve it", async () => {
      const world = newWorld();
      const run = await wf.start(requestEvent(), {
        agents: {
          ...agents(world),
          booking: { run: refusingBooking, compensate: cancelBooking(world) },
          availability: { run: holdTable(world), compensate: () => ({ released: false }) },
        },
      });
      const waiting = await run.waitFor('Needs attention');
      assert.match(waiting.attention?.reason ?? '', /could not finish undoing the reservation \(release-hold\)/);
      assert.deepEqual(
        waiting.attention?.failures.map((f) => f.name),
        ['release-hold'],
      );
      assert.match(
        waiting.attention?.failures[0]?.error ?? '',
        /did not release the hold \(hold-1\): the table is booked/,
      );
      assert.deepEqual(waiting.compensated, ['refund-deposit'], 'the deposit was still refunded');
      assert.deepEqual(kinds(world), ['cancelled'], 'the guest was told before a person was asked');
      assert.ok(run.records.metrics.some((m) => m.name === 'escalated'));

      // A resolution, like a decision, needs the role of someone who takes failed steps over.
      const refusedFor = (reason: RegExp) => (err: Error & { cause?: Error }) =>
        reason.test(err.cause?.message ?? err.message);
      await assert.rejects(
        run.resolve('anyone', 'closing it', { role: null }),
        refusedFor(/role: required \(one of manager\)/),
      );
      await assert.rejects(
        run.resolve('hana', 'closing it', { role: 'host' }),
        refusedFor(/role: "host" may not resolve this/),
      );
      assert.equal(
        (await run.waitFor('Needs attention')).attention?.resolution,
        undefined,
        'still waiting for a person',
      );
      const resolved = await run.resolve('mia', 'cancelled the booking at the POS by hand');
      assert.equal(resolved.attention?.resolution?.resolvedBy, 'mia');
      assert.equal(resolved.attention?.resolution?.role, 'manager');
      const status = await run.result();
      assert.equal(status.state, 'Compensated');
      assert.equal(status.attention?.resolution?.note, 'cancelled the booking at the POS by hand');
    });

    it('tells the guest staff will refund a deposit whose refund keeps failing, and waits for a person', async () => {
      const world = newWorld();
      const down = new AgentError('EXTERNAL_UNAVAILABLE', 'payments: the provider is down', true);
      const run = await wf.start(requestEvent(), {
        agents: {
          ...agents(world),
          booking: { run: refusingBooking, compensate: cancelBooking(world) },
          payment: {
            run: charge(world),
            compensate: () => {
              throw down;
            },
          },
        },
      });
      // Letting time run: the refund retries for its hour before it is given up.
      const ended = run.result();
      ended.catch(() => undefined);
      const waiting = await run.waitFor('Needs attention');
      assert.deepEqual(
        waiting.attention?.failures.map((f) => f.name),
        ['refund-deposit'],
      );
      assert.match(waiting.attention?.failures[0]?.error ?? '', /the provider is down/);
      assert.ok(run.calls('payment', 'compensate').length > 10, 'the refund was retried');
      assert.deepEqual(waiting.compensated, ['release-hold']);
      assert.deepEqual(
        world.messages.map((m) => [m.kind, m.reason]),
        [['cancelled', 'your deposit will be refunded by our staff']],
      );
      assert.equal([...world.charges.values()][0]?.refunded, false);
      await run.resolve('fay', 'refunded by phone');
      assert.equal((await ended).state, 'Compensated');
    });
  });
});
