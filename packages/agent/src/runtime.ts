// The agent runtime: pull tasks from the agent's durable consumer, run the handler under the
// attempt's deadline with an idempotency ledger, publish the result and only then ack the task.
import { SpanKind, trace, type Tracer } from '@opentelemetry/api';
import {
  answersVersion,
  contractSchema,
  contractVersionOf,
  consumers,
  streams,
  subjects,
  AgentTask,
  type AgentContract,
  type AgentErrorInfo,
  type AgentResult,
  type ArtifactRef,
} from '@baton/contracts';
import {
  deadLetter,
  describeIssues,
  openLedger,
  publishJson,
  startConsumer,
  type Bus,
  type Delivery,
  type RunningConsumer,
} from '@baton/bus';
import { batonMetrics, inSpan, messagingAttributes, type Logger } from '@baton/telemetry';
import type { AgentContext, AgentDefinition, EffectCallOptions } from './define.js';
import { BreakerRegistry, type BreakerOptions } from './breaker.js';
import { AgentError } from './errors.js';
import { callExternal } from './http.js';
import { EffectLedger } from './ledger.js';
import { ArtifactStore } from './artifacts.js';
import { ModelChain } from './models/chain.js';
import { ModelBudget, type BudgetLimits } from './models/budget.js';
import { ToolGateway } from './tools/gateway.js';
import type { ToolConfig } from './tools/config.js';

/** How far two machines' clocks may disagree (NTP keeps them well within this). */
const CLOCK_SKEW_TOLERANCE_MS = 2_000;

export interface AgentRuntimeOptions {
  bus: Bus;
  logger: Logger;
  tracer?: Tracer;
  ackWaitMs: number;
  concurrency: number;
  breaker?: BreakerOptions;
  /** The model chain handlers reach as ctx.model; default: rules only. */
  models?: ModelChain;
  /** MCP servers and allow-list behind ctx.tools; default: no tools. */
  tools?: ToolConfig;
  /** The agent's model budget per period; default: none. */
  modelBudget?: BudgetLimits;
}

export async function runAgent<C extends AgentContract>(
  definition: AgentDefinition<C>,
  options: AgentRuntimeOptions,
): Promise<RunningConsumer> {
  const ledger = new EffectLedger(await openLedger(options.bus));
  const breakers = new BreakerRegistry(definition.name, options.logger, options.breaker);
  const tracer = options.tracer ?? trace.getTracer(`agent-${definition.name}`);
  const models = options.models ?? new ModelChain([]);
  const gateway = new ToolGateway({
    agent: definition.name,
    bus: options.bus,
    servers: {},
    allow: [],
    ...options.tools,
  });
  const artifacts = await ArtifactStore.open(options.bus);
  const budget = await ModelBudget.open(options.bus, definition.name, options.modelBudget);
  return startConsumer(options.bus, {
    stream: streams.tasks,
    durable: consumers.agent(definition.name),
    filterSubject: subjects.task(definition.name),
    schema: AgentTask,
    rejectedBy: definition.name,
    ackWaitMs: options.ackWaitMs,
    concurrency: options.concurrency,
    logger: options.logger,
    // The orchestrator watches every task consumer's max deliveries: this agent may not read
    // (or remove) a task by its sequence, as that watcher must.
    watchMaxDeliveries: false,
    handle: (delivery) =>
      handleTask(definition, delivery, { ...options, ledger, tracer, breakers, models, gateway, artifacts, budget }),
  });
}

