// The workflow kit's engine. A registered workflow is written as its business process; the
// kit does the rest at each move:
//   - `enter(state)`: the audit record, the BatonState/BatonStateSince search attributes, the
//     stuck watch with its notice and metric, and the outcome metric for a terminal state;
//   - `step(...)`: one agent step (the durable handoff) recorded with its input and output; a step
//     that fails for good, for a reason the workflow does not handle itself, opens an attention
//     gate: a person sees the whole context and retries, corrects the input, supplies the output
//     or abandons (the workflow then compensates and tells the requester). Never a silent failure;
//   - `gate(...)`: a human approval gate with tiers, digest binding and earned trust;
//   - `saga` and `compensate(...)`: undo in reverse order; `escalate(...)` for what only a person
//     can finish by hand;
//   - the `status` query and the `decide` / `resolve` updates, the same names for every workflow.
// Pure workflow code: every effect goes through activities, sinks or background notices.
import {
  ApplicationFailure,
  CancellationScope,
  TimeoutFailure,
  condition,
  isCancellation,
  log,
  proxyActivities,
  proxySinks,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  AgentTable,
  CompensableIn,
  CompensationInput,
  CompensationOutput,
  ContractInput,
  ContractOutput,
  ProgressEvent,
} from '@baton/contracts';
import type { HandoffActivities } from '../activities/handoff.js';
import type { AuditRecordInput, GateActivities, ProgressBatch } from '../activities/gates.js';
import type { BatonSinks } from '../sinks.js';
import {
  ATTENTION_GATE_TYPE,
  AWAITING_DECISION,
  BatonState,
  BatonStateSince,
  BatonStuck,
  BatonWorkflowType,
  DEFAULT_APPROVAL_TIERS,
  DEFAULT_ATTENTION_TIERS,
  NEEDS_ATTENTION,
  SOURCE_MEMO_KEY,
  decideUpdate,
  gateNoticeTypes,
  resolveUpdate,
  statusQuery,
  type AttentionPayload,
  type CorrectionRecord,
  type Decision,
  type GateNotice,
  type GateOption,
  type GatePolicy,
  type GateTier,
  type GateView,
  type KitState,
  type StepRecord,
  type WorkflowStatus,
  type WorkflowStuckNotice,
} from '../definitions.js';
import { DEFAULT_STEP_POLICY, stepActivities, stepActivityId, type StepPolicy } from './call-agent.js';
import { GateRefusedError, HumanGate, canonicalJson, type GateEvent, type GateOutcome } from './gate.js';
import { kitPatches } from './patches.js';
import { Saga } from './saga.js';
import { causeChain, causeOf } from './causes.js';

/** What a workflow declares about itself: pure data, shared by its code and its registration.
 *  Declared as `WorkflowDefinition<State, Agents, Status>`, it carries its agents' contracts and
 *  its status type, so `runWorkflow(definition, ...)` infers them (no type arguments in workflows). */
export interface WorkflowDefinition<
  S extends string,
  T extends AgentTable = AgentTable,
  St extends WorkflowStatus<S> = WorkflowStatus<S>,
> {
  /** Types only, never set: the agents and status this definition's workflow runs with. */
  readonly types?: { agents: T; status: St };
  /** The registered type: `reservation`. Labels metrics, search attributes and views. */
  type: string;
  states: readonly S[];
  terminal: readonly S[];
  /** The end states that count as ended as intended (default: every end state). */
  succeeded?: readonly S[];
  /** How long each state may last before the workflow reports itself stuck. */
  limitsMs: Partial<Record<S | KitState, number>>;
  /** Its gate types and their policies. */
  gateTypes: Record<string, GatePolicy>;
  /** Who takes over a failed step, tier by tier; after the last, it is abandoned (default
   *  DEFAULT_ATTENTION_TIERS: a manager for a day). */
  attentionTiers?: GateTier[];
}

export interface RunOptions<S extends string> {
  /** Overrides of the state limits (tests, or a deployment's own). */
  stateLimitsMs?: Partial<Record<S | KitState, number>>;
  /** Clean approvals after which a gate type that allows it approves by itself (otherwise the
   *  orchestrator's BATON_TRUST_THRESHOLD). */
  trustThreshold?: number;
}

export interface StepOptions {
  policy?: StepPolicy;
  /** Error codes the workflow handles itself (a business answer such as NO_TABLE): rethrown to
   *  the workflow instead of opening an attention gate. `all`: every failure is the workflow's.
   *  A function decides by the failure's code and the details the agent gave (what it did read). */
  handles?: readonly string[] | 'all' | ((failure: { code: string; details: unknown }) => boolean);
  /** A person at the attention gate may give the step's output themselves (checked against the
   *  agent's contract before the workflow uses it). */
  personMaySupplyOutput?: boolean;
  /** An output a person supplies corrects the agent's reading of this input: it is kept and
   *  retrieved the next time a similar input arrives (for `subject`, or everyone). */
  teaches?: { text: string; subject?: string };
  /** What the status shows as the step's input, when the input itself would only repeat what the
   *  status already holds (a loop's turn: its transcript). Default: the input. */
  shownInput?: unknown;
  /** An output whose JSON is longer than `limit` characters is put in the object store by the
   *  agent: the step then returns `{ byReference: ArtifactRef }` (OutputByReference) instead of
   *  the output, and neither the bus nor the history carries the bytes. For results the workflow
   *  only passes on (a tool loop's), never for ones its own logic reads. */
  byReference?: { limit: number };
}

