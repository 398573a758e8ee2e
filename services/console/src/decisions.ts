// What a person can do with a waiting workflow of any registered type: list, inspect, decide,
// resolve. Shared by the CLI and the web console; every decision is a validated Temporal update.
// What waits for a person, and a closed workflow's outcome, are read without a worker (Temporal
// visibility by the BatonState search attribute the kit upserts, and the closed run's history);
// a running workflow's full status is its query, which needs an orchestrator: when none answers
// within a short deadline, the caller is told so plainly instead of waiting out gRPC's default.
import {
  Client,
  Connection,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowExecutionDescription,
  type WorkflowExecutionInfo,
} from '@temporalio/client';
import { TemporalClientConfig, loadConfig, temporalConnectionOptions } from '@baton/contracts';
import { temporalDataConverter } from '@baton/temporal-codec';
import {
  AWAITING_DECISION,
  BatonState,
  BatonStateSince,
  BatonWorkflowType,
  NEEDS_ATTENTION,
  decideUpdate,
  resolveUpdate,
  statusQuery,
  type DecisionInput,
  type ResolutionInput,
  type WorkflowStatus,
} from '@baton/workflow-kit/internal';

export async function connectTemporal(env = process.env): Promise<{ client: Client; close(): Promise<void> }> {
  const config = loadConfig(TemporalClientConfig, env);
  const dataConverter = temporalDataConverter(env);
  const connection = await Connection.connect({ ...temporalConnectionOptions(config), connectTimeout: '5 seconds' });
  return {
    client: new Client({ connection, namespace: config.BATON_TEMPORAL_NAMESPACE, dataConverter }),
    close: () => connection.close(),
  };
}

export class DecisionRefusedError extends Error {
  readonly code = 'DECISION_REFUSED';
  readonly retryable = false;
}

/** The workflow exists and runs, but no orchestrator (Temporal worker) answered in time: its
 *  status cannot be read and a decision cannot be delivered until one runs. */
export class OrchestratorUnavailableError extends Error {
  readonly code = 'ORCHESTRATOR_UNAVAILABLE';
  readonly retryable = true;
  constructor(
    readonly workflowId: string,
    readonly state: string | undefined,
    waitedMs: number,
    cause: unknown,
  ) {
    super(
      `${workflowId} exists and is running${state ? ` (state "${state}")` : ''}, but no orchestrator answered within ${waitedMs / 1000} s ` +
        `(no Temporal worker on the task queue: is the orchestrator running?): ${(cause as Error)?.message ?? String(cause)}`,
    );
  }
}

/** Visibility cannot be read (Temporal unreachable): what waits is unknown, not nothing. */
export class VisibilityUnavailableError extends Error {
  readonly code = 'VISIBILITY_UNAVAILABLE';
  readonly retryable = true;
}

/** How long a status query may take before the orchestrator counts as not answering. */
export const STATUS_QUERY_DEADLINE_MS = 3_000;

const stateOf = (info: Pick<WorkflowExecutionInfo, 'typedSearchAttributes'>) =>
  info.typedSearchAttributes.get(BatonState);

/** The running workflow's status from its orchestrator, bounded by `deadlineMs`; a closed one's
 *  outcome from its history (no worker needed); OrchestratorUnavailableError when none answers. */
export async function readStatus(
  client: Client,
  workflowId: string,
  deadlineMs = STATUS_QUERY_DEADLINE_MS,
): Promise<WorkflowStatus | ClosedWorkflow> {
  const handle = client.workflow.getHandle(workflowId);
  const described = await client.withDeadline(Date.now() + deadlineMs, () => handle.describe());
  if (described.status.name !== 'RUNNING') return closedOutcome(client, described);
  try {
    return await client.withDeadline(Date.now() + deadlineMs, () => handle.query(statusQuery));
  } catch (err) {
    // Closed between describe and query: its outcome, from history.
    const again = await client.withDeadline(Date.now() + deadlineMs, () => handle.describe());
    if (again.status.name !== 'RUNNING') return closedOutcome(client, again);
    throw new OrchestratorUnavailableError(workflowId, stateOf(again), deadlineMs, err);
  }
}

/** A closed workflow as its history tells it: how it closed, and the status it returned. */
export interface ClosedWorkflow {
  workflowId: string;
  workflowType: string;
  closed: { status: string; at: string | undefined; failure?: string };
  /** The last BatonState it entered (visibility). */
  state: string | undefined;
  /** What the workflow returned (its final status), when it completed. */
  result?: WorkflowStatus;
}

export function isClosed(value: WorkflowStatus | ClosedWorkflow): value is ClosedWorkflow {
  return 'closed' in value && typeof (value as ClosedWorkflow).closed === 'object';
}

async function closedOutcome(client: Client, described: WorkflowExecutionDescription): Promise<ClosedWorkflow> {
  const base = {
    workflowId: described.workflowId,
    workflowType: described.typedSearchAttributes.get(BatonWorkflowType) ?? described.type,
    state: stateOf(described),
  };
  const at = described.closeTime?.toISOString();
  try {
    // The close event of the run's history: no worker is asked.
    const result = (await client.workflow.getHandle(described.workflowId, described.runId).result()) as WorkflowStatus;
    return { ...base, state: result?.state ?? base.state, closed: { status: described.status.name, at }, result };
  } catch (err) {
    const failure = err instanceof WorkflowFailedError ? (err.cause?.message ?? err.message) : (err as Error).message;
    return { ...base, closed: { status: described.status.name, at, failure } };
  }
}

