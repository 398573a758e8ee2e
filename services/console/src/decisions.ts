// What a person can do with a waiting workflow of any registered type: list, inspect, decide,
// resolve. Shared by the CLI and the web console; every decision is a validated Temporal update.
import { Client, Connection, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { TemporalClientConfig, loadConfig, temporalConnectionOptions } from '@baton/contracts';
import { temporalDataConverter } from '@baton/temporal-codec';
import { AWAITING_DECISION, NEEDS_ATTENTION, decideUpdate, resolveUpdate, statusQuery, type DecisionInput, type ResolutionInput, type WorkflowStatus } from '@baton/workflow-kit';

export async function connectTemporal(env = process.env): Promise<{ client: Client; close(): Promise<void> }> {
  const config = loadConfig(TemporalClientConfig, env);
  const dataConverter = temporalDataConverter(env);
  const connection = await Connection.connect({ ...temporalConnectionOptions(config), connectTimeout: '5 seconds' });
  return { client: new Client({ connection, namespace: config.BATON_TEMPORAL_NAMESPACE, dataConverter }), close: () => connection.close() };
}

export class DecisionRefusedError extends Error {
  readonly code = 'DECISION_REFUSED';
  readonly retryable = false;
}

/** A refused update (validator said no) or a finished workflow, as one clear error. */
function refusal(err: unknown, workflowId: string, awaited: string): unknown {
  if (err instanceof WorkflowUpdateFailedError) return new DecisionRefusedError(err.cause?.message ?? err.message);
  if (err instanceof WorkflowNotFoundError) return new DecisionRefusedError(`${workflowId} is not waiting for ${awaited}: ${err.message}`);
  return err;
}

/** A decision as a person gives it; the gate id and digest are read from the workflow when not
 *  given (the CLI shows the gate with `status` first, the web console sends what it showed). */
export type DecisionRequest = Omit<DecisionInput, 'gateId' | 'digest' | 'role'> & Partial<Pick<DecisionInput, 'gateId' | 'digest'>> & {
  /** The approver's role, as their sign-in says (the console checks it; the gate checks it again). */
  role: string;
};

/** Sends the decision and returns the status after the workflow acted on it. */
export async function decide(client: Client, workflowId: string, decision: DecisionRequest): Promise<WorkflowStatus> {
  try {
    const handle = client.workflow.getHandle(workflowId);
    let { gateId, digest } = decision;
    if (gateId === undefined || digest === undefined) {
      const current = await handle.query(statusQuery);
      if ((current.state !== AWAITING_DECISION && current.state !== NEEDS_ATTENTION) || current.gate?.status !== 'open') {
        throw new DecisionRefusedError(`${workflowId} is not waiting for a decision: it is in state "${current.state}"`);
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
export async function resolve(client: Client, workflowId: string, resolution: ResolutionInput): Promise<WorkflowStatus> {
  try {
    return await client.workflow.getHandle(workflowId).executeUpdate(resolveUpdate, { args: [resolution] });
  } catch (err) {
    throw refusal(err, workflowId, 'a person');
  }
}

export async function status(client: Client, workflowId: string): Promise<WorkflowStatus> {
  return client.workflow.getHandle(workflowId).query(statusQuery);
}

/** Workflows of any type waiting for a person: a decision at a gate, or an escalated problem. */
export async function pending(client: Client): Promise<Array<{ workflowId: string; workflowType: string; state: string }>> {
  const waiting: Array<{ workflowId: string; workflowType: string; state: string }> = [];
  const query = `BatonState IN ("${AWAITING_DECISION}", "${NEEDS_ATTENTION}") AND ExecutionStatus = "Running"`;
  for await (const wf of client.workflow.list({ query })) {
    waiting.push({ workflowId: wf.workflowId, workflowType: String(wf.searchAttributes.BatonWorkflowType?.[0] ?? ''), state: String(wf.searchAttributes.BatonState?.[0] ?? '') });
  }
  return waiting;
}
