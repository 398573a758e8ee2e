// Shared arrangements of the contract review's suites: its status and state waits, and the
// records simulator's own records (the ground truth for "filed once").
import { WaitAbortedError, getJson, waitFor } from '@baton/testkit';
import { statusQuery } from '@baton/workflow-kit';
import { terminalContractReviewStates, type ContractReviewState, type ContractReviewStatus } from '@baton/workflow-contract-review';
import type { Client } from '@temporalio/client';

/** The records simulator's address, from infra/env.sh (the test kit's stack env predates it). */
export const recordsUrl = () => process.env.BATON_RECORDS_URL ?? 'http://127.0.0.1:8354';

export interface FilingRecord {
  filingId: string;
  contractId: string;
  overallRisk: string;
  approvedBy: string | null;
  redlines: number;
  documentKey: string;
  idempotencyKey: string | null;
  reference: string | null;
}

export const records = {
  filings: (query = '') => getJson<FilingRecord[]>(`${recordsUrl()}/filings${query}`),
  setFaults: async (faults: Record<string, unknown>) => {
    const response = await fetch(`${recordsUrl()}/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults), signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`PUT records /_faults: ${response.status} ${await response.text()}`);
  },
  setIdempotency: async (idempotency: 'on' | 'off') => {
    const response = await fetch(`${recordsUrl()}/_mode`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ idempotency }), signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`PUT records /_mode: ${response.status} ${await response.text()}`);
  },
  stats: () => getJson<{ requests: number; injectedFailures: number; repeatedKeys: number }>(`${recordsUrl()}/_stats`),
};

export async function contractStatus(temporal: Client, workflowId: string): Promise<ContractReviewStatus> {
  return temporal.workflow.getHandle(workflowId).query(statusQuery) as Promise<ContractReviewStatus>;
}

/** Waits until the review is in `state`; a different end state ends the wait at once. */
export async function waitForContractState(temporal: Client, workflowId: string, state: ContractReviewState, timeoutMs = 90_000): Promise<ContractReviewStatus> {
  return waitFor(
    `${workflowId} to reach "${state}"`,
    async () => {
      const status = await contractStatus(temporal, workflowId).catch(() => undefined);
      if (status && status.state !== state && terminalContractReviewStates.has(status.state)) {
        throw new WaitAbortedError(`${workflowId} ended in "${status.state}" instead (${status.failure ?? 'no failure recorded'})`);
      }
      return status?.state === state ? status : undefined;
    },
    { timeoutMs },
  );
}