/** A decision with changes at this gate corrects `agent`'s reading (as `reading` extracts it). */
export interface GateTeaches<P> {
  agent: string;
  text: string;
  subject?: string;
  reading: (payload: P) => Record<string, unknown>;
}

export interface GateRequest<P> {
  gateId: string;
  gateType: string;
  payload: P;
  options: GateOption[];
  tiers?: GateTier[];
  safeDefault: string;
  applyChanges?: (payload: P, changes: Record<string, unknown>) => P;
  /** The workflow's own check of a decision at this gate (see GateSpec.checkDecision). */
  checkDecision?: (decision: Decision) => void;
  teaches?: GateTeaches<P>;
}

/** A person abandoned a failed step at its attention gate (or nobody took it over in time). */
export class StepAbandonedError extends Error {
  readonly code = 'STEP_ABANDONED';
  readonly retryable = false;
  constructor(
    readonly stepId: string,
    readonly by: string,
    reason: string,
  ) {
    super(`step ${stepId} abandoned by ${by}: ${reason}`);
  }
}

/** The error code of a failed activity: the agent's code, TIMEOUT, or UNKNOWN. */
export function failureCode(err: unknown): string {
  for (const current of causeChain(err)) {
    if (current instanceof ApplicationFailure && current.type) return current.type;
    if (current instanceof TimeoutFailure) return 'TIMEOUT';
  }
  return 'UNKNOWN';
}

/** What an agent reported it did make of its input before giving up (ApplicationFailure details). */
export function failureDetails(err: unknown): unknown {
  const failure = causeChain(err).find((e) => e instanceof ApplicationFailure);
  return failure?.details?.[0];
}

const kit = proxyActivities<HandoffActivities & GateActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '30 seconds' },
});
/** Trust bookkeeping must not stall a decision: a KV outage past this budget counts nothing. */
const bookkeeping = proxyActivities<GateActivities>({
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '1 minute',
  retry: { maximumInterval: '10 seconds' },
});
const { batonMetrics } = proxySinks<BatonSinks>();

export class WorkflowRun<S extends string, T extends AgentTable, St extends WorkflowStatus<S>> {
  readonly saga = new Saga();
  private readonly workflowId: string;
  private readonly runId: string;
  private readonly limits: Partial<Record<string, number>>;
  private readonly terminal: ReadonlySet<string>;
  private effects: Promise<void> = Promise.resolve();
  private auditSeq = 0;
  private watch: CancellationScope | undefined;
  private openGate: HumanGate<unknown> | undefined;
  private attentionCount = 0;
  /** Progress not yet handed to an activity, its last number, and whether the end-of-activation check is pending. */
  private pendingProgress: ProgressEvent[] = [];
  private progressSeq = 0;
  private progressCheck = false;
  /** Audit records queued in `effects` and not yet sent: each carries the progress made by then. */
  private auditsQueued = 0;
  private readonly source: string | undefined;

  constructor(
    readonly definition: WorkflowDefinition<S, T, St>,
    readonly status: St,
    private readonly options: RunOptions<S> = {},
  ) {
    const info = workflowInfo();
    ({ workflowId: this.workflowId, runId: this.runId } = info);
    const source = info.memo?.[SOURCE_MEMO_KEY];
    this.source = typeof source === 'string' ? source : undefined;
    this.limits = { ...definition.limitsMs, ...options.stateLimitsMs };
    this.terminal = new Set(definition.terminal);
    this.installHandlers();
  }

  /** Moves to `state`: audit record, search attributes, stuck watch, metric. */
  enter(state: S | KitState): void {
    this.watch?.cancel();
    this.progress({ kind: 'state', state, from: this.status.state });
    if (this.terminal.has(state))
      this.progress({
        kind: 'outcome',
        state,
        succeeded: (this.definition.succeeded ?? this.definition.terminal).includes(state as S),
      });
    this.audit({
      kind: 'workflow.transition',
      actor: 'orchestrator',
      subject: state,
      reason: `${this.status.state} -> ${state}`,
      detail: { from: this.status.state, to: state, workflowType: this.definition.type },
    });
    this.status.state = state;
    this.status.stateSince = new Date().toISOString();
    this.status.stuck = undefined;
    upsertSearchAttributes([
      { key: BatonState, value: state },
      { key: BatonWorkflowType, value: this.definition.type },
      { key: BatonStateSince, value: new Date(this.status.stateSince) },
      { key: BatonStuck, value: false },
    ]);
    log.info('workflow state', { workflowType: this.definition.type, state });
    if (this.terminal.has(state)) {
      batonMetrics.ended(this.definition.type, state.toLowerCase());
      return;
    }
    const limitMs = this.limits[state];
    if (limitMs !== undefined) this.watchState(state, limitMs);
  }