async function handleTask<C extends AgentContract>(
  definition: AgentDefinition<C>,
  { data: task, msg, traceContext }: Delivery<AgentTask>,
  deps: AgentRuntimeOptions & {
    ledger: EffectLedger;
    tracer: Tracer;
    breakers: BreakerRegistry;
    models: ModelChain;
    gateway: ToolGateway;
    artifacts: ArtifactStore;
    budget: ModelBudget;
  },
): Promise<void> {
  const logger = deps.logger.child({
    workflowId: task.workflowId,
    stepId: task.stepId,
    attempt: task.attempt,
    kind: task.kind,
  });
  const attributes = {
    ...messagingAttributes('process', msg.subject, task.taskId),
    'baton.agent': definition.name,
    'baton.workflow.id': task.workflowId,
    'baton.step': task.stepId,
    'baton.attempt': task.attempt,
    'baton.task.kind': task.kind,
  };
  await inSpan(
    deps.tracer,
    `process ${msg.subject}`,
    { kind: SpanKind.CONSUMER, attributes },
    async (span) => {
      // The deadline was set by the orchestrator's clock and is read by this machine's: a task is
      // skipped only when it is past by more than the clocks may disagree.
      const remainingMs = Date.parse(task.deadline) - Date.now();
      if (remainingMs <= -CLOCK_SKEW_TOLERANCE_MS) {
        // Temporal has already timed this attempt out and scheduled the next one; running it now
        // would only race the retry. The ledger would keep the effect single, but skip the work.
        logger.warn({ deadline: task.deadline }, 'task arrived after its deadline; skipped');
        span.setAttribute('baton.skipped', 'deadline passed');
        return;
      }
      if (task.agent !== definition.name) {
        // Answered on this agent's own subject (the only one it may publish results on): the
        // bridge refuses it there, as the task was not sealed to this agent.
        await publishResult(
          deps.bus,
          { ...task, agent: definition.name },
          { code: 'WRONG_AGENT', message: `task for ${task.agent} reached ${definition.name}`, retryable: false },
        );
        return;
      }
      // The workflow expects a version of the contract this agent may no longer (or not yet) speak.
      const expected = task.contractVersion ?? 1;
      if (!answersVersion(definition.contract, expected)) {
        const speaks = [contractVersionOf(definition.contract), ...(definition.contract.alsoAnswers ?? [])].join(', ');
        const message = `${definition.name} answers contract version ${speaks}; the task expects version ${expected}: deploy an agent ${definition.name} that answers version ${expected}, or workflow code that expects version ${contractVersionOf(definition.contract)}`;
        logger.warn({ expected, speaks }, 'task expects a contract version this agent does not answer');
        await publishResult(deps.bus, task, { code: 'CONTRACT_VERSION_UNSUPPORTED', message, retryable: false });
        return;
      }
      const startedAt = performance.now();
      const outcome = await execute(definition, task, Math.max(1_000, remainingMs), span, logger, deps);
      await publishResult(deps.bus, task, outcome);
      const labels = { 'baton.agent': definition.name, 'baton.task.kind': task.kind };
      const m = batonMetrics();
      m.taskDuration.record((performance.now() - startedAt) / 1000, {
        ...labels,
        'baton.outcome': 'output' in outcome ? 'ok' : 'error',
      });
      if (!('output' in outcome)) m.taskErrors.add(1, { ...labels, 'baton.error.code': outcome.code });
      if (task.attempt > 1) m.taskRetries.add(1, labels);
      if (msg.info.deliveryCount > 1) m.taskRedeliveries.add(1, labels);
      logger.info('output' in outcome ? { status: 'ok' } : { status: 'error', code: outcome.code }, 'task handled');
    },
    traceContext,
  );
}

/** `outputRef`: the output went to the object store (the task asked for large ones by reference). */
type Outcome = { output: unknown; outputRef?: ArtifactRef } | AgentErrorInfo;

