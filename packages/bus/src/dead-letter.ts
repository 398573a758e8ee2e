// The dead-letter subject: whatever fails validation lands here with the reason, never dropped.
// What could let its reader act as someone else never lands here: task tokens (they complete a
// workflow's activity), seals, credentials and Authorization or cookie headers are replaced by
// REDACTED, in the payload's JSON tree (or by pattern in text that is not JSON, or past the
// scrubber's bounds) and in the headers. Keeping a letter never fails on what the message holds:
// the scrubber is bounded in depth, size and time (SCRUB_LIMITS) and never throws, and what it
// cannot walk is kept as text with a note saying why. When even storing a letter fails again and
// again (see advisories.ts), the message is quarantined: a compact letter that always fits.
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { subjects, type DeadLetter } from '@baton/contracts';
import { batonMetrics } from '@baton/telemetry';
import { publishJson } from './publish.js';

export async function deadLetter(
  js: JetStreamClient,
  entry: Omit<DeadLetter, 'receivedAt' | 'headers'> & { headers?: Record<string, string> },
  msgID: string,
): Promise<void> {
  const kept = keepPayload(entry.payload);
  const letter: DeadLetter = {
    ...entry,
    payload: kept.payload,
    ...(kept.note ? { note: kept.note } : {}),
    headers: scrubHeaders(entry.headers ?? {}),
    receivedAt: new Date().toISOString(),
  };
  await publishJson(js, subjects.deadLetter(entry.rejectedBy), letter, { msgID });
  batonMetrics().deadLetters.add(1, { 'baton.rejected_by': entry.rejectedBy });
}

/** The quarantine's mark: the start of a quarantined letter's reason. */
export const QUARANTINED = 'quarantined:';

/** Of a quarantined letter: payload characters (JSON-escaped) and each header value's characters. */
const QUARANTINE_PAYLOAD_CHARS = 128 * 1024;
const QUARANTINE_HEADER_CHARS = 1024;
const QUARANTINE_HEADERS = 64;

/**
 * The last resort for a message whose dead letter could not be stored after several attempts: a
 * compact letter on `subject` (the caller's own dead-letter subject, which it may publish to),
 * with the reason marked QUARANTINED and why the letter failed, the payload redacted by pattern
 * (no tree walk) and cut, and the headers cut, so it fits in any NATS message. Listed with every
 * dead letter (console ops page, BATON_DLQ) and counted on baton.dead_letters.quarantined, the
 * alert. Only NATS being unreachable can make it fail.
 */