  get isTerminal(): boolean {
    return this.terminal.has(this.status.state);
  }

  /** One agent step through the durable handoff. A failure the workflow does not handle goes to
   *  a person (attention gate) and this resolves with what they chose: the step's output after a
   *  retry, a corrected input or an output they gave; or it throws StepAbandonedError. A failure
   *  the workflow handles (or a cancellation) is thrown, or, with `fallback`, what it gives
   *  instead (it throws the error on when there is no fallback for this one). */
  step<A extends keyof T & string>(
    agent: A,
    stepId: string,
    input: ContractInput<T[A]>,
    options?: StepOptions,
  ): Promise<ContractOutput<T[A]>>;
  step<A extends keyof T & string, F>(
    agent: A,
    stepId: string,
    input: ContractInput<T[A]>,
    options: StepOptions & { fallback: (err: unknown) => F },
  ): Promise<ContractOutput<T[A]> | F>;
  async step<A extends keyof T & string>(
    agent: A,
    stepId: string,
    input: ContractInput<T[A]>,
    options: StepOptions & { fallback?: (err: unknown) => unknown } = {},
  ): Promise<unknown> {
    let current: unknown = input;
    for (let round = 0; ; round++) {
      const record = this.record(
        stepId,
        agent,
        'run',
        round === 0 && options.shownInput !== undefined ? options.shownInput : current,
      );
      try {
        const output = await this.invoke(options.policy, {
          agent,
          kind: 'run',
          stepId,
          input: current,
          round,
          ...(options.byReference ? { byReference: options.byReference } : {}),
        });
        // The result bridge passes a reference on unchecked (the bytes are not in the message): a
        // step that did not ask for one must not take it as its output; a person sees the step.
        if (!options.byReference && isOutputByReference(output)) {
          throw ApplicationFailure.nonRetryable(
            `${agent} answered step ${stepId} by reference, which the step did not ask for`,
            'INVALID_OUTPUT',
          );
        }
        return this.done(record, output);
      } catch (err) {
        this.failed(record, err);
        if (isCancellation(err) || this.handledByWorkflow(err, options.handles)) {
          if (options.fallback) return options.fallback(err);
          throw err;
        }
        const choice = await this.takeOver(record, err, options);
        if (choice.kind === 'output') return choice.output;
        if (choice.kind === 'abandon') throw new StepAbandonedError(stepId, choice.by, choice.reason);
        current = choice.input ?? current;
      }
    }
  }

  /** An agent's compensation as a step (recorded; failures are the caller's, e.g. the saga's). */
  async compensate<A extends CompensableIn<T>>(
    agent: A,
    stepId: string,
    input: CompensationInput<T[A]>,
    policy?: StepPolicy,
  ): Promise<CompensationOutput<T[A]>> {
    const record = this.record(stepId, agent, 'compensate', input);
    try {
      return this.done(
        record,
        await this.invoke(policy, { agent, kind: 'compensate', stepId, input, round: 0 }),
      ) as CompensationOutput<T[A]>;
    } catch (err) {
      this.failed(record, err);
      throw err;
    }
  }

  /** A human approval gate: earned trust may approve it (if its type's policy allows), else it
   *  waits in AWAITING_DECISION, tier by tier, until a person decides or the safe default. */
  async gate<P>(request: GateRequest<P>): Promise<GateOutcome<P>> {
    const policy = this.definition.gateTypes[request.gateType];
    if (!policy)
      throw ApplicationFailure.nonRetryable(
        `gate type "${request.gateType}" is not declared by workflow ${this.definition.type}`,
        'UNDECLARED_GATE_TYPE',
      );
    const gate = new HumanGate<P>(
      {
        gateId: request.gateId,
        gateType: request.gateType,
        payload: request.payload,
        options: request.options,
        tiers: request.tiers ?? DEFAULT_APPROVAL_TIERS,
        safeDefault: request.safeDefault,
        ...(request.applyChanges ? { applyChanges: request.applyChanges } : {}),
        ...(request.checkDecision ? { checkDecision: request.checkDecision } : {}),
      },
      { onEvent: (event, view, decision) => this.onGateEvent(event, view, decision) },
    );
    this.show(gate as unknown as HumanGate<unknown>);
    // Earned trust matters only to a gate type that may approve by itself: for any other the
    // look-up (an activity: three history events and a workflow task) is skipped. Runs from
    // before this code looked it up at every gate, and their replay must too.
    const trust =
      policy.autoApprove || !kitPatches.has('trust-only-if-auto-approve')
        ? await bookkeeping.trustStatus(request.gateType, this.options.trustThreshold).catch((err: unknown) => {
            // Trust is an optimisation: without it, a person decides.
            log.warn('trust status unavailable', { error: String(err) });
            return undefined;
          })
        : undefined;
    if (policy.autoApprove && trust && trust.count >= trust.threshold) {
      this.status.autoApproved = { count: trust.count, threshold: trust.threshold };
      return gate.approveWithoutPerson(
        'earned-trust',
        `auto-approved: ${trust.count} consecutive clean approvals (threshold ${trust.threshold})`,
      );
    }
    this.enter(AWAITING_DECISION);
    const outcome = await gate.run();
    if (outcome.kind === 'approved' && outcome.decision.changes && request.teaches) {
      const { agent, text, subject, reading } = request.teaches;
      this.teach(
        outcome.decision,
        request.gateId,
        request.gateType,
        { agent, text, ...(subject ? { subject } : {}) },
        reading(request.payload),
        reading(outcome.payload),
      );
    }
    if (outcome.kind === 'approved' || outcome.kind === 'declined') {
      const decision = outcome.decision;
      await bookkeeping
        .trustRecord({
          gateType: request.gateType,
          autoApprove: policy.autoApprove,
          gateId: request.gateId,
          workflowId: this.workflowId,
          clean: decision.decision === 'approve',
          decidedBy: decision.decidedBy,
          ...(this.options.trustThreshold !== undefined ? { threshold: this.options.trustThreshold } : {}),
        })
        .catch((err: unknown) => log.warn('trust not counted', { error: String(err) }));
    }
    return outcome;
  }

