// The workflow test harness: a registered workflow runs on Temporal's test server with time
// skipping, in the test's own process. Its agents are the test's functions (agents.ts), its
// gates are decided by the test through the same `decide` and `resolve` updates the console
// sends, its status is read through the same `status` query, and time moves when the test says
// so (`advance`) or while it waits for a result. No NATS, no services, no codec: what those add
// is tested on the real stack (tests/e2e).
//
// The kit's own activities (audit, notices, trust, corrections, the check of a supplied output)
// are replaced by in-memory ones that keep what they were given, so a test can assert on the
// audit trail, the notices and the trust count; the output check runs the real contract.
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { WorkflowClient, WorkflowFailedError, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import {
  ProgressEvent,
  contractSchema,
  type AgentContract,
  type AgentTable,
  type AnyEventEnvelope,
} from '@baton/contracts';
import type { AuditRecordInput, GateActivities, ProgressBatch, TrustRecord } from '../activities/gates.js';
import type { HandoffActivities } from '../activities/handoff.js';
import {
  decideUpdate,
  resolveUpdate,
  DEFAULT_ATTENTION_TIERS,
  statusQuery,
  TemporalChangeVersion,
  SOURCE_MEMO_KEY,
  type CorrectionRecord,
  type DecisionInput,
  type GateOption,
  type WorkflowStatus,
} from '../definitions.js';
import { sourceModule } from '../bundling.js';
import { startedWithPatches } from '../workflows/patches.js';
import { workflowBundle } from '../bundle-cache.js';
import { GENERATED_DIR, isUpcastRoute, type WorkflowRegistration } from '../registry.js';
import { fakeCallAgent, FakeContractError, type AgentFake, type AgentFakes, type RecordedCall } from './agents.js';
import { harnessConfig, startTestServerProcess, type TestServerProcess } from './server.js';

/** A duration as Temporal writes it (`'25 hours'`, `'3 weeks'`) or milliseconds. */
export type Duration = string | number;

export interface HarnessOptions<A extends AgentTable> {
  /** The agents every run of this harness uses; a run may override them (`start(..., { agents })`). */
  agents?: AgentFakes<A>;
  /** Earned trust already counted per gate type (clean approvals in a row). Default: none. */
  trust?: Record<string, number>;
}

export interface StartOptions<A extends AgentTable> {
  /** This run's agents, over the harness's. */
  agents?: AgentFakes<A>;
  /** Default: the id the event's route gives, or a fresh one. */
  workflowId?: string;
  /** Another workflow function of the registration's module (a schedule's `workflowName`);
   *  default the registration's own. */
  workflowName?: string;
  /** Started as a Temporal Schedule starts it: the TemporalScheduledById and
   *  TemporalScheduledStartTime search attributes set, as the server sets them on each firing. */
  scheduled?: { scheduleId: string; at: Date };
  /** The patches the run is started with, in its TemporalChangeVersion search attribute
   *  (workflows/patches.ts). Default: the kit's settled ones, as the gateway starts a run; `[]`
   *  starts it as a starter from before settled patches did, so it records their markers. */
  startedWith?: string[];
  /** The event source the gateway would record as the starter (its memo); `start` takes the event's. */
  source?: string;
}

/** What a gate decision says; the gate, its digest and the option come from the open gate. */
export interface DecideOptions {
  role: string;
  by?: string;
  reason?: string;
  changes?: Record<string, unknown>;
  scope?: 'customer' | 'everyone';
}

/** What the kit's activities and sinks were given during one run. */
export interface RunRecords {
  calls: RecordedCall[];
  audit: AuditRecordInput[];
  /** Progress events, in the order they were sent, each once (whichever activity carried it). */
  progress: ProgressEvent[];
  notices: Array<{ id: string; type: string; subject: string; data: unknown }>;
  corrections: CorrectionRecord[];
  metrics: Array<{ name: 'ended' | 'escalated' | 'stuck'; workflowType: string; value?: string }>;
}

/** How long `waitFor` looks (real time) before it gives up: generous, since a workflow test on a
 *  machine whose cores are busy elsewhere is slow, not wrong. */
const WAIT_LIMIT_MS = 60_000;
const POLL_MS = 15;
/** The clock anchor's workflow id (one per harness, on its own task queue). */
const CLOCK_ANCHOR_ID = 'baton-test-clock-anchor';
/** The largest step `waitFor` moves the clock by while a silent agent's attempt is open. */
const SILENT_STEP_MAX_MS = 60_000;

export class WorkflowRunUnderTest<St extends WorkflowStatus> {
  constructor(
    private readonly harness: {
      throwIfBroken(workflowId: string): void;
      /** Moves the test server's clock by `ms` (timers due fire), then holds it again. */
      skip(ms: number): Promise<void>;
      /** A handle whose result() leaves the clock alone (the time-skipping client's unlocks it). */
      plainHandle(workflowId: string): WorkflowHandle;
    },
    readonly handle: WorkflowHandle,
    readonly records: RunRecords,
  ) {}

  get workflowId(): string {
    return this.handle.workflowId;
  }

  /** The status, through the `status` query the console reads. */
  async status(): Promise<St> {
    this.harness.throwIfBroken(this.workflowId);
    return (await this.handle.query(statusQuery)) as St;
  }

  /** Waits until the status is in `state`, or `until` holds for it; throws with the last status
   *  seen after 60 s (real time). It moves the workflow's clock only while a step whose last
   *  attempt a fake left unanswered (`noAnswer()`) waits to retry: that agent's budget is the one
   *  thing that can move the run on. Gates, timers and other waits need `advance` or `result()`. */
  async waitFor(state: string | ((status: St) => boolean)): Promise<St> {
    const holds = typeof state === 'string' ? (s: St) => s.state === state : state;
    const deadline = Date.now() + WAIT_LIMIT_MS;
    let last: St | undefined;
    let silentStepMs = 1_000;
    for (;;) {
      this.harness.throwIfBroken(this.workflowId);
      try {
        last = await this.status();
        if (holds(last)) return last;
      } catch (err) {
        if (err instanceof FakeContractError) throw err;
        // Not queryable yet (the first workflow task is still running): poll again.
      }
      const ended = await this.ended();
      if (ended) {
        last = ended.status ?? last;
        if (last && holds(last)) return last;
        throw new Error(
          `workflow ${this.workflowId} ended (${ended.how}) before ${typeof state === 'string' ? `state "${state}"` : 'the awaited status'}; last status: ${describe(last)}`,
        );
      }
      if (Date.now() > deadline)
        throw new Error(
          `workflow ${this.workflowId} did not reach ${typeof state === 'string' ? `state "${state}"` : 'the awaited status'} in ${WAIT_LIMIT_MS / 1000} s; last status: ${describe(last)}`,
        );
      if (await this.waitingOnSilentAgent()) {
        // Only a silent agent's timeout can move the run on: let that time pass.
        await this.harness.skip(silentStepMs);
        silentStepMs = Math.min(silentStepMs * 2, SILENT_STEP_MAX_MS);
      } else {
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    }
  }

  /** Whether the run has an activity waiting to retry whose last attempt a fake left unanswered
   *  (`noAnswer()`): time must pass for its budget to run out. */
  private async waitingOnSilentAgent(): Promise<boolean> {
    const silent = new Map<string, boolean>();
    for (const call of this.records.calls) silent.set(call.activityId, 'noAnswer' in call.outcome);
    if (![...silent.values()].some(Boolean)) return false;
    const d = await this.handle.describe().catch(() => undefined);
    return (d?.raw.pendingActivities ?? []).some((p) => p.activityId && silent.get(p.activityId) === true);
  }

  /** Decides the open gate as a person of `role` would in the console: the gate's id and digest
   *  from the status, the option named here. Resolves with the status once the workflow acted. */
  async decide(decision: GateOption, options: DecideOptions): Promise<St> {
    const status = await this.status();
    const gate = status.gate;
    if (!gate || gate.status !== 'open')
      throw new Error(`workflow ${this.workflowId} has no open gate to decide (state "${status.state}")`);
    const input: DecisionInput = {
      gateId: gate.gateId,
      digest: gate.digest,
      decision,
      decidedBy: options.by ?? `a ${options.role}`,
      role: options.role,
      ...(options.reason !== undefined ? { reason: options.reason } : {}),
      ...(options.changes ? { changes: options.changes } : {}),
      ...(options.scope ? { scope: options.scope } : {}),
    };
    return (await this.handle.executeUpdate(decideUpdate, { args: [input] })) as St;
  }

  /** Says that what the workflow escalated to a person is dealt with, as a person of `role`
   *  (default: the first of the default attention tiers', `manager`); `role: null` sends none. */
  async resolve(by: string, note?: string, options: { role?: string | null } = {}): Promise<St> {
    const role = options.role === undefined ? DEFAULT_ATTENTION_TIERS[0]!.role : options.role;
    return (await this.handle.executeUpdate(resolveUpdate, {
      args: [{ resolvedBy: by, ...(role !== null ? { role } : {}), ...(note !== undefined ? { note } : {}) }],
    })) as St;
  }

  /** Delivers a signal, as an event routed to a running workflow does. */
  async signal(name: string, ...args: unknown[]): Promise<void> {
    await this.handle.signal(name, ...args);
  }

  /**
   * The workflow's result, letting time skip until it ends (gates time out, timers fire): the
   * time-skipping client frees the test server's clock while it waits, and holds it again after.
   * The harness's clock anchor keeps the clock from leaping years ahead once the run ends.
   */
  async result(): Promise<St> {
    try {
      const status = (await this.handle.result()) as St;
      this.harness.throwIfBroken(this.workflowId);
      return status;
    } catch (err) {
      this.harness.throwIfBroken(this.workflowId);
      throw err;
    }
  }

  /** The tasks sent to `agent` (every agent when omitted), in order. */
  calls(agent?: string, kind?: 'run' | 'compensate'): RecordedCall[] {
    return this.records.calls.filter(
      (c) => (agent === undefined || c.agent === agent) && (kind === undefined || c.kind === kind),
    );
  }

  private async ended(): Promise<{ how: string; status?: St } | undefined> {
    const d = await this.handle.describe().catch((err: unknown) => {
      // A child (see `child`) the test waits on before its parent started it.
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    });
    if (!d || d.status.name === 'RUNNING') return undefined;
    if (d.status.name === 'COMPLETED')
      return { how: 'completed', status: (await this.harness.plainHandle(this.workflowId).result()) as St };
    let how = d.status.name.toLowerCase();
    await this.harness
      .plainHandle(this.workflowId)
      .result()
      .catch((err: unknown) => {
        if (err instanceof WorkflowFailedError) how = `${how}: ${err.cause?.message ?? err.message}`;
      });
    return { how };
  }
}

function describe(status: WorkflowStatus | undefined): string {
  if (!status) return 'none (never answered the status query)';
  const steps = status.steps.map((s) => `${s.stepId}:${s.status}`).join(', ');
  return `state "${status.state}"${status.gate ? `, gate ${status.gate.gateType} ${status.gate.status}` : ''}, steps [${steps}]`;
}

export class WorkflowHarness<St extends WorkflowStatus, A extends AgentTable> {
  private readonly runs = new Map<string, { fakes: AgentFakes<A>; records: RunRecords; broken?: FakeContractError }>();
  private readonly trust = new Map<string, TrustRecord>();
  private readonly running: Promise<void>;
  private readonly taskQueue: string;
  private plain: WorkflowClient | undefined;

  private constructor(
    readonly registration: WorkflowRegistration<St, A>,
    readonly env: TestWorkflowEnvironment,
    private readonly worker: Worker,
    private readonly options: HarnessOptions<A>,
    taskQueue: string,
    private readonly server: TestServerProcess,
  ) {
    this.taskQueue = taskQueue;
    for (const [gateType, count] of Object.entries(options.trust ?? {}))
      this.trust.set(gateType, { gateType, count, autoApprove: false });
    this.running = worker.run();
  }

  /** Starts the test server and a worker for `registration`'s workflow. Close it after. */
  static async create<St extends WorkflowStatus, A extends AgentTable>(
    registration: WorkflowRegistration<St, A>,
    options: HarnessOptions<A> = {},
  ): Promise<WorkflowHarness<St, A>> {
    quietRuntime();
    const [started, bundled] = await Promise.allSettled([startTestServer(), bundleOf(registration.workflowModule)]);
    if (started.status === 'rejected' || bundled.status === 'rejected') {
      if (started.status === 'fulfilled') await started.value.server.stop();
      throw started.status === 'rejected' ? started.reason : (bundled as PromiseRejectedResult).reason;
    }
    const { env, server } = started.value;
    const bundle = bundled.value;
    await registerSearchAttributes(env);
    const taskQueue = `test-${registration.definition.type}-${randomUUID().slice(0, 8)}`;
    let harness: WorkflowHarness<St, A> | undefined;
    const contracts = new Map<string, AgentContract>(Object.entries(registration.agents));
    const backend = {
      contracts,
      fakesFor: (workflowId: string) =>
        ({ ...options.agents, ...harness!.runOf(workflowId).fakes }) as Record<string, AgentFake | undefined>,
      record: (call: RecordedCall) => harness!.runOf(call.workflowId).records.calls.push(call),
      broken: (workflowId: string, error: FakeContractError) => {
        harness!.runOf(workflowId).broken ??= error;
      },
    };
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      // One poll of each kind is enough for a test's few runs at a time.
      maxConcurrentActivityTaskPolls: 1,
      maxConcurrentWorkflowTaskPolls: 1,
      activities: { ...handoff(backend, () => harness!), ...gates(contracts, () => harness!) },
      sinks: {
        batonMetrics: {
          ended: {
            fn: (info, workflowType: string, outcome: string) =>
              void harness
                ?.runOf(info.workflowId)
                .records.metrics.push({ name: 'ended', workflowType, value: outcome }),
          },
          escalated: {
            fn: (info, workflowType: string) =>
              void harness?.runOf(info.workflowId).records.metrics.push({ name: 'escalated', workflowType }),
          },
          stuck: {
            fn: (info, workflowType: string, state: string) =>
              void harness?.runOf(info.workflowId).records.metrics.push({ name: 'stuck', workflowType, value: state }),
          },
        },
      },
    });
    harness = new WorkflowHarness(registration, env, worker, options, taskQueue, server);
    // The clock anchor (clock-anchor.ts): started before any run, so a run's end is never the last timer.
    await env.client.workflow.start('batonTestClockAnchor', { taskQueue, workflowId: CLOCK_ANCHOR_ID });
    return harness;
  }

  /** Starts a run from an event, the way the gateway would: an older version upcast along its
   *  registered chain, then the route's own `start` gives the workflow id and input. */
  async start(event: AnyEventEnvelope, options: StartOptions<A> = {}): Promise<WorkflowRunUnderTest<St>> {
    let type = event.type;
    let current: unknown = event;
    for (let route = this.registration.events[type]; route; route = this.registration.events[type]) {
      const parsed = route.schema.parse(current);
      if (!isUpcastRoute(route)) {
        const { workflowId, input } = route.start(parsed);
        return this.startWith(input, {
          ...options,
          workflowId: options.workflowId ?? workflowId,
          source: options.source ?? event.source,
        });
      }
      current = route.upcast(parsed);
      type = route.upcastTo;
    }
    throw new Error(`${this.registration.definition.type} registers no event type ${event.type} that starts it`);
  }

  /** Starts a run with this input (a schedule's arguments, or an input no event gives). */
  async startWith(input: unknown, options: StartOptions<A> = {}): Promise<WorkflowRunUnderTest<St>> {
    const workflowId = options.workflowId ?? `${this.registration.definition.type}-${randomUUID()}`;
    const run = this.runOf(workflowId);
    run.fakes = options.agents ?? {};
    const scheduled = options.scheduled
      ? [
          { key: ScheduledById, value: options.scheduled.scheduleId },
          { key: ScheduledStartTime, value: options.scheduled.at },
        ]
      : [];
    // As the gateway and schedules start a run: with the kit's settled patches (no marker for them).
    const typedSearchAttributes = [
      ...scheduled,
      { key: TemporalChangeVersion, value: options.startedWith ?? startedWithPatches() },
    ];
    const memo = options.source ? { memo: { [SOURCE_MEMO_KEY]: options.source } } : {};
    const name = options.workflowName ?? this.registration.workflowName;
    const handle = await this.env.client.workflow.start(name, {
      taskQueue: this.taskQueue,
      workflowId,
      args: [input],
      typedSearchAttributes,
      ...memo,
    });
    return new WorkflowRunUnderTest<St>(this, handle, run.records);
  }

  /** A workflow that a run starts itself (a child, such as the day's digest of a schedule's
   *  firing): the agents it is answered by, and the run to wait on and assert on. Call it before
   *  the child starts, so its first step finds its fakes. */
  child<C extends WorkflowStatus = St>(
    workflowId: string,
    options: { agents?: AgentFakes<A> } = {},
  ): WorkflowRunUnderTest<C> {
    const run = this.runOf(workflowId);
    run.fakes = options.agents ?? {};
    return new WorkflowRunUnderTest<C>(this, this.env.client.workflow.getHandle(workflowId), run.records);
  }

  /** Moves the workflow clock forward ("25 hours later"): timers and timeouts due fire. */
  async advance(duration: Duration): Promise<void> {
    await this.env.sleep(duration as Parameters<TestWorkflowEnvironment['sleep']>[0]);
  }

  /** Moves the test server's clock by `ms` (waitFor's silent agents). */
  async skip(ms: number): Promise<void> {
    await this.env.sleep(ms);
  }

  /** A handle whose result() does not unlock the test server's clock. */
  plainHandle(workflowId: string): WorkflowHandle {
    this.plain ??= new WorkflowClient({ connection: this.env.connection, namespace: this.env.namespace ?? 'default' });
    return this.plain.getHandle(workflowId);
  }

  /** The test server's clock. */
  async now(): Promise<Date> {
    return new Date(await this.env.currentTimeMs());
  }

  /** Clean approvals counted for a gate type so far. */
  trustOf(gateType: string): number {
    return this.trust.get(gateType)?.count ?? 0;
  }

  async close(): Promise<void> {
    await this.plainHandle(CLOCK_ANCHOR_ID)
      .terminate('the harness closes')
      .catch(() => undefined);
    this.worker.shutdown();
    await this.running.catch(() => undefined);
    await this.env.teardown();
    await this.server.stop();
  }

  /** @internal */
  runOf(workflowId: string): { fakes: AgentFakes<A>; records: RunRecords; broken?: FakeContractError } {
    let run = this.runs.get(workflowId);
    if (!run) {
      run = { fakes: {}, records: { calls: [], audit: [], progress: [], notices: [], corrections: [], metrics: [] } };
      this.runs.set(workflowId, run);
    }
    return run;
  }

  /** @internal */
  throwIfBroken(workflowId: string): void {
    const broken = this.runs.get(workflowId)?.broken;
    if (broken) throw broken;
  }

  /** @internal */
  trustRecordOf(gateType: string): TrustRecord {
    return this.trust.get(gateType) ?? { gateType, count: 0, autoApprove: false };
  }

  /** @internal */
  setTrust(record: TrustRecord): void {
    this.trust.set(record.gateType, record);
  }
}