export async function quarantine(
  js: JetStreamClient,
  subject: string,
  entry: Omit<DeadLetter, 'receivedAt' | 'headers' | 'note'> & { headers?: Record<string, string> },
  failure: string,
  msgID: string,
): Promise<void> {
  let payload = '';
  let note: string;
  try {
    const kept = fitted(redactByPattern(entry.payload), QUARANTINE_PAYLOAD_CHARS);
    payload = kept.payload;
    note = `payload kept as text with secret fields redacted by pattern${kept.cut ? `; ${kept.cut}` : ''}`;
  } catch (err) {
    note = `payload not kept (${(err as Error)?.name ?? 'Error'})`;
  }
  const headers = Object.fromEntries(
    Object.entries(scrubHeaders(entry.headers ?? {}))
      .slice(0, QUARANTINE_HEADERS)
      .map(([k, v]) => [k.slice(0, 200), v.slice(0, QUARANTINE_HEADER_CHARS)]),
  );
  const letter: DeadLetter = {
    reason: `${QUARANTINED} ${entry.reason.slice(0, 500)}; its dead letter could not be stored: ${failure.slice(0, 300)}`,
    rejectedBy: entry.rejectedBy.slice(0, 200),
    subject: entry.subject.slice(0, 500),
    payload,
    note,
    headers,
    receivedAt: new Date().toISOString(),
  };
  await publishJson(js, subject, letter, { msgID });
  batonMetrics().deadLettersQuarantined.add(1, { 'baton.rejected_by': letter.rejectedBy });
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

export const REDACTED = '[redacted]';

/** Names of fields and headers whose values are secrets or bearer capabilities. */
const SECRET_NAMES =
  'task_?token|seal|authorization|proxy-authorization|cookie|set-cookie|password|passphrase|secret|client_?secret|api[-_]?key|x-api-key|access_?token|refresh_?token|token|credentials?|nkey|seed|signature|x-baton-signature';
const SECRET_FIELD = new RegExp(`^(?:${SECRET_NAMES})$`, 'i');
/** A secret field's string value in text that is not scrubbed as a tree: linear, no backtracking
 *  (the two alternatives of a string's character cannot both match). */
const SECRET_IN_TEXT = new RegExp(`("(?:${SECRET_NAMES})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi');

/**
 * How far the scrubber walks a payload as a tree. Past any bound the payload is kept as text with
 * secret string fields redacted by pattern, and the letter says why: the dead-letter path must
 * never fail, whatever arrives (a body nested 100k levels deep overflows any recursive walk, and
 * JSON.stringify is one).
 */
export const SCRUB_LIMITS = {
  /** Nesting levels of arrays and objects. */
  depth: 64,
  /** Values visited (every array element, object field and scalar). */
  nodes: 100_000,
  /** Characters of payload parsed at all. */
  chars: 1024 * 1024,
  /** Milliseconds of walking. */
  ms: 200,
};

/** The most payload a letter keeps, in characters of its JSON-escaped form: the letter must fit
 *  in one NATS message (1 MiB by default) with its headers and reason. */
export const KEPT_PAYLOAD_CHARS = 512 * 1024;

/** The deepest nesting of arrays and objects in a JSON text, read without parsing (strings are
 *  skipped), stopping as soon as it passes `limit`. Linear in the text, no recursion. */
export function jsonNestingDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** The deepest nesting of JSON a consumer or the webhook accepts: far more than any contract
 *  needs, far less than what overflows a recursive walk (zod, JSON.stringify, loggers). */
export const MAX_JSON_DEPTH = 64;

/** Why a JSON text is refused for its nesting, or undefined when it is within MAX_JSON_DEPTH. */
export function nestingRefusal(text: string): string | undefined {
  const depth = jsonNestingDepth(text, MAX_JSON_DEPTH);
  return depth > MAX_JSON_DEPTH ? `nested more than ${MAX_JSON_DEPTH} levels deep (arrays and objects)` : undefined;
}

class ScrubLimitReached extends Error {}

/** The tree with every secret field's value replaced, within SCRUB_LIMITS (or ScrubLimitReached). */
function scrubTree(root: unknown, limits: typeof SCRUB_LIMITS): unknown {
  const started = performance.now();
  let nodes = 0;
  const visit = (value: unknown, depth: number): unknown => {
    nodes++;
    if (nodes > limits.nodes) throw new ScrubLimitReached(`more than ${limits.nodes} values`);
    if (nodes % 1024 === 0 && performance.now() - started > limits.ms)
      throw new ScrubLimitReached(`more than ${limits.ms} ms of scrubbing`);
    if (value === null || typeof value !== 'object') return value;
    if (depth >= limits.depth) throw new ScrubLimitReached(`nested more than ${limits.depth} levels deep`);
    if (Array.isArray(value)) return value.map((v) => visit(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = SECRET_FIELD.test(k) && v !== undefined && v !== null ? REDACTED : visit(v, depth + 1);
    return out;
  };
  return visit(root, 0);
}

/** Secret string fields' values replaced by pattern, in text that is not scrubbed as a tree. */
function redactByPattern(text: string): string {
  return text.replace(SECRET_IN_TEXT, `$1"${REDACTED}"`);
}

/** The text cut to what a letter can carry, and what was cut. */
function fitted(text: string, limit = KEPT_PAYLOAD_CHARS): { payload: string; cut?: string } {
  const escaped = JSON.stringify(text).length;
  if (escaped <= limit) return { payload: text };
  // Escaping can grow a character up to six times; cut in proportion, then to the bound.
  let keep = Math.floor((text.length * limit) / escaped);
  while (keep > 0 && JSON.stringify(text.slice(0, keep)).length > limit) keep = Math.floor(keep * 0.9);
  return { payload: text.slice(0, keep), cut: `only the first ${keep} of ${text.length} characters are kept` };
}

/** What a dead letter keeps of a payload: the text with every secret field's value replaced (in
 *  the JSON tree when it is one within SCRUB_LIMITS, else by pattern), and, when it is not the
 *  scrubbed tree as received, a note saying why. Never throws. */
/** The payload a dead letter keeps, secrets redacted, within `limits` (tests narrow or widen them). */
export function keepPayload(
  payload: string,
  limits: typeof SCRUB_LIMITS = SCRUB_LIMITS,
): { payload: string; note?: string } {
  const asText = (why: string) => {
    const kept = fitted(redactByPattern(payload));
    return {
      payload: kept.payload,
      note: `payload kept as text with secret fields redacted by pattern: ${why}${kept.cut ? `; ${kept.cut}` : ''}`,
    };
  };
  try {
    if (payload.length > limits.chars) return asText(`longer than ${limits.chars} characters`);
    const depth = jsonNestingDepth(payload, limits.depth);
    if (depth > limits.depth) return asText(`nested more than ${limits.depth} levels deep`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      // Not JSON: kept as text, which is what it is; no note needed unless it was cut.
      const kept = fitted(redactByPattern(payload));
      return kept.cut ? { payload: kept.payload, note: `payload is not JSON; ${kept.cut}` } : { payload: kept.payload };
    }
    let scrubbed: unknown;
    try {
      scrubbed = scrubTree(parsed, limits);
    } catch (err) {
      if (err instanceof ScrubLimitReached) return asText(err.message);
      throw err;
    }
    const text = JSON.stringify(scrubbed);
    // Untouched text stays as it came (a replay publishes it again).
    const kept = fitted(text === JSON.stringify(parsed) ? payload : text);
    return kept.cut ? { payload: kept.payload, note: `payload scrubbed; ${kept.cut}` } : { payload: kept.payload };
  } catch (err) {
    // Nothing above should throw; if it does, the letter still lands, saying so.
    try {
      return asText(`the scrubber failed (${(err as Error)?.name ?? 'Error'})`);
    } catch {
      return { payload: '', note: `payload not kept: it could not be scrubbed (${(err as Error)?.name ?? 'Error'})` };
    }
  }
}

/** The payload with every secret field's value replaced; see keepPayload. */
export function scrubPayload(payload: string): string {
  return keepPayload(payload).payload;
}

export function scrubHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, SECRET_FIELD.test(k) ? REDACTED : v]));
}