  /** Ends the run in `state` (terminal) and gives the status to return. */
  end(state: S): St {
    this.enter(state);
    return this.status;
  }

  /** Ends the run in `state` because of `err` (a step that failed for good): its cause is the
   *  status's failure. */
  fail(err: unknown, state: S): St {
    this.status.failure = causeOf(err);
    return this.end(state);
  }

  /** The reference of step `stepId` in this run (`<workflowId>/<stepId>`): an undo registered
   *  before its step finds by it an effect whose answer never came. */
  reference(stepId: string): string {
    return `${this.workflowId}/${stepId}`;
  }

  /** `work`, or, when it fails, the problem handed to a person (`escalate`, as `name`) and
   *  resolved by them: for what must not undo an outcome that stands (a message not sent). */
  orEscalate<R>(work: Promise<R>, reason: string, name: string): Promise<R | void> {
    return work.catch((err: unknown) => this.escalate(reason, [{ name, error: causeOf(err) }]));
  }

  /** The outcome stands: in `state`, `work` (telling someone, say) runs; if it fails a person
   *  finishes it (see orEscalate); then the run ends in `end`. */
  async conclude(
    state: S,
    work: () => Promise<unknown>,
    ifFails: { reason: string; name: string },
    end: S,
  ): Promise<St> {
    this.enter(state);
    await this.orEscalate(work(), ifFails.reason, ifFails.name);
    return this.end(end);
  }

  /** Registers the undo of an effect before the effect's step runs (saga): `agent`'s compensation
   *  `name`, with the input `input()` gives when it runs (by the step's `reference` when the
   *  effect's answer never came). `undone(output, input)` throws when the answer says it was not
   *  undone, and says whether there was something to undo (then counted in `status.compensated`).
   *  Returns the undo itself, for running it outside the saga (not counted there). */
  undoWith<A extends CompensableIn<T>>(
    agent: A,
    name: string,
    input: () => CompensationInput<T[A]>,
    policy: StepPolicy | undefined,
    undone: (output: CompensationOutput<T[A]>, input: CompensationInput<T[A]>) => boolean,
  ): () => Promise<boolean> {
    this.saga.add(name, async () => {
      const args = input();
      if (undone(await this.compensate(agent, name, args, policy), args)) this.status.compensated.push(name);
    });
    return async () => {
      const args = input();
      return undone(await this.compensate(agent, name, args, policy), args);
    };
  }

  /** Undoes every effect in the saga, newest first, in `state` (`cause`, if given, is the
   *  status's failure); then, in `notify.state`, tells the requester (`notify.work`, given the
   *  names of what could not be undone; its own failure is one more, as `notify.name`); hands
   *  what could not be done to a person as `reason (names)` and waits for them; then ends with
   *  `end()` (e.g. `() => run.end('Compensated')`). */
  async unwind<R>(request: {
    state: S;
    reason: string;
    cause?: unknown;
    notify?: { state: S; name: string; work: (failed: string[]) => Promise<unknown> };
    end: () => R;
  }): Promise<Awaited<R>> {
    if (request.cause !== undefined) this.status.failure = causeOf(request.cause);
    this.enter(request.state);
    const failures = await this.saga.compensate();
    if (request.notify) {
      const { state, name, work } = request.notify;
      this.enter(state);
      await work(failures.map((f) => f.name)).catch((err: unknown) => failures.push({ name, error: causeOf(err) }));
    }
    if (failures.length > 0)
      await this.escalate(`${request.reason} (${failures.map((f) => f.name).join(', ')})`, failures);
    return request.end() as Awaited<R>;
  }

