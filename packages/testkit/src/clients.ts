// Clients of the running stack for tests and the demo: Temporal, NATS, the trace backend, the
// simulators, and a factory for reservation events.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { connectBus, ensureTopology, readStream, type Bus } from '@baton/bus';
import { streams, type DeadLetter } from '@baton/contracts';
import type { ReservationRequested } from '@baton/workflow-reservation';
import { stackEnv } from './env.js';
import { ADMIN_IDENTITY, adminSeed, natsAuthEnabled } from './identities.js';
import { temporalConnectionAs } from './temporal-identities.js';
import { temporalDataConverter } from '@baton/temporal-codec';
import { ensureLocalWebhookSource, signedHeaders } from './webhook.js';

/** A Temporal client as the admin identity (everything allowed). */
export async function temporalClient(): Promise<Client & { close(): Promise<void> }> {
  const env = stackEnv();
  const connection = await Connection.connect(temporalConnectionAs(ADMIN_IDENTITY));
  const client = new Client({
    connection,
    namespace: env.BATON_TEMPORAL_NAMESPACE,
    dataConverter: temporalDataConverter(payloadKeyEnv()),
  });
  return Object.assign(client, { close: () => connection.close() });
}

/** The stack's payload keys: the environment's, else the key file infra/stack.sh wrote into the
 *  profile's state folder. */
export function payloadKeyEnv(): Record<string, string | undefined> {
  if (process.env.BATON_PAYLOAD_KEYS || process.env.BATON_PAYLOAD_KEY_FILE) return process.env;
  return { BATON_PAYLOAD_KEY_FILE: join(stackEnv().stateDir, 'payload-keys.json') };
}

/** A connection as the admin identity (everything allowed), with Baton's topology ensured. */
export async function testBus(name = 'testkit'): Promise<Bus> {
  const bus = await connectBus({
    servers: stackEnv().BATON_NATS_URL,
    replicas: stackEnv().BATON_NATS_REPLICAS,
    name,
    ...(natsAuthEnabled() ? { nkeySeed: adminSeed() } : {}),
  });
  try {
    await ensureTopology(bus);
  } catch (err) {
    await bus.close(); // a failed set-up leaves no connection holding the test process open
    throw err;
  }
  return bus;
}

/** Today's date in UTC (YYYY-MM-DD): the day test and demo requests are taken. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/** `date` plus `days` (YYYY-MM-DD). */
export function daysAfter(date: string, days: number): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

/** The first `weekday` strictly after `from` (default today, UTC): what intake reads "Friday" as. */
export function nextWeekday(weekday: (typeof WEEKDAYS)[number], from = todayUtc()): string {
  const day = new Date(`${from}T12:00:00Z`).getUTCDay();
  const ahead = (WEEKDAYS.indexOf(weekday) - day + 7) % 7 || 7;
  return daysAfter(from, ahead);
}

/** A reservation request taken today (UTC): its weekdays are the coming ones. */
export function reservationEvent(text: string, overrides: Partial<ReservationRequested> = {}): ReservationRequested {
  const key = `req-${randomUUID()}`;
  return {
    id: randomUUID(),
    source: 'urn:baton:test:host-stand',
    specversion: '1.0',
    type: 'reservation.requested.v1',
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    idempotencykey: key,
    data: {
      text,
      customer: { id: `cust-${key.slice(4, 12)}`, name: 'Ada Lovelace', phone: '+44 20 7946 0000' },
      receivedOn: todayUtc(),
    },
    ...overrides,
  };
}

/** Posts to the webhook signed as the local stack's source (registered on first use); headers
 *  given here win, so a test can send a wrong or missing signature. */
export async function postEvent(
  payload: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  await ensureLocalWebhookSource();
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const send = async () => {
    const response = await fetch(`${stackEnv().BATON_GATEWAY_URL}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedHeaders(body), ...headers },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
      headers: response.headers,
    };
  };
  // A gateway that started just now may not have read the source record yet.
  const deadline = Date.now() + 5_000;
  for (;;) {
    const answer = await send();
    if (
      answer.status !== 401 ||
      answer.body.error !== 'UNKNOWN_SOURCE' ||
      Date.now() > deadline ||
      headers['x-baton-source']
    )
      return answer;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Dead letters currently stored, read through a throwaway ordered consumer. */
export async function deadLetters(bus: Bus): Promise<Array<DeadLetter & { seq: number }>> {
  return (await readStream<DeadLetter>(bus, streams.deadLetters)).map(({ seq, value }) => ({ ...value, seq }));
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return (await response.json()) as T;
}

/** One span as Zipkin's API returns it (the local stack's one trace backend). Zipkin keeps span
 *  and service names in lower case, and every tag value as a string. */
export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  /** Microseconds since the epoch, and microseconds long. */
  timestamp?: number;
  duration?: number;
  localEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
  annotations?: Array<{ timestamp: number; value: string }>;
}
/** Every span Zipkin holds for one trace id. */
export interface TraceRecord {
  traceId: string;
  spans: ZipkinSpan[];
}
/** A W3C traceparent for a new trace, as an existing system with tracing would send. */
export function newTraceparent(): { traceparent: string; traceId: string } {
  const traceId = randomUUID().replace(/-/g, '');
  const spanId = randomUUID().replace(/-/g, '').slice(0, 16);
  return { traceparent: `00-${traceId}-${spanId}-01`, traceId };
}

/** The spans of one trace from Zipkin's API, or undefined while Zipkin holds none of them. */
export async function fetchTrace(traceId: string): Promise<TraceRecord | undefined> {
  const response = await fetch(`${stackEnv().BATON_ZIPKIN_URL}/api/v2/trace/${traceId}`, {
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`trace query: ${response.status}`);
  const spans = (await response.json()) as ZipkinSpan[];
  return spans.length ? { traceId, spans } : undefined;
}

export function servicesOf(trace: TraceRecord): Set<string> {
  return new Set(trace.spans.map((s) => s.localEndpoint?.serviceName ?? '?'));
}

/** The first span of a trace with this name (Zipkin's names are lower case; so is the comparison). */
export function spanNamed(trace: TraceRecord, name: string): ZipkinSpan | undefined {
  const wanted = name.toLowerCase();
  return trace.spans.find((s) => s.name === wanted);
}

/** The span names of a trace, as Zipkin keeps them (lower case). */
export function spanNames(trace: TraceRecord): string[] {
  return trace.spans.map((s) => s.name ?? '');
}
