// The reservation workflow: intake -> hold a table -> safety check -> (a person decides when
// flagged, a human gate) -> deposit -> book -> confirm. Effects register their compensation in a saga; a
// declined, expired or failed request undoes them newest first and tells the customer. What
// cannot be undone or told goes to a person. Every move between states happens in `enter`, and
// every move and every decision is appended to the audit trail.
import { CancellationScope, condition, isCancellation, log, proxyActivities, proxySinks, setHandler, sleep, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { auditKinds, type AgentName, type NoticeKind, type ReservationRequest, type ReservationRequested } from '@baton/contracts';
import type { HandoffActivities } from '../activities/handoff.js';
import type { AuditRecordInput, GateActivities } from '../activities/gates.js';
import type { BatonSinks } from '../sinks.js';
import {
  BatonState,
  BatonStateSince,
  BatonStuck,
  BatonCustomer,
  BatonWorkflowType,
  RESERVATION_STATE_LIMITS_MS,
  terminalReservationStates,
  type WorkflowStuckNotice,
  DEFAULT_APPROVAL_TIERS,
  GATE_POLICIES,
  Resolution,
  gateNoticeTypes,
  type Decision,
  type GateNotice,
  type GateTier,
  type GateType,
  type ReservationChanges,
  type ReservationGatePayload,
  decideReservation,
  getReservationStatus,
  resolveAttention,
  type ReservationState,
  type ReservationStatus,
  type StepRecord,
} from '../definitions.js';
import { callAgent, compensateAgent } from './call-agent.js';
import { AGENT_STEP, COMPENSATION_STEP, DEPOSIT_PER_GUEST_CENTS, DEPOSIT_STEP } from './policies.js';
import { Saga, causeOf } from './saga.js';
import { GateRefusedError, HumanGate, type GateEvent } from './gate.js';

export interface ReservationInput {
  event: ReservationRequested;
  /** How long a flagged request waits for a person before it expires (one tier, a manager).
   *  Ignored when `approvalTiers` is given. */
  approvalTimeoutMs?: number;
  /** Who may decide a flagged request, tier by tier, each with its timeout; after the last,
   *  the safe default (release the hold, tell the customer). Default: DEFAULT_APPROVAL_TIERS. */
  approvalTiers?: GateTier[];
  /** Clean approvals after which a gate type that allows it approves by itself (otherwise the
   *  orchestrator's BATON_TRUST_THRESHOLD). */
  trustThreshold?: number;
  /** Overrides of how long each state may last before the workflow reports itself stuck. */
  stateLimitsMs?: Partial<Record<ReservationState, number>>;
}

const { batonMetrics } = proxySinks<BatonSinks>();
const notices = proxyActivities<HandoffActivities & GateActivities>({ startToCloseTimeout: '30 seconds', retry: { maximumInterval: '30 seconds' } });
const WORKFLOW_TYPE = 'reservation';

/** The gate a flagged request meets: allergies first (never auto-approved), then party size. */
function gateTypeOf(reasons: Array<{ code: string }>): GateType {
  if (reasons.some((r) => r.code === 'ALLERGY')) return 'reservation.allergy';
  if (reasons.some((r) => r.code === 'LARGE_PARTY')) return 'reservation.large-party';
  return 'reservation.review';
}

/** What approve-with-changes may change: the party size (within the held table) and the notes. */
function applyReservationChanges(payload: ReservationGatePayload, changes: ReservationChanges): ReservationGatePayload {
  if (changes.partySize !== undefined && changes.partySize > payload.table.seats) {
    throw new GateRefusedError(`a party of ${changes.partySize} does not fit table ${payload.table.tableId} (${payload.table.seats} seats)`);
  }
  const request: ReservationRequest = { ...payload.request, ...(changes.partySize !== undefined ? { partySize: changes.partySize } : {}), ...(changes.notes !== undefined ? { notes: changes.notes } : {}) };
  return { ...payload, request };
}

export async function reservationWorkflow(input: ReservationInput): Promise<ReservationStatus> {
  // Notices and audit records go out in order, without holding up the workflow; they are all
  // delivered before it returns.
  let effects: Promise<void> = Promise.resolve();
  const background = (what: string, fn: () => Promise<void>) => {
    effects = effects.then(fn).catch((err: unknown) => log.warn(`${what} failed`, { error: String(err) }));
  };
  try {
    return await reservation(input, background);
  } finally {
    await effects;
  }
}

async function reservation(input: ReservationInput, background: (what: string, fn: () => Promise<void>) => void): Promise<ReservationStatus> {
  const { workflowId, runId } = workflowInfo();
  let auditSeq = 0;
  const audit = (record: Omit<AuditRecordInput, 'id' | 'at' | 'workflowId'>) => {
    const full: AuditRecordInput = { ...record, id: `${workflowId}/${runId}/${++auditSeq}`, at: new Date().toISOString(), workflowId };
    background('audit record', () => notices.audit(full));
  };

  const status: ReservationStatus = { state: 'Understanding request', stateSince: new Date().toISOString(), eventId: input.event.id, holdReleased: false, steps: [], compensated: [] };
  const saga = new Saga();
  const limits = { ...RESERVATION_STATE_LIMITS_MS, ...input.stateLimitsMs };
  let watch: CancellationScope | undefined;

  /** Reports the workflow stuck when `state` lasts past its limit: search attribute, notice, metric. */
  const watchState = (state: ReservationState, limitMs: number) => {
    watch = new CancellationScope();
    watch
      .run(() => sleep(limitMs))
      .then(async () => {
        status.stuck = { state, limitMs, since: status.stateSince };
        upsertSearchAttributes([{ key: BatonStuck, value: true }]);
        batonMetrics.stuck(WORKFLOW_TYPE, state);
        const notice: WorkflowStuckNotice = { workflowId: workflowInfo().workflowId, workflowType: WORKFLOW_TYPE, state, stateSince: status.stateSince, limitMs };
        await notices.publishNotice({ id: `${notice.workflowId}/stuck/${status.stateSince}`, type: 'workflow.stuck.v1', subject: notice.workflowId, data: notice });
      })
      .catch((err: unknown) => {
        if (!isCancellation(err)) log.warn('stuck notice failed', { error: String(err) });
      });
  };

  const enter = (state: ReservationState) => {
    watch?.cancel();
    audit({ kind: auditKinds.transition, actor: 'orchestrator', subject: state, reason: `${status.state} -> ${state}`, detail: { from: status.state, to: state, workflowType: WORKFLOW_TYPE } });
    status.state = state;
    status.stateSince = new Date().toISOString();
    status.stuck = undefined;
    upsertSearchAttributes([
      { key: BatonState, value: state },
      { key: BatonWorkflowType, value: WORKFLOW_TYPE },
      { key: BatonStateSince, value: new Date(status.stateSince) },
      { key: BatonStuck, value: false },
    ]);
    log.info('reservation state', { state });
    const limitMs = limits[state];
    if (limitMs !== undefined && !terminalReservationStates.has(state)) watchState(state, limitMs);
    if (terminalReservationStates.has(state)) batonMetrics.ended(WORKFLOW_TYPE, state.toLowerCase());
  };
  const step = async <T>(stepId: string, agent: AgentName, kind: StepRecord['kind'], run: () => Promise<T>): Promise<T> => {
    const record: StepRecord = { stepId, agent, kind, status: 'running', startedAt: new Date().toISOString() };
    status.steps.push(record);
    try {
      const output = await run();
      Object.assign(record, { status: 'ok', output, finishedAt: new Date().toISOString() });
      return output;
    } catch (err) {
      Object.assign(record, { status: 'failed', error: causeOf(err), finishedAt: new Date().toISOString() });
      throw err;
    }
  };
  /** Hands a problem to a person and waits, however long, until they say it is dealt with. */
  const escalate = async (reason: string, failures: Array<{ name: string; error: string }>) => {
    status.attention = { reason, failures, since: new Date().toISOString() };
    batonMetrics.escalated(WORKFLOW_TYPE);
    enter('Needs attention');
    await condition(() => status.attention?.resolution !== undefined);
  };

  let gate: HumanGate<ReservationGatePayload> | undefined;
  setHandler(getReservationStatus, () => status);
  setHandler(
    decideReservation,
    async (input) => {
      const decision = gate!.check(input);
      gate!.accept(decision);
      status.decision = { ...decision, decidedAt: new Date().toISOString() };
      await condition(() => status.state !== 'Awaiting approval');
      return status;
    },
    {
      validator: (input) => {
        if (status.state !== 'Awaiting approval' || !gate) throw new Error(`no decision is awaited: the reservation is in state "${status.state}"`);
        if (status.decision) throw new Error('a decision was already taken');
        gate.check(input);
      },
    },
  );
  /** Notices (ids and gate data only) and audit records for each gate event. */
  const onGateEvent = (event: GateEvent, view: ReservationStatus['gate'] & {}, decision?: Decision) => {
    const role = view.tiers[view.tier]!.role;
    const notice: GateNotice = {
      workflowId,
      workflowType: WORKFLOW_TYPE,
      gateId: view.gateId,
      gateType: view.gateType,
      tier: view.tier,
      role,
      digest: view.digest,
      ...(event === 'decided' ? { decision: decision?.decision ?? 'timeout', decidedBy: view.decidedBy ?? 'timeout' } : {}),
    };
    const suffix = event === 'escalated' ? `escalated/${view.tier}` : event;
    background('gate notice', () => notices.publishNotice({ id: `${view.gateId}/${suffix}`, type: gateNoticeTypes[event], subject: workflowId, data: notice }));
    const kind = event === 'opened' ? auditKinds.gateOpened : event === 'escalated' ? auditKinds.gateEscalated : auditKinds.gateDecided;
    const reason =
      event === 'opened' ? `gate opened for ${role}` : event === 'escalated' ? `no decision in time: escalated to ${role}` : decision ? decision.reason || decision.decision : 'no decision in time: safe default';
    audit({
      kind,
      actor: event === 'decided' ? (view.decidedBy ?? 'timeout') : 'orchestrator',
      subject: view.gateId,
      reason,
      detail: {
        gateType: view.gateType,
        tier: view.tier,
        role,
        digest: view.digest,
        ...(decision ? { decision: decision.decision, decidedByRole: decision.role, changes: decision.changes } : event === 'decided' ? { decision: 'timeout' } : {}),
      },
    });
  };
  setHandler(
    resolveAttention,
    (resolution) => {
      if (status.attention) status.attention.resolution = { ...Resolution.parse(resolution), resolvedAt: new Date().toISOString() };
      return status;
    },
    {
      validator: (resolution) => {
        if (status.state !== 'Needs attention' || !status.attention) throw new Error(`nothing needs attention: the reservation is in state "${status.state}"`);
        const parsed = Resolution.safeParse(resolution);
        if (!parsed.success) throw new Error(`invalid resolution: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      },
    },
  );

  enter('Understanding request');
  const receivedOn = input.event.data.receivedOn ?? input.event.time.slice(0, 10);
  let request: ReservationRequest;
  try {
    request = await step('intake', 'intake', 'run', () => callAgent('intake', 'intake', { ...input.event.data, receivedOn }, AGENT_STEP));
  } catch (err) {
    // Nothing has happened yet, so there is nothing to undo.
    status.failure = causeOf(err);
    enter('Failed');
    return status;
  }
  status.request = request;
  upsertSearchAttributes([{ key: BatonCustomer, value: request.customer.id }]);

  const tell = (kind: NoticeKind, policy = AGENT_STEP) =>
    step(`notify-${kind}`, 'notifier', 'run', () =>
      callAgent('notifier', `notify-${kind}`, { request, kind, ...(status.booking ? { reservationId: status.booking.reservationId } : {}) }, policy),
    );
  /** Undo every effect, tell the customer, and hand whatever could not be done to a person. */
  const unwind = async (kind: NoticeKind, outcome: ReservationState) => {
    enter('Compensating');
    const failures = await saga.compensate();
    enter('Telling customer');
    try {
      await tell(kind, COMPENSATION_STEP);
    } catch (err) {
      failures.push({ name: `notify-${kind}`, error: causeOf(err) });
    }
    if (failures.length > 0) await escalate(`could not finish undoing the reservation (${failures.map((f) => f.name).join(', ')})`, failures);
    enter(outcome);
    return status;
  };

  try {
    enter('Holding table');
    const hold = await step('hold-table', 'availability', 'run', () => callAgent('availability', 'hold-table', { request }, AGENT_STEP));
    status.hold = hold;
    saga.add('release-hold', async () => {
      await step('release-hold', 'availability', 'compensate', () => compensateAgent('availability', 'release-hold', { holdId: hold.holdId }, COMPENSATION_STEP));
      status.holdReleased = true;
      status.compensated.push('release-hold');
    });

    enter('Checking safety');
    status.safety = await step('safety-check', 'safety', 'run', () => callAgent('safety', 'safety-check', { request, originalText: input.event.data.text }, AGENT_STEP));

    if (status.safety.needsReview) {
      const gateType = gateTypeOf(status.safety.reasons);
      const tiers = input.approvalTiers ?? (input.approvalTimeoutMs !== undefined ? [{ role: 'manager', timeoutMs: input.approvalTimeoutMs }] : DEFAULT_APPROVAL_TIERS);
      gate = new HumanGate<ReservationGatePayload>(
        {
          gateId: `${workflowId}/approval`,
          gateType,
          payload: { request, table: { tableId: hold.tableId, seats: hold.seats }, reasons: status.safety.reasons },
          options: ['approve', 'decline', 'approve-with-changes'],
          tiers,
          applyChanges: applyReservationChanges,
        },
        { onEvent: onGateEvent },
      );
      status.gate = gate.view;
      const trust = await notices.trustStatus(gateType, input.trustThreshold);
      let outcome;
      if (GATE_POLICIES[gateType].autoApprove && trust.count >= trust.threshold) {
        // Earned trust: this gate type was approved unchanged often enough to pass by itself.
        status.autoApproved = { count: trust.count, threshold: trust.threshold };
        outcome = gate.approveWithoutPerson('earned-trust', `auto-approved: ${trust.count} consecutive clean approvals (threshold ${trust.threshold})`);
      } else {
        enter('Awaiting approval');
        outcome = await gate.run();
        if (outcome.kind !== 'timed-out') {
          const decision = outcome.decision;
          await notices.trustRecord({ gateType, gateId: gate.view.gateId, workflowId, clean: decision.decision === 'approve', decidedBy: decision.decidedBy, ...(input.trustThreshold !== undefined ? { threshold: input.trustThreshold } : {}) });
        }
      }
      if (outcome.kind === 'timed-out') return await unwind('expired', 'Expired');
      if (outcome.kind === 'declined') return await unwind('declined', 'Declined');
      // From here on, exactly the approved payload.
      request = outcome.payload.request;
      status.request = request;
    }

    enter('Charging deposit');
    const amountCents = request.partySize * DEPOSIT_PER_GUEST_CENTS;
    try {
      const deposit = await step('deposit', 'payment', 'run', () => callAgent('payment', 'deposit', { request, amountCents }, DEPOSIT_STEP));
      status.deposit = deposit;
      saga.add('refund-deposit', async () => {
        await step('refund-deposit', 'payment', 'compensate', () => compensateAgent('payment', 'refund-deposit', { chargeId: deposit.chargeId }, COMPENSATION_STEP));
        status.compensated.push('refund-deposit');
      });
    } catch (err) {
      // Fallback: a regular's table is not lost to a payment outage; anyone else's request fails.
      if (!request.customer.regular) throw err;
      status.deposit = { waived: true, reason: `payment failed for a regular: ${causeOf(err)}` };
    }

    enter('Booking');
    status.booking = await step('book', 'booking', 'run', () => callAgent('booking', 'book', { request, hold }, AGENT_STEP));
  } catch (err) {
    status.failure = causeOf(err);
    return await unwind('cancelled', saga.size > 0 ? 'Compensated' : 'Failed');
  }

  // The booking stands from here on: a confirmation that cannot be sent goes to a person, it
  // does not undo the reservation.
  enter('Confirming to customer');
  try {
    await tell('confirmed');
  } catch (err) {
    await escalate('the booking is made but the customer could not be told', [{ name: 'notify-confirmed', error: causeOf(err) }]);
  }
  enter('Confirmed');
  return status;
}