  /** A gate withdrawn as soon as `until()` holds (the question answered itself meanwhile, e.g. a
   *  bill paid elsewhere): then the gate is cancelled and this gives 'withdrawn'. */
  async gateUntil<P>(request: GateRequest<P>, until: () => boolean): Promise<GateOutcome<P> | 'withdrawn'> {
    const scope = new CancellationScope();
    const gate = scope.run(() => this.gate(request));
    const withdrawn = condition(until).then(() => 'withdrawn' as const);
    const outcome = await Promise.race([gate, withdrawn]);
    if (outcome === 'withdrawn') {
      scope.cancel();
      await gate.catch(() => undefined);
    }
    return outcome;
  }

  /** Hands a problem only a person can finish to them, and waits, however long, until they
   *  say it is dealt with (`resolve`). */
  async escalate(reason: string, failures: Array<{ name: string; error: string }>): Promise<void> {
    this.status.attention = {
      reason,
      failures,
      since: new Date().toISOString(),
      roles: (this.definition.attentionTiers ?? DEFAULT_ATTENTION_TIERS).map((t) => t.role),
    };
    batonMetrics.escalated(this.definition.type);
    this.enter(NEEDS_ATTENTION);
    await condition(() => this.status.attention?.resolution !== undefined);
  }

  /** Keeps what a person corrected (only what differs), to be retrieved for a similar input. */
  private teach(
    decision: Decision,
    gateId: string,
    gateType: string,
    about: { agent: string; text: string; subject?: string },
    wrong: Record<string, unknown>,
    right: Record<string, unknown>,
  ): void {
    if (canonicalJson(wrong) === canonicalJson(right)) return;
    // Recording it schedules an activity that runs from before this code never did.
    if (!kitPatches.has('record-corrections')) return;
    const scope = decision.scope ?? (about.subject ? 'customer' : 'everyone');
    const correction: CorrectionRecord = {
      at: new Date().toISOString(),
      by: decision.decidedBy,
      workflowId: this.workflowId,
      workflowType: this.definition.type,
      gateId,
      gateType,
      agent: about.agent,
      ...(about.subject ? { subject: about.subject } : {}),
      scope,
      input: about.text,
      wrong,
      right,
      reason: decision.reason,
    };
    this.status.corrections = [...(this.status.corrections ?? []), { agent: about.agent, scope, gateId }];
    this.background('correction', () => kit.recordCorrection(correction));
  }

  /** Appends an audit record (in order, delivered before the workflow returns). */
  audit(record: Omit<AuditRecordInput, 'id' | 'at' | 'workflowId'>): void {
    const full: AuditRecordInput = {
      ...record,
      id: `${this.workflowId}/${this.runId}/${++this.auditSeq}`,
      at: new Date().toISOString(),
      workflowId: this.workflowId,
    };
    this.auditsQueued++;
    this.background('audit record', () => {
      this.auditsQueued--;
      const progress = this.takeProgress();
      return progress ? kit.audit(full, progress) : kit.audit(full);
    });
  }

  /** Waits until every audit record and notice is out. */
  async flush(): Promise<void> {
    await this.effects;
  }

  // ---- internals -----------------------------------------------------------------------------

  private invoke(
    policy: StepPolicy | undefined,
    request: {
      agent: string;
      kind: 'run' | 'compensate';
      stepId: string;
      input: unknown;
      round: number;
      byReference?: { limit: number };
    },
  ): Promise<unknown> {
    const { agent, kind, stepId, input, round, byReference } = request;
    return stepActivities(policy ?? DEFAULT_STEP_POLICY, stepActivityId(request)).callAgent({
      agent,
      kind,
      stepId,
      input,
      ...(round ? { round } : {}),
      ...(byReference ? { byReference } : {}),
    });
  }

  private record(stepId: string, agent: string, kind: StepRecord['kind'], input: unknown): StepRecord {
    const record: StepRecord = { stepId, agent, kind, status: 'running', startedAt: new Date().toISOString(), input };
    this.status.steps.push(record);
    this.progress({ kind: 'step.started', stepId, agent, stepKind: kind });
    return record;
  }

  private done(record: StepRecord, output: unknown): unknown {
    Object.assign(record, { status: 'ok', output, finishedAt: new Date().toISOString() });
    this.progress({
      kind: 'step.finished',
      stepId: record.stepId,
      agent: record.agent,
      stepKind: record.kind,
      result: 'ok',
    });
    return output;
  }

  private failed(record: StepRecord, err: unknown): void {
    Object.assign(record, {
      status: 'failed',
      error: causeOf(err),
      errorCode: failureCode(err),
      finishedAt: new Date().toISOString(),
    });
    this.progress({
      kind: 'step.finished',
      stepId: record.stepId,
      agent: record.agent,
      stepKind: record.kind,
      result: 'failed',
      errorCode: record.errorCode!,
    });
  }

