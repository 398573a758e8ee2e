// Arrangements of the support escalation's suites (end-to-end and browser): customers and orders
// seeded in the CRM and order simulators, ticket events, faults, and readers of the order,
// ticketing and messaging systems' own records.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { getJson } from '@baton/testkit';
import type { TicketOpened } from '@baton/workflow-support';
import { messaging, type Faults } from './support.js';

export interface OrderRecord {
  orderId: string;
  kind: string;
  status: string;
  ticketId?: string;
  items: unknown[];
}
export interface RefundRecord {
  refundId: string;
  amountCents: number;
  status: string;
  fencingToken: number;
}
export interface ReturnRecord {
  returnId: string;
  status: string;
}
export interface TicketEntry {
  kind: string;
  summary: string;
  handledBy: string;
}

const url = (system: 'CRM' | 'ORDERS' | 'TICKETING') =>
  process.env[`BATON_${system}_URL`] ?? assert.fail(`BATON_${system}_URL is not set (infra/env.sh)`);
const send = async (base: string, method: string, path: string, body: unknown) => {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) throw new Error(`${method} ${base}${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<Record<string, unknown>>;
};
export const setFaults = (system: 'CRM' | 'ORDERS', faults: Faults) => send(url(system), 'PUT', '/_faults', faults);
export const clearFaults = (system: 'CRM' | 'ORDERS') =>
  setFaults(system, {
    errorRate: 0,
    latencyMs: 0,
    latencyAfterCommitMs: 0,
    outageUntil: 0,
    refuse: [],
    refuseCode: 'REFUSED_BY_PROVIDER',
  });

/** PUT /_mode of the order system: "off" applies every request it gets, as APIs without idempotency keys do. */
export const setOrdersMode = (idempotency: 'on' | 'off') => send(url('ORDERS'), 'PUT', '/_mode', { idempotency });

export const orders = {
  refunds: (ticketId: string) =>
    getJson<RefundRecord[]>(`${url('ORDERS')}/refunds?ticketId=${encodeURIComponent(ticketId)}`),
  returns: (ticketId: string) =>
    getJson<ReturnRecord[]>(`${url('ORDERS')}/returns?ticketId=${encodeURIComponent(ticketId)}`),
  replacements: (ticketId: string) =>
    getJson<OrderRecord[]>(`${url('ORDERS')}/orders?ticketId=${encodeURIComponent(ticketId)}`),
};
export const ticketEntries = (ticketId: string) =>
  getJson<TicketEntry[]>(`${url('TICKETING')}/entries?ticketId=${encodeURIComponent(ticketId)}`);
export const emailsTo = async (email: string) =>
  (await messaging.messages()).filter((m) => m.to === email).map((m) => m.template);

/** A customer in the CRM with one delivered order: a 40 EUR kettle and a 12 EUR filter. */
export async function customerWithOrder(): Promise<{ customerId: string; email: string; orderId: string }> {
  const customerId = `cust-${randomUUID().slice(0, 8)}`;
  const email = `${customerId}@example.com`;
  await send(url('CRM'), 'PUT', `/customers/${customerId}`, {
    name: 'Grace Hopper',
    email,
    tier: 'gold',
    since: '2021-03-04',
  });
  const order = await send(url('ORDERS'), 'POST', '/orders', {
    customerId,
    status: 'delivered',
    items: [
      { sku: 'kettle-1', name: 'Glass kettle', quantity: 1, unitPriceCents: 4_000 },
      { sku: 'filter-1', name: 'Limescale filter', quantity: 1, unitPriceCents: 1_200 },
    ],
  });
  return { customerId, email, orderId: String(order.orderId) };
}

export function ticketEvent(
  who: { customerId: string; email: string; orderId?: string },
  subject: string,
  body: string,
  ticketId = `T-${randomUUID().slice(0, 8)}`,
): TicketOpened {
  return {
    id: randomUUID(),
    source: 'urn:baton:test:help-desk',
    specversion: '1.0',
    type: 'support.ticket.opened.v1',
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    idempotencykey: `tkt-${randomUUID()}`,
    data: {
      ticketId,
      customer: { id: who.customerId, email: who.email },
      subject,
      body,
      ...(who.orderId ? { orderId: who.orderId } : {}),
      channel: 'web',
    },
  };
}

export const LATE = ['My order arrived late', 'The kettle came six days after the promised date.'] as const;
export const DAMAGED = ['The kettle arrived broken', 'The glass was cracked when I opened the parcel.'] as const;
