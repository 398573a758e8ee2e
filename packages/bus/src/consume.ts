// A durable pull consumer that validates every message with zod before the handler sees it.
// Invalid messages go to the dead-letter subject with the reason and are terminated; handler
// failures are redelivered with backoff; while a handler runs the message is kept in progress.
import { AckPolicy, DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { Context } from '@opentelemetry/api';
import type { z } from 'zod';
import { extractTraceContext, type Logger } from '@baton/telemetry';
import type { Bus } from './connection.js';
import { isNotFound } from './connection.js';
import { deadLetter, describeIssues, describeJsonError, headersOf } from './dead-letter.js';

export interface ConsumerOptions<S extends z.ZodType> {
  stream: string;
  durable: string;
  filterSubject: string;
  schema: S;
  /** Names who refused an invalid message in its dead letter. */
  rejectedBy: string;
  /** How long a message may go without an ack or progress before it is redelivered. */
  ackWaitMs: number;
  concurrency: number;
  logger: Logger;
  handle: (delivery: Delivery<z.output<S>>) => Promise<void>;
}

export interface Delivery<T> {
  data: T;
  msg: JsMsg;
  /** The trace context the publisher sent, for the consumer span's parent. */
  traceContext: Context;
}

/** Thrown by a handler to say: do not redeliver, the message can never succeed. */
export class PoisonMessageError extends Error {
  readonly code = 'POISON_MESSAGE';
  readonly retryable = false;
}

export interface RunningConsumer {
  stop(): Promise<void>;
}

export async function ensureConsumer(bus: Bus, stream: string, durable: string, filterSubject: string, ackWaitMs: number) {
  const config = {
    durable_name: durable,
    filter_subject: filterSubject,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(ackWaitMs),
    max_ack_pending: 1_000,
  };
  try {
    await bus.jsm.consumers.info(stream, durable);
    await bus.jsm.consumers.update(stream, durable, { ack_wait: config.ack_wait, max_ack_pending: config.max_ack_pending });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await bus.jsm.consumers.add(stream, config);
  }
}

export async function startConsumer<S extends z.ZodType>(bus: Bus, options: ConsumerOptions<S>): Promise<RunningConsumer> {
  await ensureConsumer(bus, options.stream, options.durable, options.filterSubject, options.ackWaitMs);
  const consumer = await bus.js.consumers.get(options.stream, options.durable);
  const messages = await consumer.consume({ max_messages: Math.max(options.concurrency * 2, 10) });
  const inFlight = new Set<Promise<void>>();

  const loop = (async () => {
    for await (const msg of messages) {
      const job = handleOne(bus, options, msg)
        .catch((err: unknown) => {
          // Even the dead-letter publish failed (NATS down): leave the message for redelivery.
          options.logger.error({ err, subject: msg.subject }, 'could not process or dead-letter message');
          msg.nak(1_000);
        })
        .finally(() => inFlight.delete(job));
      inFlight.add(job);
      if (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    }
  })();

  return {
    stop: async () => {
      await messages.close();
      await loop;
      await Promise.allSettled(inFlight);
    },
  };
}

async function handleOne<S extends z.ZodType>(bus: Bus, options: ConsumerOptions<S>, msg: JsMsg): Promise<void> {
  const { logger } = options;
  const raw = msg.string();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    return reject(bus, options, msg, `not JSON: ${describeJsonError(err)}`);
  }
  const result = options.schema.safeParse(parsed);
  if (!result.success) return reject(bus, options, msg, `invalid message: ${describeIssues(result.error.issues)}`);

  const traceContext = extractTraceContext((name) => msg.headers?.get(name) || undefined);
  // Tell the server we are still working, so a long handler does not trigger redelivery.
  const progress = setInterval(() => msg.working(), Math.max(options.ackWaitMs / 3, 200));
  try {
    await options.handle({ data: result.data, msg, traceContext });
    await msg.ackAck();
  } catch (err) {
    if (err instanceof PoisonMessageError) return reject(bus, options, msg, err.message);
    const delayMs = Math.min(30_000, 500 * 2 ** Math.min(msg.info.deliveryCount - 1, 6));
    logger.warn({ err, subject: msg.subject, deliveryCount: msg.info.deliveryCount, delayMs }, 'handler failed; message will be redelivered');
    msg.nak(delayMs);
  } finally {
    clearInterval(progress);
  }
}

async function reject<S extends z.ZodType>(bus: Bus, options: ConsumerOptions<S>, msg: JsMsg, reason: string): Promise<void> {
  options.logger.warn({ subject: msg.subject, reason }, 'message dead-lettered');
  await deadLetter(
    bus.js,
    { reason, rejectedBy: options.rejectedBy, subject: msg.subject, payload: msg.string(), headers: headersOf(msg) },
    `dlq:${options.stream}:${msg.seq}`,
  );
  msg.term(reason.slice(0, 200));
}