  /** Adds a progress event (names, states, ids and codes only: never a payload or a person's
   *  name). The next audit record to go out carries it; a send of its own follows in case none does. */
  private progress(event: Omit<ProgressEvent, 'workflowId' | 'workflowType' | 'seq' | 'at'>): void {
    this.pendingProgress.push({
      ...event,
      workflowId: this.workflowId,
      workflowType: this.definition.type,
      seq: ++this.progressSeq,
      at: new Date().toISOString(),
    });
    if (this.progressCheck) return;
    this.progressCheck = true;
    void this.sendProgressNoAuditCarries().catch((err: unknown) =>
      log.warn('progress not sent', { error: String(err) }),
    );
  }

  /** Once this activation's code has run (a condition is looked at again after its microtasks
   *  settled), progress no queued audit record will carry goes out by an activity of its own.
   *  Nothing is added to `effects` otherwise, so runs from before progress replay as they ran. */
  private async sendProgressNoAuditCarries(): Promise<void> {
    let looks = 0;
    await CancellationScope.nonCancellable(() => condition(() => looks++ > 0));
    this.progressCheck = false;
    if (!this.pendingProgress.length || this.auditsQueued > 0) return;
    // An activity histories from before progress never scheduled here: behind a patch (without
    // it, the events wait for the next audit record).
    if (!kitPatches.has('progress-events')) return;
    this.background('progress', async () => {
      const batch = this.takeProgress();
      if (batch) await kit.progress(batch);
    });
  }

  /** The progress not yet sent, handed to whichever activity goes out next. */
  private takeProgress(): ProgressBatch | undefined {
    if (!this.pendingProgress.length) return undefined;
    return {
      ...(this.source ? { source: this.source } : {}),
      runId: this.runId,
      events: this.pendingProgress.splice(0),
    };
  }

  private handledByWorkflow(err: unknown, handles: StepOptions['handles']): boolean {
    if (handles === 'all') return true;
    if (typeof handles === 'function') return handles({ code: failureCode(err), details: failureDetails(err) });
    return (handles ?? []).includes(failureCode(err));
  }

  /** The attention gate for a failed step: a person sees state, every earlier step with its
   *  output, the failing step's input and error, and chooses. Nobody in time: abandoned. */
  private async takeOver(
    record: StepRecord,
    err: unknown,
    options: StepOptions,
  ): Promise<
    | { kind: 'retry'; input?: unknown }
    | { kind: 'output'; output: unknown }
    | { kind: 'abandon'; by: string; reason: string }
  > {
    const resumeIn = this.status.state;
    let problem = `the ${record.agent} agent could not do step "${record.stepId}": ${causeOf(err)}`;
    for (;;) {
      const n = ++this.attentionCount;
      const payload: AttentionPayload = {
        state: resumeIn,
        step: {
          stepId: record.stepId,
          agent: record.agent,
          input: record.input,
          error: record.error ?? causeOf(err),
          errorCode: record.errorCode ?? 'UNKNOWN',
          details: failureDetails(err),
        },
        previousSteps: this.status.steps.filter((s) => s !== record && s.status !== 'running').map((s) => ({ ...s })),
        reason: problem,
      };
      const options_: GateOption[] = [
        'retry',
        'correct-input',
        ...(options.personMaySupplyOutput ? (['supply-output'] as const) : []),
        'abandon',
      ];
      const gate = new HumanGate<AttentionPayload>(
        {
          gateId: `${this.workflowId}/attention/${n}`,
          gateType: ATTENTION_GATE_TYPE,
          kind: 'attention',
          payload,
          options: options_,
          tiers: this.definition.attentionTiers ?? DEFAULT_ATTENTION_TIERS,
          safeDefault: 'abandon: undo what was done and tell the requester why',
          applyChanges: (p, changes, decision) => {
            const key = decision === 'correct-input' ? 'input' : 'output';
            const value = changes[key];
            if (typeof value !== 'object' || value === null || Array.isArray(value))
              throw new GateRefusedError(`${decision} needs changes.${key}: the step's ${key} as a JSON object`);
            return p;
          },
        },
        { onEvent: (event, view, decision) => this.onGateEvent(event, view, decision) },
      );
      this.show(gate as HumanGate<unknown>);
      batonMetrics.escalated(this.definition.type);
      this.enter(NEEDS_ATTENTION);
      const outcome = await gate.run();
      if (outcome.kind === 'timed-out')
        return { kind: 'abandon', by: 'timeout', reason: 'nobody took the failed step over in time' };
      const decision = outcome.decision;
      if (decision.decision === 'abandon')
        return { kind: 'abandon', by: decision.decidedBy, reason: decision.reason || 'abandoned' };
      if (decision.decision === 'supply-output') {
        const output = decision.changes?.output;
        const checked = await kit.checkOutput({ agent: record.agent, kind: record.kind, output });
        if (checked.ok) {
          if (options.teaches) {
            const made = failureDetails(err);
            const wrong = typeof made === 'object' && made !== null ? (made as Record<string, unknown>) : {};
            this.teach(
              decision,
              gate.view.gateId,
              ATTENTION_GATE_TYPE,
              { agent: record.agent, ...options.teaches },
              wrong,
              checked.output as Record<string, unknown>,
            );
          }
          this.status.steps.push({
            stepId: record.stepId,
            agent: record.agent,
            kind: record.kind,
            status: 'supplied',
            startedAt: gate.view.openedAt,
            finishedAt: new Date().toISOString(),
            input: record.input,
            output: checked.output,
          });
          this.progress({
            kind: 'step.finished',
            stepId: record.stepId,
            agent: record.agent,
            stepKind: record.kind,
            result: 'supplied',
          });
          this.enter(resumeIn);
          return { kind: 'output', output: checked.output };
        }
        problem = `the output ${decision.decidedBy} gave for step "${record.stepId}" breaks the ${record.agent} contract: ${checked.reason}`;
        continue;
      }
      this.enter(resumeIn);
      return decision.decision === 'correct-input'
        ? { kind: 'retry', input: decision.changes?.input }
        : { kind: 'retry' };
    }
  }

