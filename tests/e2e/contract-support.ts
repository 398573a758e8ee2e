// Shared arrangements of the contract review's suites: its status and state waits, and the
// records simulator's own records (the ground truth for "filed once").
import { WaitAbortedError, getJson, waitFor } from '@baton/testkit';
import { statusQuery } from '@baton/workflow-kit';
import {
  terminalContractReviewStates,
  type ContractReviewState,
  type ContractReviewStatus,
} from '@baton/workflow-contract-review';
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
    const response = await fetch(`${recordsUrl()}/_faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(faults),
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) throw new Error(`PUT records /_faults: ${response.status} ${await response.text()}`);
  },
  setIdempotency: async (idempotency: 'on' | 'off') => {
    const response = await fetch(`${recordsUrl()}/_mode`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ idempotency }),
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) throw new Error(`PUT records /_mode: ${response.status} ${await response.text()}`);
  },
  stats: () => getJson<{ requests: number; injectedFailures: number; repeatedKeys: number }>(`${recordsUrl()}/_stats`),
};

export async function contractStatus(temporal: Client, workflowId: string): Promise<ContractReviewStatus> {
  return temporal.workflow.getHandle(workflowId).query(statusQuery) as Promise<ContractReviewStatus>;
}

/** Waits until the review is in `state`; a different end state ends the wait at once. */
export async function waitForContractState(
  temporal: Client,
  workflowId: string,
  state: ContractReviewState,
  timeoutMs = 90_000,
): Promise<ContractReviewStatus> {
  return waitFor(
    `${workflowId} to reach "${state}"`,
    async () => {
      const status = await contractStatus(temporal, workflowId).catch(() => undefined);
      if (status && status.state !== state && terminalContractReviewStates.has(status.state)) {
        throw new WaitAbortedError(
          `${workflowId} ended in "${status.state}" instead (${status.failure ?? 'no failure recorded'})`,
        );
      }
      return status?.state === state ? status : undefined;
    },
    { timeoutMs },
  );
}

/** A signed-in session on the approval console over plain HTTP (cookie and CSRF token carried
 *  by hand): what a person's browser fetches, without the browser. */
export async function consoleSession(
  baseUrl: string,
  username: string,
  password: string,
): Promise<(path: string) => Promise<string>> {
  let cookie = '';
  const keep = (response: Response) => {
    const set = response.headers.getSetCookie().map((c) => c.split(';')[0]!);
    if (set.length) cookie = set.join('; ');
  };
  const signIn = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: baseUrl },
    body: new URLSearchParams({ username, password, next: '/inbox' }).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  keep(signIn);
  if (signIn.status !== 303 || signIn.headers.get('location')?.startsWith('/login'))
    throw new Error(`sign-in as ${username} refused (${signIn.status})`);
  return async (path) => {
    const response = await fetch(`${baseUrl}${path}`, {
      headers: { cookie },
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status}`);
    return response.text();
  };
}
