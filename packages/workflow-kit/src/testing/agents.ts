// The agents of a workflow under test, answered in-process by the test's own functions. Every
// answer crosses the agent's contract both ways, as on the real stack: the input a workflow sends
// is parsed by the agent's input schema (a bad one fails the step with INVALID_INPUT, as the
// agent runtime would), and what a fake returns is parsed by the output schema. A fake whose
// answer breaks the contract is a broken test, not a workflow path: the harness records it and
// the run's `result()` and `waitFor()` throw it, so a fake cannot drift from the real agent.
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { contractSchema, type AgentContract, type AgentTable, type TaskKind } from '@baton/contracts';
import type { z } from 'zod';
import type { CallAgentRequest } from '../activities/handoff.js';

/** What a fake learns about the task it answers. */
export interface AgentCall {
  workflowId: string;
  /** The activity's id (`run/<agent>/<step>`): the same for every attempt of one step. */
  activityId: string;
  agent: string;
  kind: TaskKind;
  stepId: string;
  /** 1 for the first attempt; a retried step calls the fake again. */
  attempt: number;
  /** The input as the agent parsed it. */
  input: unknown;
}

/** The marker a fake returns for "the agent never answers" (see `noAnswer`). */
export const NO_ANSWER: unique symbol = Symbol('baton.testing.no-answer');

/** What a fake may do: answer, throw (an AgentError from @baton/agent, or any error with a
 *  string `code` and a boolean `retryable`), or return `noAnswer()`: the attempt then fails with
 *  TIMEOUT and is retried after its start-to-close budget, in skipped time, as a silent agent's
 *  is (what the fake did to its world before stays done: a late commit). */
export type FakeAnswer<O> = O | typeof NO_ANSWER;
type MaybePromise<T> = T | Promise<T>;

export type RunFake<C extends AgentContract> = (
  input: z.output<C['input']>,
  call: AgentCall,
) => MaybePromise<FakeAnswer<z.input<C['output']>>>;
type Comp<C extends AgentContract> = NonNullable<C['compensation']>;
export type CompensateFake<C extends AgentContract> = (
  input: z.output<Comp<C>['input']>,
  call: AgentCall,
) => MaybePromise<FakeAnswer<z.input<Comp<C>['output']>>>;

/** A fake agent: its `run` (or the function itself) and, where the contract has one, its
 *  `compensate`. */
export type AgentFake<C extends AgentContract = AgentContract> =
  | RunFake<C>
  | { run?: RunFake<C>; compensate?: CompensateFake<C> };
export type AgentFakes<A extends AgentTable> = { [K in keyof A]?: AgentFake<A[K]> };

/** The answer for an agent that never answers. */
export function noAnswer(): typeof NO_ANSWER {
  return NO_ANSWER;
}

/** One task a fake answered (or did not), in the order the workflow sent them. */
export interface RecordedCall extends AgentCall {
  outcome:
    | { ok: true; output: unknown }
    | { ok: false; code: string; message: string; retryable: boolean }
    | { noAnswer: true };
}

export class FakeContractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FakeContractError';
  }
}

const issuesOf = (error: z.ZodError): string =>
  error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');

function pick(fake: AgentFake | undefined, kind: TaskKind): ((input: unknown, call: AgentCall) => unknown) | undefined {
  if (!fake) return undefined;
  if (typeof fake === 'function')
    return kind === 'run' ? (fake as (input: unknown, call: AgentCall) => unknown) : undefined;
  return (kind === 'run' ? fake.run : fake.compensate) as ((input: unknown, call: AgentCall) => unknown) | undefined;
}

export interface FakeAgentsBackend {
  contracts: ReadonlyMap<string, AgentContract>;
  /** The fakes of the run with this workflow id (its own overrides over the harness's). */
  fakesFor(workflowId: string): Record<string, AgentFake | undefined>;
  record(call: RecordedCall): void;
  /** A fake broke its contract: the run fails loudly. */
  broken(workflowId: string, error: FakeContractError): void;
}

/** Outputs the harness's fakes gave by reference (a step that asked for large ones so), by key. */
const harnessArtifacts = new Map<string, string>();

/** The text of an artifact a fake's output became (its ArtifactRef's key): what the agent playing
 *  a loop's next turn would read from the object store. */
export function harnessArtifactText(key: string): string | undefined {
  return harnessArtifacts.get(key);
}