async function execute<C extends AgentContract>(
  definition: AgentDefinition<C>,
  task: AgentTask,
  remainingMs: number,
  span: AgentContext['span'],
  logger: Logger,
  deps: {
    bus: Bus;
    ledger: EffectLedger;
    breakers: BreakerRegistry;
    models: ModelChain;
    gateway: ToolGateway;
    artifacts: ArtifactStore;
    budget: ModelBudget;
  },
): Promise<Outcome> {
  const inputSchema = contractSchema(definition.contract, task.kind, 'input');
  const runner = task.kind === 'run' ? definition.handle : definition.compensate;
  if (!inputSchema || !runner) {
    return { code: 'NOT_SUPPORTED', message: `${definition.name} has no ${task.kind} handler`, retryable: false };
  }
  const input = inputSchema.safeParse(task.input);
  if (!input.success) {
    const reason = `invalid ${task.kind} input: ${describeIssues(input.error.issues)}`;
    await deadLetter(
      deps.bus.js,
      { reason, rejectedBy: definition.name, subject: subjects.task(definition.name), payload: JSON.stringify(task) },
      `dlq:input:${task.taskId}`,
    );
    return { code: 'INVALID_INPUT', message: reason, retryable: false };
  }
  const idempotencyKey = `${task.workflowId}/${task.stepId}`;
  const signal = AbortSignal.timeout(remainingMs);
  const ctx: AgentContext = {
    workflowId: task.workflowId,
    stepId: task.stepId,
    attempt: task.attempt,
    idempotencyKey,
    signal,
    logger,
    span,
    effect: async <T>(name: string, fn: (key: string) => Promise<T>, effectOptions: EffectCallOptions<T> = {}) => {
      const { schema, ...rest } = effectOptions;
      const validate = schema
        ? (r: T): T => {
            const checked = schema.safeParse(r);
            if (!checked.success)
              throw new AgentError(
                'INVALID_OUTPUT',
                `effect ${name} returned what breaks its schema: ${describeIssues(checked.error.issues)}`,
                true,
              );
            return checked.data;
          }
        : undefined;
      const { result, replayed, reconciled } = await deps.ledger.once<T>(
        definition.name,
        `${idempotencyKey}/${name}`,
        fn,
        {
          ...rest,
          ...(validate ? { validate } : {}),
          holder: `task ${task.taskId} attempt ${task.attempt}`,
          signal,
        },
      );
      span.addEvent(
        reconciled
          ? 'effect reconciled with the external system'
          : replayed
            ? 'effect replayed from ledger'
            : 'effect performed',
        { 'baton.effect': name },
      );
      if (replayed) logger.info({ effect: name, reconciled: reconciled === true }, 'effect not repeated');
      return result;
    },
    callExternal: async (call) => {
      try {
        return await deps.breakers.run(call.system, () => callExternal({ ...call, signal }));
      } finally {
        span.setAttribute(`baton.breaker.${call.system}`, deps.breakers.state(call.system));
      }
    },
    model: deps.models.bind({
      logger,
      signal,
      breaker: (system, fn) => deps.breakers.run(system, fn),
      budget: deps.budget,
    }),
    tools: deps.gateway.bind({
      workflowId: task.workflowId,
      stepId: task.stepId,
      logger,
      signal,
      breaker: (system, fn) => deps.breakers.run(system, fn),
    }),
    artifacts: deps.artifacts.bind(idempotencyKey),
  };
  try {
    const output = await (runner as (input: unknown, ctx: AgentContext) => Promise<unknown>)(input.data, ctx);
    const outputSchema = contractSchema(definition.contract, task.kind, 'output');
    const checked = outputSchema?.safeParse(output);
    if (!checked?.success) {
      return {
        code: 'INVALID_OUTPUT',
        message: `handler output breaks the contract: ${checked ? describeIssues(checked.error.issues) : 'no schema'}`,
        retryable: true,
      };
    }
    const limit = task.byReference?.limit;
    if (limit !== undefined) {
      const json = JSON.stringify(checked.data ?? null);
      if (json.length > limit) {
        // Keyed by the step and the content: a retry with the same output finds it stored.
        const outputRef = await ctx.artifacts.put({
          name: 'output.json',
          data: json,
          summary: outputSummary(json),
          contentType: 'application/json',
        });
        return { output: null, outputRef };
      }
    }
    return { output: checked.data };
  } catch (err) {
    if (err instanceof AgentError)
      return {
        code: err.code,
        message: err.message,
        retryable: err.retryable,
        ...(err.details !== undefined ? { details: err.details } : {}),
      };
    if (ctx.signal.aborted)
      return { code: 'DEADLINE_EXCEEDED', message: 'the attempt ran past its deadline', retryable: true };
    logger.error({ err }, 'handler threw');
    return { code: 'HANDLER_ERROR', message: (err as Error).message ?? String(err), retryable: true };
  }
}

async function publishResult(bus: Bus, task: AgentTask, outcome: Outcome): Promise<void> {
  const base = {
    taskId: task.taskId,
    agent: task.agent,
    kind: task.kind,
    workflowId: task.workflowId,
    stepId: task.stepId,
    attempt: task.attempt,
    taskToken: task.taskToken,
    finishedAt: new Date().toISOString(),
    contractVersion: task.contractVersion ?? 1,
    ...(task.seal ? { seal: task.seal } : {}),
  };
  const result: AgentResult =
    'output' in outcome
      ? {
          ...base,
          status: 'ok',
          output: outcome.output,
          ...(outcome.outputRef ? { outputRef: outcome.outputRef } : {}),
        }
      : { ...base, status: 'error', error: outcome };
  // Acked by the consumer only after this resolves: the result is stored before the task is gone.
  await publishJson(bus.js, subjects.result(task.agent), result, { msgID: `result:${task.taskId}` });
}

/** The short summary a model sees of an output kept by reference: its start, and its size. */
export function outputSummary(json: string, max = 500): string {
  if (json.length <= max) return json;
  const tail = ` ... (${json.length} characters in all)`;
  return json.slice(0, max - tail.length) + tail;
}
