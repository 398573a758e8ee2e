// A durable pull consumer that validates every message with zod before the handler sees it.
// Invalid messages (not JSON, nested too deep, or refused by the schema) go to the dead-letter
// subject with the reason and are terminated; handler
// failures are redelivered with backoff, at most maxDeliver times; while a handler runs the
// message is kept in progress.
//
// Pulling: the consumer asks the server for exactly as many messages as it has free handler
// slots (requests in flight + handlers running <= concurrency), so no message sits in a client
// buffer with its ack wait running while nobody works on it. A delivered message is handed to a
// handler at once, which tells the server it is working every ackWait/3.
//
// The delivery limit, two ways, because each sees a case the other cannot:
// - the last delivery whose handler fails is dead-lettered here, with the handler's error as
//   the reason (the bus checks deliveryCount);
// - a last delivery that never finishes (the process crashed, or hung past its ack wait) is
//   seen only by the server, which publishes a MAX_DELIVERIES advisory. Advisories are captured
//   in a stream (see advisories.ts), so one emitted while every replica is down still arrives;
//   a watcher per consumer dead-letters the stored message and counts it as an alert.
import { AckPolicy, DeliverPolicy, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { Context } from '@opentelemetry/api';
import type { z } from 'zod';
import { extractTraceContext, type Logger } from '@baton/telemetry';
import type { Bus } from './connection.js';
import { isNotFound } from './connection.js';
import { describeIssues, describeJsonError } from '@baton/contracts';
import { deadLetter, deadLetterId, headersOf, nestingRefusal } from './dead-letter.js';
import { countMaxDeliveries, describeError, startMaxDeliveriesWatcher } from './advisories.js';

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
  /** Deliveries of one message before it is dead-lettered (default DEFAULT_MAX_DELIVER). */
  maxDeliver?: number;
  /** Watch the server's MAX_DELIVERIES advisories for this consumer (default true). */
  watchMaxDeliveries?: boolean;
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

/**
 * 10 deliveries with the handler-failure backoff below (0.5 s doubling to 30 s) span about two
 * minutes: longer than a Temporal or NATS restart, short enough that a message that can never
 * succeed reaches a person the same day rather than looping forever.
 */
export const DEFAULT_MAX_DELIVER = 10;

/** How long one pull request waits at the server for messages before it is renewed. */
const PULL_EXPIRES_MS = 30_000;

export async function ensureConsumer(
  bus: Bus,
  stream: string,
  durable: string,
  filterSubject: string,
  ackWaitMs: number,
  maxDeliver = DEFAULT_MAX_DELIVER,
) {
  const config = {
    durable_name: durable,
    filter_subject: filterSubject,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(ackWaitMs),
    max_ack_pending: 1_000,
    max_deliver: maxDeliver,
  };
  try {
    await bus.jsm.consumers.info(stream, durable);
    await bus.jsm.consumers.update(stream, durable, {
      ack_wait: config.ack_wait,
      max_ack_pending: config.max_ack_pending,
      max_deliver: config.max_deliver,
    });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await bus.jsm.consumers.add(stream, config);
  }
}

export async function startConsumer<S extends z.ZodType>(
  bus: Bus,
  options: ConsumerOptions<S>,
): Promise<RunningConsumer> {
  const maxDeliver = options.maxDeliver ?? DEFAULT_MAX_DELIVER;
  await ensureConsumer(bus, options.stream, options.durable, options.filterSubject, options.ackWaitMs, maxDeliver);
  const consumer = await bus.js.consumers.get(options.stream, options.durable);
  const watcher =
    options.watchMaxDeliveries === false
      ? undefined
      : await startMaxDeliveriesWatcher(bus, options, (o) => startConsumer(bus, o));

  let stopping = false;
  /** Messages asked for and not yet delivered, over all open pull requests. */
  let requested = 0;
  let failures = 0;
  const inFlight = new Set<Promise<void>>();
  const pulls = new Set<Promise<void>>();
  const batches = new Set<ConsumerMessages>();

  const pump = () => {
    const free = options.concurrency - inFlight.size - requested;
    if (stopping || free <= 0) return;
    requested += free;
    const pull = pullBatch(free).finally(() => pulls.delete(pull));
    pulls.add(pull);
  };

  const pullBatch = async (count: number) => {
    let received = 0;
    let batch: ConsumerMessages | undefined;
    try {
      batch = await consumer.fetch({ max_messages: count, expires: PULL_EXPIRES_MS });
      batches.add(batch);
      for await (const msg of batch) {
        received++;
        requested--;
        failures = 0;
        const job = handleOne(bus, options, msg, maxDeliver)
          .catch((err: unknown) => {
            // Even the dead-letter publish failed (NATS down): leave the message for redelivery.
            options.logger.error({ err, subject: msg.subject }, 'could not process or dead-letter message');
            msg.nak(1_000);
          })
          .finally(() => {
            inFlight.delete(job);
            pump();
          });
        inFlight.add(job);
        // After a reconnect the client re-sends its pull for the whole batch; never take more.
        if (received >= count) break;
      }
    } catch (err) {
      if (!stopping) {
        failures++;
        options.logger.warn(
          { err, stream: options.stream, durable: options.durable, failures },
          'pull failed; retrying',
        );
        await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** Math.min(failures, 5), 5_000)));
      }
    } finally {
      if (batch) batches.delete(batch);
      requested -= count - received;
      pump();
    }
  };

  pump();
  return {
    stop: async () => {
      stopping = true;
      for (const batch of batches) batch.stop();
      await Promise.allSettled([...pulls]);
      await Promise.allSettled([...inFlight]);
      await watcher?.stop();
    },
  };
}