/** The callAgent activity of the harness: the real handoff's name and signature. */
export function fakeCallAgent(backend: FakeAgentsBackend): (request: CallAgentRequest) => Promise<unknown> {
  return async (request) => {
    const { info } = Context.current();
    const workflowId = info.workflowExecution?.workflowId ?? '';
    const call: AgentCall = {
      workflowId,
      activityId: info.activityId,
      agent: request.agent,
      kind: request.kind,
      stepId: request.stepId,
      attempt: info.attempt,
      input: request.input,
    };
    const contract = backend.contracts.get(request.agent);
    const fail = (code: string, message: string, retryable: boolean, details?: unknown): never => {
      backend.record({ ...call, outcome: { ok: false, code, message, retryable } });
      throw ApplicationFailure.create({
        type: code,
        message,
        nonRetryable: !retryable,
        ...(details !== undefined ? { details: [details] } : {}),
      });
    };
    if (!contract) return fail('WRONG_AGENT', `no agent ${request.agent} in this workflow's agent table`, false);
    const inputSchema = contractSchema(contract, request.kind, 'input');
    const outputSchema = contractSchema(contract, request.kind, 'output');
    if (!inputSchema || !outputSchema)
      return fail('NOT_SUPPORTED', `agent ${request.agent} has no ${request.kind} in its contract`, false);
    const parsedInput = inputSchema.safeParse(request.input);
    if (!parsedInput.success)
      return fail('INVALID_INPUT', `${request.agent} input breaks its contract: ${issuesOf(parsedInput.error)}`, false);
    call.input = parsedInput.data;
    const fake = pick(backend.fakesFor(workflowId)[request.agent], request.kind);
    if (!fake) {
      const error = new FakeContractError(
        `the test gives no fake for ${request.agent} (${request.kind}, step ${request.stepId}); pass one in agents`,
      );
      backend.broken(workflowId, error);
      return fail('FAKE_MISSING', error.message, false);
    }
    let answer: unknown;
    try {
      answer = await fake(parsedInput.data, call);
    } catch (err) {
      const e = err as { code?: unknown; retryable?: unknown; message?: unknown; details?: unknown };
      if (typeof e?.code === 'string' && typeof e.retryable === 'boolean')
        return fail(e.code, String(e.message ?? e.code), e.retryable, e.details);
      throw err; // anything else is the fake's own bug: the activity fails (and retries) as a crash would
    }
    if (answer === NO_ANSWER) {
      backend.record({ ...call, outcome: { noAnswer: true } });
      // On the real stack the attempt would stay open until its start-to-close budget ends it
      // (TIMEOUT), then the step retries as its policy says. Temporal's test server does not skip
      // time while an attempt is open, so an open attempt would time out in wall-clock time: the
      // attempt ends now as its timeout would end it (TIMEOUT, retryable) and the retry waits out
      // the budget as a server timer, which passes in skipped time while the test waits for the
      // run (waitFor moves the clock while a run waits on a silent agent; result() always does).
      // The difference a test can see: the failed attempt's own duration is not its budget.
      const budgetMs = info.startToCloseTimeoutMs ?? 30_000;
      throw ApplicationFailure.create({
        type: 'TIMEOUT',
        message: `${request.agent} did not answer within the attempt's ${budgetMs / 1000} s (start-to-close timeout)`,
        nonRetryable: false,
        nextRetryDelay: budgetMs,
      });
    }
    const parsedOutput = outputSchema.safeParse(answer);
    if (!parsedOutput.success) {
      const error = new FakeContractError(
        `the fake ${request.agent} (${request.kind}, step ${request.stepId}) answered what its contract refuses: ${issuesOf(parsedOutput.error)}`,
      );
      backend.broken(workflowId, error);
      return fail('FAKE_BREAKS_CONTRACT', error.message, false);
    }
    backend.record({ ...call, outcome: { ok: true, output: parsedOutput.data } });
    const json = JSON.stringify(parsedOutput.data ?? null);
    if (request.byReference && json.length > request.byReference.limit) {
      // As the agent runtime does: the large output goes to the object store, the step gets its
      // reference (the test reads the bytes back with harnessArtifactText).
      const key = `${workflowId}/${request.stepId}/output.json@${createHash('sha256').update(json).digest('hex').slice(0, 32)}`;
      harnessArtifacts.set(key, json);
      const summary = json.length <= 500 ? json : `${json.slice(0, 460)} ... (${json.length} characters in all)`;
      return {
        byReference: {
          bucket: 'harness-artifacts',
          key,
          digest: key.slice(-32),
          size: json.length,
          contentType: 'application/json',
          summary,
        },
      };
    }
    return parsedOutput.data;
  };
}