  private show(gate: HumanGate<unknown>): void {
    if (this.status.gate) (this.status.previousGates ??= []).push(this.status.gate);
    this.openGate = gate;
    this.status.gate = gate.view;
    this.status.decision = undefined;
  }

  private installHandlers(): void {
    setHandler(statusQuery, () => this.status);
    setHandler(
      decideUpdate,
      async (input) => {
        const gate = this.openGate!;
        // The validator required a role of this decision; a replayed one may predate that rule.
        const decision = gate.check(input, { requireRole: false });
        gate.accept(decision);
        this.status.decision = { ...decision, decidedAt: new Date().toISOString() };
        // Answer once the workflow acted on it: it left the waiting state, or opened another gate.
        await condition(
          () =>
            (this.status.state !== AWAITING_DECISION && this.status.state !== NEEDS_ATTENTION) ||
            this.status.gate !== gate.view,
        );
        return this.status;
      },
      {
        validator: (input) => {
          const gate = this.openGate;
          if (
            !gate ||
            !gate.isOpen ||
            (this.status.state !== AWAITING_DECISION && this.status.state !== NEEDS_ATTENTION)
          ) {
            throw new GateRefusedError(
              `no decision is awaited: the ${this.definition.type} is in state "${this.status.state}"`,
            );
          }
          gate.check(input);
        },
      },
    );
    setHandler(
      resolveUpdate,
      async (input) => {
        if (this.status.attention)
          this.status.attention.resolution = {
            resolvedBy: input.resolvedBy,
            ...(input.role !== undefined ? { role: input.role } : {}),
            note: input.note ?? '',
            resolvedAt: new Date().toISOString(),
          };
        // Answer once the workflow acted on it, as a decision does: its commands then always come
        // before the update's completion, in the first run and in a replay alike (answering at
        // once left the order to how jobs met in an activation: a replay could see it differ).
        await condition(() => this.status.state !== NEEDS_ATTENTION);
        return this.status;
      },
      {
        validator: (input) => {
          if (this.status.state !== NEEDS_ATTENTION || !this.status.attention || this.status.attention.resolution) {
            throw new GateRefusedError(
              `nothing needs attention: the ${this.definition.type} is in state "${this.status.state}"`,
            );
          }
          const problems: string[] = [];
          if (typeof input?.resolvedBy !== 'string' || input.resolvedBy.length < 1 || input.resolvedBy.length > 200)
            problems.push('resolvedBy: must be a string of 1-200 characters');
          // Like a decision: a person's resolution carries their role, and only a role that takes
          // failed steps over may close one (the handler itself does not check: a resolution
          // replayed from before this rule has none).
          const roles = (this.definition.attentionTiers ?? DEFAULT_ATTENTION_TIERS).map((t) => t.role);
          if (typeof input?.role !== 'string' || input.role.length < 1)
            problems.push(`role: required (one of ${roles.join(', ')})`);
          else if (!roles.includes(input.role))
            problems.push(`role: "${input.role}" may not resolve this (one of ${roles.join(', ')})`);
          if (input?.note !== undefined && (typeof input.note !== 'string' || input.note.length > 2000))
            problems.push('note: must be a string of at most 2000 characters');
          if (problems.length) throw new GateRefusedError(`invalid resolution: ${problems.join('; ')}`);
        },
      },
    );
  }

