// What a person can do with a waiting reservation: list, inspect, decide. Shared by the CLI now
// and the web console later; every decision is a validated Temporal update.
import { Client, Connection, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { TemporalClientConfig, loadConfig } from '@baton/contracts';
import { decideReservation, getReservationStatus, type DecisionInput, type ReservationStatus } from '@baton/workflows';

export async function connectTemporal(env = process.env): Promise<{ client: Client; close(): Promise<void> }> {
  const config = loadConfig(TemporalClientConfig, env);
  const connection = await Connection.connect({ address: config.BATON_TEMPORAL_ADDRESS, connectTimeout: '5 seconds' });
  return { client: new Client({ connection, namespace: config.BATON_TEMPORAL_NAMESPACE }), close: () => connection.close() };
}

export class DecisionRefusedError extends Error {
  readonly code = 'DECISION_REFUSED';
  readonly retryable = false;
}

/** Sends the decision and returns the status after the workflow acted on it. */
export async function decide(client: Client, workflowId: string, decision: DecisionInput): Promise<ReservationStatus> {
  try {
    return await client.workflow.getHandle(workflowId).executeUpdate(decideReservation, { args: [decision] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new DecisionRefusedError(err.cause?.message ?? err.message);
    if (err instanceof WorkflowNotFoundError) throw new DecisionRefusedError(`${workflowId} is not waiting for a decision: ${err.message}`);
    throw err;
  }
}

export async function status(client: Client, workflowId: string): Promise<ReservationStatus> {
  return client.workflow.getHandle(workflowId).query(getReservationStatus);
}

export async function pending(client: Client): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of client.workflow.list({ query: `BatonState = "Awaiting approval" AND ExecutionStatus = "Running"` })) ids.push(wf.workflowId);
  return ids;
}