async function handleOne<S extends z.ZodType>(
  bus: Bus,
  options: ConsumerOptions<S>,
  msg: JsMsg,
  maxDeliver: number,
): Promise<void> {
  const { logger } = options;
  const raw = msg.string();
  // Before anything walks it: a tree too deep would overflow the schema check or a log line.
  const tooDeep = nestingRefusal(raw);
  if (tooDeep) return reject(bus, options, msg, `not accepted: ${tooDeep}`);
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
    // The handler says it can never succeed: by its flag, never by its message text.
    if (err instanceof PoisonMessageError || (err as { retryable?: unknown })?.retryable === false)
      return reject(bus, options, msg, (err as Error).message);
    const deliveries = msg.info.deliveryCount;
    if (deliveries >= maxDeliver) {
      countMaxDeliveries(options.stream, options.durable, 'handler_failed');
      logger.error({ err, subject: msg.subject, deliveries }, 'handler failed on the last delivery; dead-lettering');
      return reject(
        bus,
        options,
        msg,
        `gave up after ${deliveries} deliveries (max_deliver ${maxDeliver}): ${describeError(err)}`,
      );
    }
    const delayMs = Math.min(30_000, 500 * 2 ** Math.min(deliveries - 1, 6));
    logger.warn(
      { err, subject: msg.subject, deliveryCount: deliveries, delayMs },
      'handler failed; message will be redelivered',
    );
    msg.nak(delayMs);
  } finally {
    clearInterval(progress);
  }
}

async function reject<S extends z.ZodType>(
  bus: Bus,
  options: ConsumerOptions<S>,
  msg: JsMsg,
  reason: string,
): Promise<void> {
  options.logger.warn({ subject: msg.subject, reason }, 'message dead-lettered');
  await deadLetter(
    bus.js,
    { reason, rejectedBy: options.rejectedBy, subject: msg.subject, payload: msg.string(), headers: headersOf(msg) },
    // The same id as the advisory watcher's for this message: one dead letter, whoever is first.
    deadLetterId(options.stream, msg.seq),
  );
  msg.term(reason.slice(0, 200));
}