  /** Notices (ids and gate data only) and audit records for each gate event. */
  private onGateEvent(event: GateEvent, view: GateView, decision?: Decision): void {
    const role = view.tiers[view.tier]!.role;
    const notice: GateNotice = {
      workflowId: this.workflowId,
      workflowType: this.definition.type,
      gateId: view.gateId,
      gateType: view.gateType,
      tier: view.tier,
      role,
      digest: view.digest,
      ...(event === 'decided'
        ? { decision: decision?.decision ?? 'timeout', decidedBy: view.decidedBy ?? 'timeout' }
        : {}),
    };
    const suffix = event === 'escalated' ? `escalated/${view.tier}` : event;
    this.background('gate notice', () =>
      kit.publishNotice({
        id: `${view.gateId}/${suffix}`,
        type: gateNoticeTypes[event],
        subject: this.workflowId,
        data: notice,
      }),
    );
    const kind = event === 'opened' ? 'gate.opened' : event === 'escalated' ? 'gate.escalated' : 'gate.decided';
    const decidedBy = view.decidedBy === 'earned-trust' ? 'earned-trust' : decision ? 'person' : 'timeout';
    this.progress({
      kind,
      gateId: view.gateId,
      gateType: view.gateType,
      gateKind: view.kind,
      tier: view.tier,
      role,
      ...(event === 'decided' ? { decision: decision?.decision ?? 'timeout', decidedBy } : {}),
    } as const);
    const reason =
      event === 'opened'
        ? `gate opened for ${role}`
        : event === 'escalated'
          ? `no decision in time: escalated to ${role}`
          : decision
            ? decision.reason || decision.decision
            : 'no decision in time: safe default';
    this.audit({
      kind,
      actor: event === 'decided' ? (view.decidedBy ?? 'timeout') : 'orchestrator',
      subject: view.gateId,
      reason,
      detail: {
        gateType: view.gateType,
        tier: view.tier,
        role,
        digest: view.digest,
        ...(decision
          ? { decision: decision.decision, decidedByRole: decision.role, changes: decision.changes }
          : event === 'decided'
            ? { decision: 'timeout' }
            : {}),
      },
    });
  }

  /** Reports the workflow stuck when `state` lasts past its limit: search attribute, notice, metric. */
  private watchState(state: string, limitMs: number): void {
    const watch = new CancellationScope();
    this.watch = watch;
    watch
      .run(() => sleep(limitMs))
      .then(async () => {
        this.status.stuck = { state, limitMs, since: this.status.stateSince };
        upsertSearchAttributes([{ key: BatonStuck, value: true }]);
        batonMetrics.stuck(this.definition.type, state);
        const notice: WorkflowStuckNotice = {
          workflowId: this.workflowId,
          workflowType: this.definition.type,
          state,
          stateSince: this.status.stateSince,
          limitMs,
        };
        await kit.publishNotice({
          id: `${notice.workflowId}/stuck/${this.status.stateSince}`,
          type: 'workflow.stuck.v1',
          subject: notice.workflowId,
          data: notice,
        });
      })
      .catch((err: unknown) => {
        if (!isCancellation(err)) log.warn('stuck notice failed', { error: String(err) });
      });
  }

  /** Notices and audit records go out in order without holding up the workflow; `flush` waits. */
  private background(what: string, fn: () => Promise<void>): void {
    this.effects = this.effects.then(fn).catch((err: unknown) => log.warn(`${what} failed`, { error: String(err) }));
  }
}

/** The run a definition's workflow body gets: `type Run = RunOf<typeof definition>`. */
export type RunOf<D> = D extends WorkflowDefinition<infer S, infer T, infer St> ? WorkflowRun<S, T, St> : never;

/** Runs a registered workflow's body on the kit: handlers installed, effects flushed at the end.
 *  State, agents and status come from the definition's type: no type arguments. */
export async function runWorkflow<S extends string, T extends AgentTable, St extends WorkflowStatus<S>>(
  definition: WorkflowDefinition<S, T, St>,
  initial: NoInfer<Omit<St, keyof WorkflowStatus<S>> & { state: S }>,
  options: NoInfer<RunOptions<S>>,
  body: (run: WorkflowRun<S, T, St>) => Promise<NoInfer<St>>,
): Promise<St> {
  const status = {
    workflowType: definition.type,
    stateSince: new Date().toISOString(),
    steps: [],
    compensated: [],
    ...initial,
  } as unknown as St;
  const run = new WorkflowRun<S, T, St>(definition, status, options);
  try {
    return await body(run);
  } catch (err) {
    // A step a person abandoned (or nobody took over) that the workflow did not catch: the run
    // ends in Failed with the reason, instead of a workflow task that fails and retries forever.
    if (!(err instanceof StepAbandonedError)) throw err;
    status.failure = causeOf(err);
    if (!(definition.states as readonly string[]).includes('Failed'))
      throw ApplicationFailure.nonRetryable(causeOf(err), err.code);
    run.enter('Failed' as S);
    return status;
  } finally {
    await run.flush();
  }
}

/** `{ byReference: … }` and nothing else: what the result bridge completes a step with when the agent
 *  stored a large output (OutputByReference in @baton/contracts; no zod in the workflow sandbox). */
function isOutputByReference(output: unknown): boolean {
  return typeof output === 'object' && output !== null && Object.keys(output).length === 1 && 'byReference' in output;
}