/** Starts a harness for one registered workflow (see WorkflowHarness). */
export function testWorkflow<St extends WorkflowStatus, A extends AgentTable>(
  registration: WorkflowRegistration<St, A>,
  options: HarnessOptions<A> = {},
): Promise<WorkflowHarness<St, A>> {
  return WorkflowHarness.create<St, A>(registration, options);
}

/** What the kit's activities need of a harness, whatever its types. */
interface RunBook {
  runOf(workflowId: string): { records: RunRecords };
  trustRecordOf(gateType: string): TrustRecord;
  setTrust(record: TrustRecord): void;
}

function handoff(backend: Parameters<typeof fakeCallAgent>[0], harness: () => RunBook): HandoffActivities {
  return {
    callAgent: fakeCallAgent(backend),
    async publishNotice(notice) {
      const records = harness().runOf(notice.subject).records;
      if (!records.notices.some((n) => n.id === notice.id)) records.notices.push(notice);
    },
  };
}

function gates(contracts: ReadonlyMap<string, AgentContract>, harness: () => RunBook): GateActivities {
  const progress = async (batch: ProgressBatch) => {
    for (const input of batch.events) {
      const event = ProgressEvent.parse(input); // what the real activity checks before it publishes
      const records = harness().runOf(event.workflowId).records;
      if (!records.progress.some((e) => e.seq === event.seq)) records.progress.push(event);
    }
  };
  return {
    async audit(record, batch) {
      if (batch) await progress(batch);
      const records = harness().runOf(record.workflowId!).records;
      if (!records.audit.some((r) => r.id === record.id)) records.audit.push(record);
    },
    progress,
    async trustStatus(gateType, threshold) {
      return { ...harness().trustRecordOf(gateType), threshold: threshold ?? DEFAULT_THRESHOLD };
    },
    async trustRecord({ gateType, autoApprove, gateId, clean, threshold }) {
      const h = harness();
      const was = h.trustRecordOf(gateType);
      const limit = threshold ?? DEFAULT_THRESHOLD;
      if (was.lastGateId === gateId) return { ...was, threshold: limit };
      const count = clean ? was.count + 1 : 0;
      const next: TrustRecord = {
        gateType,
        count,
        autoApprove: autoApprove && count >= limit,
        lastGateId: gateId,
        threshold: limit,
      };
      h.setTrust(next);
      return { ...next, threshold: limit };
    },
    async checkOutput({ agent, kind, output }) {
      const contract = contracts.get(agent);
      const schema = contract && contractSchema(contract, kind, 'output');
      if (!schema) return { ok: false, reason: `no registered workflow declares a ${kind} output for agent ${agent}` };
      const checked = schema.safeParse(output);
      return checked.success
        ? { ok: true, output: checked.data }
        : {
            ok: false,
            reason: checked.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
          };
    },
    async recordCorrection(correction) {
      harness().runOf(correction.workflowId).records.corrections.push(correction);
    },
  };
}

