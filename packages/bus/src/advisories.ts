// What happens when a message reaches its consumer's max_deliver without an ack: the server
// stops delivering it and publishes a MAX_DELIVERIES advisory. Advisories are plain NATS
// messages, lost if nobody listens at that moment, and the moment is typically right after the
// only replica crashed on that very message. So a stream captures them, and a durable watcher
// per consumer turns each into a dead letter (the stored message, with the reason) and a count
// on baton.consumer.max_deliveries, the alert. The watcher never loops on a message: when its
// dead letter fails DEAD_LETTER_ATTEMPTS times, the message is quarantined instead (a compact
// letter marked "quarantined:" on the watcher's own dead-letter subject, counted on
// baton.dead_letters.quarantined), and the stored message is left in its stream.
import { RetentionPolicy, StorageType, type StoredMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { perMeter } from '@baton/telemetry';
import { z } from 'zod';
import { streams, subjects } from '@baton/contracts';
import type { Bus } from './connection.js';
import { isNotFound } from './connection.js';
import { deadLetter, deadLetterId, quarantine } from './dead-letter.js';
import { TASKS_WATCHER } from './permissions.js';
import type { ConsumerOptions, RunningConsumer } from './consume.js';

/** Captures every consumer's MAX_DELIVERIES advisory. */
export const ADVISORY_STREAM = 'BATON_ADVISORIES';
export const MAX_DELIVERIES_SUBJECT = '$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES';

export const advisoryStreamConfig = {
  name: ADVISORY_STREAM,
  subjects: [`${MAX_DELIVERIES_SUBJECT}.>`],
  retention: RetentionPolicy.Limits,
  storage: StorageType.File,
  max_age: nanos(7 * 24 * 3600_000),
};

/** The server's io.nats.jetstream.advisory.v1.max_deliver event, the fields we use. */
export const MaxDeliveriesAdvisory = z.object({
  stream: z.string().min(1),
  consumer: z.string().min(1),
  stream_seq: z.number().int().positive(),
  deliveries: z.number().int().nonnegative(),
});

export type MaxDeliveriesCause = 'handler_failed' | 'unacked';

const maxDeliveries = perMeter((meter) =>
  meter.createCounter('baton.consumer.max_deliveries', {
    description:
      'Messages that reached their consumer max_deliver and were dead-lettered, per stream, consumer and cause (handler_failed, unacked)',
  }),
);

/** Counts a message that reached max_deliver; made on first use, after telemetry is set up. */
export function countMaxDeliveries(stream: string, consumer: string, cause: MaxDeliveriesCause): void {
  maxDeliveries().add(1, { 'baton.stream': stream, 'baton.consumer': consumer, 'baton.cause': cause });
}

/** One line for a dead letter's reason: the error's code or class, and the start of its message. */
export function describeError(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  const label = typeof code === 'string' || typeof code === 'number' ? String(code) : ((err as Error)?.name ?? 'Error');
  const message = (err as Error)?.message ?? String(err);
  return `${label}: ${message.slice(0, 200)}`;
}

export async function ensureAdvisoryStream(bus: Bus): Promise<void> {
  try {
    await bus.jsm.streams.info(ADVISORY_STREAM);
    return;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  try {
    await bus.jsm.streams.add({ ...advisoryStreamConfig, num_replicas: bus.replicas });
  } catch (err) {
    // Another service created it between our info and add.
    if (
      !(await bus.jsm.streams.info(ADVISORY_STREAM).then(
        () => true,
        () => false,
      ))
    )
      throw err;
  }
}

/** Failed attempts at a message's dead letter before the watcher quarantines it instead: a
 *  failure that repeats is the message's own (a letter that cannot be stored), not NATS's. */
export const DEAD_LETTER_ATTEMPTS = 3;

/** Durable names allow no dots or wildcards; the watcher's is derived from its consumer's. */
export function watcherName(durable: string): string {
  return `${durable}_max_deliveries`;
}

export async function startMaxDeliveriesWatcher<S extends z.ZodType>(
  bus: Bus,
  watched: ConsumerOptions<S>,
  start: (options: ConsumerOptions<typeof MaxDeliveriesAdvisory>) => Promise<RunningConsumer>,
): Promise<RunningConsumer> {
  return watchMaxDeliveries(bus, {
    stream: watched.stream,
    durable: watcherName(watched.durable),
    filterSubject: `${MAX_DELIVERIES_SUBJECT}.${watched.stream}.${watched.durable}`,
    self: watched.rejectedBy,
    rejectedBy: () => watched.rejectedBy,
    fallbackSubject: watched.filterSubject,
    logger: watched.logger,
    start,
  });
}

/**
 * One watcher for every agent's task consumer, run by the orchestrator: an agent may pull only
 * its own tasks, so it cannot read (or remove) a task by sequence as the watcher must. The dead
 * letter names the agent whose consumer gave up (`agent-<name>` -> `<name>`).
 */
export async function startTaskMaxDeliveriesWatcher(
  bus: Bus,
  logger: ConsumerOptions<z.ZodType>['logger'],
  start: (options: ConsumerOptions<typeof MaxDeliveriesAdvisory>) => Promise<RunningConsumer>,
): Promise<RunningConsumer> {
  return watchMaxDeliveries(bus, {
    stream: streams.tasks,
    durable: TASKS_WATCHER,
    filterSubject: `${MAX_DELIVERIES_SUBJECT}.${streams.tasks}.*`,
    self: 'orchestrator',
    rejectedBy: (consumer) => consumer.replace(/^agent-/, ''),
    fallbackSubject: subjects.tasksAll,
    logger,
    start,
  });
}

/** The watcher itself; the two above are its uses. */
export async function watchMaxDeliveries(
  bus: Bus,
  w: {
    stream: string;
    durable: string;
    filterSubject: string;
    /** Who refuses an advisory that is not one (its own dead letters). */
    self: string;
    rejectedBy: (consumer: string) => string;
    fallbackSubject: string;
    logger: ConsumerOptions<z.ZodType>['logger'];
    start: (options: ConsumerOptions<typeof MaxDeliveriesAdvisory>) => Promise<RunningConsumer>;
  },
): Promise<RunningConsumer> {
  await ensureAdvisoryStream(bus);
  const { config } = await bus.jsm.streams.info(w.stream);
  // A work-queue message is ours alone: once it is in the dead-letter stream, remove it, or it
  // stays there unacked for good. Other streams keep it for their other readers.
  const remove = config.retention === RetentionPolicy.Workqueue;
  return w.start({
    stream: ADVISORY_STREAM,
    durable: w.durable,
    filterSubject: w.filterSubject,
    schema: MaxDeliveriesAdvisory,
    rejectedBy: w.self,
    ackWaitMs: 30_000,
    concurrency: 1,
    logger: w.logger,
    // Keep trying for a long time while NATS is unhealthy; a letter that fails for its own sake
    // is quarantined after DEAD_LETTER_ATTEMPTS.
    maxDeliver: 100,
    watchMaxDeliveries: false,
    handle: async ({ data, msg }) => {
      let stored: StoredMsg | null = null;
      try {
        stored = await bus.jsm.streams.getMessage(data.stream, { seq: data.stream_seq });
      } catch (err) {
        // Gone already (acked late, or removed by an earlier run of this very handler).
        if (!isNotFound(err)) throw err;
      }
      const reason = `reached max_deliver after ${data.deliveries} deliveries without an ack: the handler crashed or hung on every one`;
      w.logger.error(
        {
          stream: data.stream,
          consumer: data.consumer,
          seq: data.stream_seq,
          deliveries: data.deliveries,
          found: stored !== null,
        },
        'message reached max_deliver; dead-lettering',
      );
      const headers: Record<string, string> = {};
      for (const key of stored?.header?.keys() ?? []) headers[key] = stored?.header?.get(key) ?? '';
      const entry = {
        reason,
        rejectedBy: w.rejectedBy(data.consumer),
        subject: stored?.subject ?? w.fallbackSubject,
        payload: stored ? stored.string() : '',
        headers,
      };
      const id = deadLetterId(data.stream, data.stream_seq);
      try {
        await deadLetter(bus.js, entry, id);
      } catch (err) {
        const attempt = msg.info.deliveryCount;
        if (attempt < DEAD_LETTER_ATTEMPTS) {
          w.logger.warn(
            { err, stream: data.stream, seq: data.stream_seq, attempt },
            'could not store the dead letter; will try again',
          );
          throw err;
        }
        // The same failure again and again: keep the message where a person sees it, and stop.
        w.logger.error(
          { err, stream: data.stream, seq: data.stream_seq, attempt },
          'could not store the dead letter; quarantining the message',
        );
        const kept = stored ? `; the message stays in ${data.stream} at sequence ${data.stream_seq}` : '';
        await quarantine(
          bus.js,
          subjects.deadLetter(w.self),
          { ...entry, reason: entry.reason + kept },
          `${describeError(err)} (${attempt} attempts)`,
          id,
        );
        countMaxDeliveries(data.stream, data.consumer, 'unacked');
        return;
      }
      countMaxDeliveries(data.stream, data.consumer, 'unacked');
      if (stored && remove) {
        try {
          await bus.jsm.streams.deleteMessage(data.stream, data.stream_seq, false);
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
    },
  });
}
