// The dead-letter subject: whatever fails validation lands here with the reason, never dropped.
// What could let its reader act as someone else never lands here: task tokens (they complete a
// workflow's activity), seals, credentials and Authorization or cookie headers are replaced by
// REDACTED, in the payload's JSON at any depth (or in text that is not JSON) and in the headers.
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { subjects, type DeadLetter } from '@baton/contracts';
import { batonMetrics } from '@baton/telemetry';
import { publishJson } from './publish.js';

export async function deadLetter(
  js: JetStreamClient,
  entry: Omit<DeadLetter, 'receivedAt' | 'headers'> & { headers?: Record<string, string> },
  msgID: string,
): Promise<void> {
  const letter: DeadLetter = { ...entry, payload: scrubPayload(entry.payload), headers: scrubHeaders(entry.headers ?? {}), receivedAt: new Date().toISOString() };
  await publishJson(js, subjects.deadLetter(entry.rejectedBy), letter, { msgID });
  batonMetrics().deadLetters.add(1, { 'baton.rejected_by': entry.rejectedBy });
}

/** The Nats-Msg-Id of a stored message's dead letter: one letter per message, whoever sends it. */
export function deadLetterId(stream: string, seq: number): string {
  return `dlq:${stream}:${seq}`;
}

export function headersOf(msg: JsMsg): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of msg.headers?.keys() ?? []) out[key] = msg.headers?.get(key) ?? '';
  return out;
}

/** Why a text is not JSON, by position only: V8's message quotes the text itself, which may hold
 *  personal data, and this reason goes to logs, spans and HTTP answers. */
export function describeJsonError(err: unknown): string {
  const position = /position (\d+)/.exec((err as Error)?.message ?? '')?.[1];
  return position ? `malformed at character ${position}` : 'malformed or empty';
}

/** Formats a zod error as one line naming each offending field. */
export function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`).join('; ');
}

export const REDACTED = '[redacted]';

/** Names of fields and headers whose values are secrets or bearer capabilities. */
const SECRET_FIELD = /^(task_?token|seal|authorization|proxy-authorization|cookie|set-cookie|password|passphrase|secret|client_?secret|api[-_]?key|x-api-key|access_?token|refresh_?token|token|credentials?|nkey|seed|signature|x-baton-signature)$/i;

function scrubValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubValue);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_FIELD.test(k) && v !== undefined && v !== null ? REDACTED : scrubValue(v)]));
  }
  return value;
}

/** The payload with every secret field's value replaced; text that is not JSON by pattern. */
export function scrubPayload(payload: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return payload.replace(/("(?:taskToken|task_token|seal|authorization|password|secret|token|apiKey|api_key)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, `$1"${REDACTED}"`);
  }
  const scrubbed = JSON.stringify(scrubValue(parsed));
  // Untouched text stays as it came (a replay publishes it again).
  return scrubbed === JSON.stringify(parsed) ? payload : scrubbed;
}

export function scrubHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, SECRET_FIELD.test(k) ? REDACTED : v]));
}