/** The orchestrator's default (BATON_TRUST_THRESHOLD): 100 clean approvals. */
const DEFAULT_THRESHOLD = 100;

async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  // Temporal's IndexedValueType: KEYWORD 2, BOOL 5, DATETIME 6.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    // The last two are the server's own on a real cluster (set on each firing of a schedule); the
    // test server knows them only when they are added.
    searchAttributes: {
      BatonState: 2,
      BatonWorkflowType: 2,
      BatonStateSince: 6,
      BatonStuck: 5,
      BatonCustomer: 2,
      TemporalScheduledById: 2,
      TemporalScheduledStartTime: 6,
    },
  });
}

const ScheduledById = defineSearchAttributeKey('TemporalScheduledById', SearchAttributeType.KEYWORD);
const ScheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

const bundles = new Map<string, Promise<WorkflowBundle>>();
/** One bundle per workflow module per process, kept on disk for the next test file that needs the
 *  same one (bundle-cache.ts: rebuilt when any file it was built from changes; webpack takes a few
 *  seconds of CPU, and five test files run the reservation): the module and the clock anchor,
 *  through an entry in the git-ignored build folder, `.baton/build/` (GENERATED_DIR). */
function bundleOf(workflowModule: string): Promise<WorkflowBundle> {
  let bundle = bundles.get(workflowModule);
  if (!bundle) {
    const source = `// Generated by the workflow test harness.\nexport * from ${JSON.stringify(workflowModule)};\nexport * from ${JSON.stringify(sourceModule(import.meta.url, './clock-anchor.ts'))};\n`;
    mkdirSync(GENERATED_DIR, { recursive: true });
    const entry = join(
      GENERATED_DIR,
      `test-entry-${createHash('sha256').update(source).digest('hex').slice(0, 16)}.ts`,
    );
    writeFileSync(entry, source);
    bundle = workflowBundle({
      workflowsPath: entry,
      workflowInterceptorModules: [sourceModule(import.meta.url, './no-cancel-timers.ts')],
      logger: new DefaultLogger('WARN'),
      cacheDir: join(GENERATED_DIR, 'test-bundles'),
    }).then((built) => built.bundle);
    bundles.set(workflowModule, bundle);
  }
  return bundle;
}

