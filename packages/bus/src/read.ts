// Reads what a stream holds now, oldest first, through a throwaway ordered consumer: for views
// and checks that need a stream's whole content (the audit trail, dead letters, notices), where a
// durable consumer would be the wrong tool. Returns at once when nothing matches. `followStream`
// reads the same way from a sequence on and keeps following (a workflow's progress, served live).
import { DeliverPolicy } from '@nats-io/jetstream';
import type { Bus } from './connection.js';

export interface StoredMessage<T> {
  seq: number;
  subject: string;
  value: T;
}

export async function readStream<T = unknown>(
  bus: Bus,
  stream: string,
  options: { filterSubject?: string; parse?: (value: unknown) => T } = {},
): Promise<Array<StoredMessage<T>>> {
  const consumer = await bus.js.consumers.get(
    stream,
    options.filterSubject ? { filter_subjects: [options.filterSubject] } : {},
  );
  const pending = (await consumer.info()).num_pending;
  const out: Array<StoredMessage<T>> = [];
  if (pending === 0) return out;
  const parse = options.parse ?? ((v: unknown) => v as T);
  for await (const m of await consumer.fetch({ max_messages: pending, expires: 2_000 })) {
    out.push({ seq: m.seq, subject: m.subject, value: parse(m.json()) });
    if (m.info.pending === 0) break;
  }
  return out;
}

export interface FollowedStream<T> extends AsyncIterable<StoredMessage<T>> {
  /** Stops following; the iteration ends. */
  stop(): void;
}

/** What a stream holds after `afterSeq` (0: from the start) under the filter, then every new
 *  message as it is stored, in order (an ordered consumer: it recreates itself after a gap). */
export async function followStream<T = unknown>(
  bus: Bus,
  stream: string,
  options: { filterSubject: string; afterSeq?: number; parse?: (value: unknown) => T },
): Promise<FollowedStream<T>> {
  const after = options.afterSeq ?? 0;
  const consumer = await bus.js.consumers.get(stream, {
    // one subject: it goes in the create request's subject, which permissions can check
    filter_subjects: options.filterSubject,
    ...(after > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: after + 1 } : {}),
  });
  const messages = await consumer.consume({ max_messages: 64 });
  const parse = options.parse ?? ((v: unknown) => v as T);
  return {
    stop: () => void messages.close().catch(() => undefined),
    async *[Symbol.asyncIterator]() {
      for await (const m of messages) yield { seq: m.seq, subject: m.subject, value: parse(m.json()) };
    },
  };
}
