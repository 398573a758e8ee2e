// The dead-letter subject: whatever fails validation lands here with the reason, never dropped.
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { subjects, type DeadLetter } from '@baton/contracts';
import { batonMetrics } from '@baton/telemetry';
import { publishJson } from './publish.js';

export async function deadLetter(
  js: JetStreamClient,
  entry: Omit<DeadLetter, 'receivedAt' | 'headers'> & { headers?: Record<string, string> },
  msgID: string,
): Promise<void> {
  const letter: DeadLetter = { ...entry, headers: entry.headers ?? {}, receivedAt: new Date().toISOString() };
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