/** The time-skipping environment on a test server this harness started (server.ts says why not
 *  the SDK's launcher). The SDK's own factory for that, `create`, is private: it is reached here
 *  through a cast, safe because the SDK is pinned at one exact version
 *  (packages/telemetry/test/sdk-pin.unit.test.ts). */
async function startTestServer(): Promise<{ env: TestWorkflowEnvironment; server: TestServerProcess }> {
  const server = await startTestServerProcess();
  const factory = TestWorkflowEnvironment as unknown as {
    create(options: {
      server: { type: 'existing' };
      address: string;
      namespace: string;
      supportsTimeSkipping: boolean;
    }): Promise<TestWorkflowEnvironment>;
  };
  try {
    return {
      env: await factory.create({
        server: { type: 'existing' },
        address: server.address,
        namespace: 'default',
        supportsTimeSkipping: true,
      }),
      server,
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

let runtimeInstalled = false;
/** Workflow tests print their own failures; the SDK's info lines and expected warnings (a step
 *  that fails on purpose) would bury them. BATON_TEST_LOG=debug brings them back. */
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const level = ({ debug: 'DEBUG', warn: 'WARN', error: 'ERROR' } as const)[harnessConfig().BATON_TEST_LOG];
  try {
    Runtime.install({
      logger: new DefaultLogger(level),
      telemetryOptions: { logging: { filter: { core: level, other: level }, forward: {} } },
    });
  } catch {
    // Another harness of this process installed it first.
  }
}
