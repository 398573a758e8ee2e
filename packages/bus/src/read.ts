// Reads what a stream holds now, oldest first, through a throwaway ordered consumer: for views
// and checks that need a stream's whole content (the audit trail, dead letters, notices), where a
// durable consumer would be the wrong tool. Returns at once when nothing matches.
import type { Bus } from './connection.js';

export interface StoredMessage<T> {
  seq: number;
  subject: string;
  value: T;
}

export async function readStream<T = unknown>(bus: Bus, stream: string, options: { filterSubject?: string; parse?: (value: unknown) => T } = {}): Promise<Array<StoredMessage<T>>> {
  const consumer = await bus.js.consumers.get(stream, options.filterSubject ? { filter_subjects: [options.filterSubject] } : {});
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
