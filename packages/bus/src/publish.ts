// Typed JSON publishing to JetStream in a PRODUCER span named and attributed by the
// OpenTelemetry messaging conventions; the span's context travels in the message headers, so
// the consumer's span is its child.
import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { inSpan, injectTraceHeaders, messagingAttributes } from '@baton/telemetry';

const tracer = trace.getTracer('baton-bus');

export interface PublishOptions {
  /** Nats-Msg-Id: JetStream drops a second publish with the same id inside the window. */
  msgID: string;
  headers?: Record<string, string>;
}

export async function publishJson(
  js: JetStreamClient,
  subject: string,
  value: unknown,
  options: PublishOptions,
): Promise<PubAck> {
  const body = JSON.stringify(value);
  const attributes = {
    ...messagingAttributes('send', subject, options.msgID),
    'messaging.message.body.size': Buffer.byteLength(body),
  };
  return inSpan(tracer, `send ${subject}`, { kind: SpanKind.PRODUCER, attributes }, async (span) => {
    const h = natsHeaders();
    for (const [k, v] of Object.entries({ ...options.headers, ...injectTraceHeaders(context.active()) })) h.set(k, v);
    const ack = await js.publish(subject, body, { msgID: options.msgID, headers: h });
    span.setAttributes({
      'baton.jetstream.stream': ack.stream,
      'baton.jetstream.seq': ack.seq,
      'baton.jetstream.duplicate': ack.duplicate,
    });
    return ack;
  });
}