/** A refused update (validator said no) or a finished workflow, as one clear error. */
function refusal(err: unknown, workflowId: string, awaited: string): unknown {
  if (err instanceof WorkflowUpdateFailedError) return new DecisionRefusedError(err.cause?.message ?? err.message);
  if (err instanceof WorkflowNotFoundError)
    return new DecisionRefusedError(`${workflowId} is not waiting for ${awaited}: ${err.message}`);
  return err;
}

/** A decision as a person gives it; the gate id and digest are read from the workflow when not
 *  given (the CLI shows the gate with `status` first, the web console sends what it showed). */
export type DecisionRequest = Omit<DecisionInput, 'gateId' | 'digest' | 'role'> &
  Partial<Pick<DecisionInput, 'gateId' | 'digest'>> & {
    /** The approver's role, as their sign-in says (the console checks it; the gate checks it again). */
    role: string;
  };

/** Sends the decision and returns the status after the workflow acted on it. */
export async function decide(client: Client, workflowId: string, decision: DecisionRequest): Promise<WorkflowStatus> {
  try {
    const handle = client.workflow.getHandle(workflowId);
    let { gateId, digest } = decision;
    if (gateId === undefined || digest === undefined) {
      const current = await readStatus(client, workflowId);
      if (isClosed(current))
        throw new DecisionRefusedError(
          `${workflowId} is not waiting for a decision: it closed (${current.closed.status}) in state "${current.state ?? '?'}"`,
        );
      if (
        (current.state !== AWAITING_DECISION && current.state !== NEEDS_ATTENTION) ||
        current.gate?.status !== 'open'
      ) {
        throw new DecisionRefusedError(
          `${workflowId} is not waiting for a decision: it is in state "${current.state}"`,
        );
      }
      gateId ??= current.gate.gateId;
      digest ??= current.gate.digest;
    }
    return await handle.executeUpdate(decideUpdate, { args: [{ ...decision, gateId, digest }] });
  } catch (err) {
    throw refusal(err, workflowId, 'a decision');
  }
}

/** A person says an escalated problem (a refund that would not go through, a customer not
 *  told) is dealt with; the workflow then finishes. */
export async function resolve(
  client: Client,
  workflowId: string,
  resolution: ResolutionInput,
): Promise<WorkflowStatus> {
  try {
    // Bounded: an update to a workflow no orchestrator runs would wait for one indefinitely.
    const current = await readStatus(client, workflowId);
    if (isClosed(current))
      throw new DecisionRefusedError(
        `${workflowId} is not waiting for a person: it closed (${current.closed.status}) in state "${current.state ?? '?'}"`,
      );
    return await client.workflow.getHandle(workflowId).executeUpdate(resolveUpdate, { args: [resolution] });
  } catch (err) {
    throw refusal(err, workflowId, 'a person');
  }
}

/** `baton status`: the running workflow's status (its orchestrator, within a few seconds), or a
 *  closed one's outcome from its history. */
export async function status(client: Client, workflowId: string): Promise<WorkflowStatus | ClosedWorkflow> {
  return readStatus(client, workflowId);
}

export interface WaitingRow {
  workflowId: string;
  workflowType: string;
  state: string;
  /** When it entered that state (BatonStateSince). */
  since: string | undefined;
}

const WAITING_QUERY = `BatonState IN ("${AWAITING_DECISION}", "${NEEDS_ATTENTION}") AND ExecutionStatus = "Running"`;
/** Bound on reading visibility: past it the list is reported unreadable, never empty. */
export const VISIBILITY_DEADLINE_MS = 1_500;

/** Workflows of any type waiting for a person (a decision at a gate, or an escalated problem),
 *  oldest first, from Temporal visibility alone: right while no orchestrator runs. Throws
 *  VisibilityUnavailableError when visibility cannot be read. */
export async function pending(client: Client, limit = 1_000): Promise<WaitingRow[]> {
  const waiting: WaitingRow[] = [];
  try {
    await client.withDeadline(Date.now() + VISIBILITY_DEADLINE_MS, async () => {
      for await (const wf of client.workflow.list({ query: WAITING_QUERY, pageSize: 200 })) {
        waiting.push({
          workflowId: wf.workflowId,
          workflowType: wf.typedSearchAttributes.get(BatonWorkflowType) ?? '',
          state: stateOf(wf) ?? '',
          since: wf.typedSearchAttributes.get(BatonStateSince)?.toISOString(),
        });
        if (waiting.length >= limit) break;
      }
    });
  } catch (err) {
    throw new VisibilityUnavailableError(
      `cannot read what waits for a person: Temporal visibility did not answer (${(err as Error).message}); this is not an empty list`,
    );
  }
  return waiting.sort((a, b) => (a.since ?? '').localeCompare(b.since ?? ''));
}
