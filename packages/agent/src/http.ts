// JSON over HTTP to an external system, with a timeout on every call and errors classified
// retryable (timeouts, 5xx, 429) or not (other 4xx) for the workflow's retry policy. The client
// span and the traceparent header are the undici instrumentation's (packages/telemetry).
import { AgentError, ExternalSystemError } from './errors.js';

export interface ExternalCall {
  system: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  body?: unknown;
  idempotencyKey?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export async function callExternal<T>(call: ExternalCall): Promise<T> {
  const signals = [AbortSignal.timeout(call.timeoutMs), ...(call.signal ? [call.signal] : [])];
  let response: Response;
  try {
    response = await fetch(call.url, {
      method: call.method,
      headers: {
        ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(call.idempotencyKey ? { 'idempotency-key': call.idempotencyKey } : {}),
      },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal: AbortSignal.any(signals),
    });
  } catch (err) {
    throw new ExternalSystemError(call.system, `${call.method} ${call.url} failed: ${(err as Error).message}`);
  }
  const text = await response.text();
  if (response.ok) return (text ? JSON.parse(text) : undefined) as T;
  const detail = text.slice(0, 300);
  let code = `HTTP_${response.status}`;
  try {
    const answered = (JSON.parse(text) as { code?: unknown }).code;
    if (typeof answered === 'string' && answered) code = answered;
  } catch {
    // Not JSON: keep the status code.
  }
  // 409 IDEMPOTENCY_KEY_IN_USE: an earlier attempt of this very step is still in flight there.
  if (
    response.status >= 500 ||
    response.status === 429 ||
    response.status === 408 ||
    code === 'IDEMPOTENCY_KEY_IN_USE'
  ) {
    throw new ExternalSystemError(call.system, `${response.status} ${detail}`);
  }
  throw new AgentError(code, `${call.system}: ${response.status} ${detail}`, false);
}
