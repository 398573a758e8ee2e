// Typed JSON publishing to JetStream, carrying the active trace context in headers.
import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { injectTraceHeaders } from '@baton/telemetry';

export interface PublishOptions {
  /** Nats-Msg-Id: JetStream drops a second publish with the same id inside the window. */
  msgID: string;
  headers?: Record<string, string>;
}

export async function publishJson(js: JetStreamClient, subject: string, value: unknown, options: PublishOptions): Promise<PubAck> {
  const h = natsHeaders();
  for (const [k, v] of Object.entries({ ...injectTraceHeaders(), ...options.headers })) h.set(k, v);
  return js.publish(subject, JSON.stringify(value), { msgID: options.msgID, headers: h });
}
