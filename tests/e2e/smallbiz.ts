// Clients of the small-business simulators (accounting, weather, rates) and of the payment
// provider's balances, for the bills, digest and corrections suites. Addresses from the same
// BATON_* variables infra/env.sh exports.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { loadConfig } from '@baton/contracts';
import { getJson } from '@baton/testkit';

const SmallBizEnv = z.object({
  BATON_ACCOUNTING_URL: z.string().default('http://127.0.0.1:8350'),
  BATON_WEATHER_URL: z.string().default('http://127.0.0.1:8348'),
  BATON_RATES_URL: z.string().default('http://127.0.0.1:8349'),
  BATON_PAYMENT_URL: z.string().default('http://127.0.0.1:8343'),
});
export const smallBizEnv = () => loadConfig(SmallBizEnv);

async function send(method: 'POST' | 'PUT', url: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

export interface AccountingBill {
  billId: string;
  status: 'open' | 'paid';
  paidAt?: string;
}

export const accounting = {
  enterBill: async (bill: {
    vendor: string;
    amountCents: number;
    dueAt: string;
    account: string;
    owner: { id: string; name: string };
  }) => String((await send('POST', `${smallBizEnv().BATON_ACCOUNTING_URL}/bills`, bill)).billId),
  pay: (billId: string) =>
    send('POST', `${smallBizEnv().BATON_ACCOUNTING_URL}/bills/${encodeURIComponent(billId)}/payments`, {}),
  bill: (billId: string) =>
    getJson<AccountingBill>(`${smallBizEnv().BATON_ACCOUNTING_URL}/bills/${encodeURIComponent(billId)}`),
};

export const balances = {
  set: (accountId: string, balanceCents: number) =>
    send('PUT', `${smallBizEnv().BATON_PAYMENT_URL}/accounts/${encodeURIComponent(accountId)}`, { balanceCents }),
};

/** Fault injection of a simulator by its base address. */
export async function setFaults(baseUrl: string, faults: { outageUntil?: number; errorRate?: number }): Promise<void> {
  const response = await fetch(`${baseUrl}/_faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) throw new Error(`faults at ${baseUrl}: ${response.status}`);
}
