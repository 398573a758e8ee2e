// The durable consumer against the test stack's real nats-server: the delivery limit ends in a
// dead letter with the reason (handler failures here, crashed deliveries via the server's
// advisory), and messages are never pulled ahead of the handlers that will work on them.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { AckPolicy, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { headers as natsHeaders, nanos } from '@nats-io/transport-node';
import { z } from 'zod';
import { streams, subjects, type DeadLetter } from '@baton/contracts';
import { createLogger } from '@baton/telemetry';
import {
  ADVISORY_STREAM,
  DEAD_LETTER_ATTEMPTS,
  QUARANTINED,
  connectBus,
  ensureConsumer,
  ensureTopology,
  isNotFound,
  PoisonMessageError,
  startConsumer,
  watcherName,
  type Bus,
  type ConsumerOptions,
} from '../src/index.js';
import { MAX_DELIVERIES_SUBJECT, startMaxDeliveriesWatcher, watchMaxDeliveries } from '../src/advisories.js';

// Its own stream per run: dead letters are deduplicated by stream and sequence for two minutes.
const STREAM = `BATON_TEST_BUS_${randomUUID().slice(0, 8)}`;
const logger = createLogger('bus-test', 'error');
const Job = z.object({ n: z.number().int() });

async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('durable consumer', () => {
  let bus: Bus;
  before(async () => {
    bus = await connectBus({ servers: process.env.BATON_NATS_URL ?? 'nats://127.0.0.1:4322', name: 'bus-test' });
    await ensureTopology(bus);
    await bus.jsm.streams
      .add({ name: STREAM, subjects: ['bustest.>'], retention: RetentionPolicy.Workqueue, storage: StorageType.File })
      .catch(async (err: unknown) => {
        if (
          !(await bus.jsm.streams.info(STREAM).then(
            () => true,
            () => false,
          ))
        )
          throw err;
      });
  });
  after(async () => {
    await bus?.jsm.streams.delete(STREAM).catch(() => undefined);
    // The watchers' durables on the shared advisory stream.
    for await (const c of bus.jsm.consumers.list(ADVISORY_STREAM)) {
      if (c.name.startsWith('bustest-')) await bus.jsm.consumers.delete(ADVISORY_STREAM, c.name);
    }
    await bus?.close();
  });

  /** A consumer on its own subject and durable, so tests never see each other's messages. */
  const arrange = () => {
    const id = randomUUID().slice(0, 8);
    return { subject: `bustest.${id}`, durable: `bustest-${id}`, rejectedBy: `bustest-${id}` };
  };
  const publish = (subject: string, value: unknown, i: number) =>
    bus.js.publish(subject, JSON.stringify(value), { msgID: `${subject}:${i}` });
  const lastDeadLetter = async (rejectedBy: string): Promise<DeadLetter | undefined> => {
    try {
      const m = await bus.jsm.streams.getMessage(streams.deadLetters, {
        last_by_subj: subjects.deadLetter(rejectedBy),
      });
      return m ? m.json<DeadLetter>() : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
  const messagesOn = async (subject: string) =>
    (await bus.jsm.streams.info(STREAM, { subjects_filter: subject })).state.subjects?.[subject] ?? 0;
  const options = (
    t: ReturnType<typeof arrange>,
    handle: ConsumerOptions<typeof Job>['handle'],
    extra: Partial<ConsumerOptions<typeof Job>> = {},
  ): ConsumerOptions<typeof Job> => ({
    stream: STREAM,
    durable: t.durable,
    filterSubject: t.subject,
    schema: Job,
    rejectedBy: t.rejectedBy,
    ackWaitMs: 1_000,
    concurrency: 2,
    logger,
    handle,
    ...extra,
  });

  it('sets max_deliver on every consumer it creates or finds', async () => {
    const t = arrange();
    await bus.jsm.consumers.add(STREAM, {
      durable_name: t.durable,
      filter_subject: t.subject,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(5_000),
    });
    assert.equal(
      (await bus.jsm.consumers.info(STREAM, t.durable)).config.max_deliver,
      -1,
      'an old consumer had no limit',
    );
    await ensureConsumer(bus, STREAM, t.durable, t.subject, 5_000);
    assert.equal((await bus.jsm.consumers.info(STREAM, t.durable)).config.max_deliver, 10);
  });

  it('dead-letters a message whose handler fails on every delivery, with the error, after max_deliver deliveries', async () => {
    const t = arrange();
    let calls = 0;
    const consumer = await startConsumer(
      bus,
      options(
        t,
        async () => {
          calls++;
          throw Object.assign(new Error('temporal unreachable'), { code: 'UNAVAILABLE' });
        },
        { maxDeliver: 3 },
      ),
    );
    try {
      await publish(t.subject, { n: 1 }, 1);
      const letter = await eventually('the dead letter', () => lastDeadLetter(t.rejectedBy));
      assert.equal(calls, 3);
      assert.match(letter.reason, /gave up after 3 deliveries/);
      assert.match(letter.reason, /UNAVAILABLE: temporal unreachable/);
      assert.deepEqual(JSON.parse(letter.payload), { n: 1 });
      // The dead letter is published before the message is terminated: wait for the removal itself.
      await eventually('terminated: gone from the work queue', async () =>
        (await messagesOn(t.subject)) === 0 ? true : undefined,
      );
    } finally {
      await consumer.stop();
    }
  });

  it('dead-letters at once what a handler marks as never succeeding (by its flag), and invalid messages', async () => {
    const t = arrange();
    let calls = 0;
    const consumer = await startConsumer(
      bus,
      options(t, async ({ data }) => {
        calls++;
        if (data.n === 1) throw new PoisonMessageError('malformed task token');
        throw Object.assign(new Error('refused'), { code: 'NOT_ALLOWED', retryable: false });
      }),
    );
    try {
      await publish(t.subject, { n: 1 }, 1);
      assert.match(
        (await eventually('the poison letter', () => lastDeadLetter(t.rejectedBy))).reason,
        /malformed task token/,
      );
      await publish(t.subject, { n: 2 }, 2);
      assert.equal(
        await eventually('the refusal letter', async () =>
          (await lastDeadLetter(t.rejectedBy))?.reason === 'refused' ? true : undefined,
        ),
        true,
      );
      await bus.js.publish(t.subject, 'not json', { msgID: `${t.subject}:3` });
      assert.match(
        (
          await eventually('the invalid letter', async () => {
            const letter = await lastDeadLetter(t.rejectedBy);
            return letter?.payload === 'not json' ? letter : undefined;
          })
        ).reason,
        /^not JSON/,
      );
      assert.equal(calls, 2, 'each handled once, never redelivered');
    } finally {
      await consumer.stop();
    }
  });

  it('dead-letters, from the server advisory, a message whose every delivery crashed before an ack', async () => {
    const t = arrange();
    await ensureConsumer(bus, STREAM, t.durable, t.subject, 1_000, 2);
    const watcher = await startMaxDeliveriesWatcher(
      bus,
      options(t, async () => undefined),
      (o) => startConsumer(bus, o),
    );
    try {
      await publish(t.subject, { n: 7 }, 7);
      // Two replicas that each take the message and die before acking (no ack, no nak).
      const raw = await bus.js.consumers.get(STREAM, t.durable);
      for (let delivery = 1; delivery <= 2; delivery++) {
        const msg = await raw.next({ expires: 5_000 });
        assert.equal(msg?.info.deliveryCount, delivery);
      }
      // A third replica asks: that delivery would exceed max_deliver, so the server withholds it
      // and says so in an advisory instead.
      assert.equal(await raw.next({ expires: 3_000 }), null);
      const letter = await eventually('the advisory dead letter', () => lastDeadLetter(t.rejectedBy));
      assert.match(letter.reason, /reached max_deliver after 2 deliveries without an ack/);
      assert.deepEqual(JSON.parse(letter.payload), { n: 7 });
      assert.equal(letter.subject, t.subject);
      await eventually('removal from the work queue', async () =>
        (await messagesOn(t.subject)) === 0 ? true : undefined,
      );
    } finally {
      await watcher.stop();
    }
  });

  it('quarantines, after a bounded number of attempts, a crashed message whose dead letter can never be stored', async () => {
    // A letter that can never be stored, for real: its refusing component's name makes an
    // illegal dead-letter subject, so every publish of it fails; the watcher's own subject is fine.
    const t = arrange();
    await ensureConsumer(bus, STREAM, t.durable, t.subject, 1_000, 1);
    const watcher = await watchMaxDeliveries(bus, {
      stream: STREAM,
      durable: watcherName(t.durable),
      filterSubject: `${MAX_DELIVERIES_SUBJECT}.${STREAM}.${t.durable}`,
      self: t.rejectedBy,
      rejectedBy: () => `${t.rejectedBy} illegal`,
      fallbackSubject: t.subject,
      logger,
      start: (o) => startConsumer(bus, o),
    });
    try {
      const h = natsHeaders();
      h.set('x-case', t.durable);
      h.set('authorization', 'Bearer secret');
      const { seq } = await bus.js.publish(t.subject, JSON.stringify({ n: 8, taskToken: 'dG9rZW4=' }), {
        msgID: `${t.subject}:8`,
        headers: h,
      });
      const raw = await bus.js.consumers.get(STREAM, t.durable);
      assert.equal((await raw.next({ expires: 5_000 }))?.info.deliveryCount, 1, 'delivered once, never acked');
      assert.equal(await raw.next({ expires: 3_000 }), null, 'withheld: max_deliver reached');
      const letter = await eventually('the quarantined letter', () => lastDeadLetter(t.rejectedBy), 30_000);
      assert.ok(letter.reason.startsWith(`${QUARANTINED} reached max_deliver after 1 deliveries`), letter.reason);
      assert.match(
        letter.reason,
        new RegExp(
          `stays in ${STREAM} at sequence ${seq}; its dead letter could not be stored: .*illegal subject.*\\(${DEAD_LETTER_ATTEMPTS} attempts\\)`,
        ),
      );
      assert.equal(letter.rejectedBy, `${t.rejectedBy} illegal`);
      assert.equal(letter.subject, t.subject);
      assert.deepEqual(JSON.parse(letter.payload), { n: 8, taskToken: '[redacted]' });
      assert.equal(letter.headers['x-case'], t.durable);
      assert.equal(letter.headers.authorization, '[redacted]');
      // Settled: the watcher acknowledged the advisory (no further attempt); one letter; the message stays.
      await eventually('the watcher to settle', async () => {
        const info = await bus.jsm.consumers.info(ADVISORY_STREAM, watcherName(t.durable));
        return info.num_ack_pending === 0 && info.num_pending === 0 && info.num_redelivered === 0 ? info : undefined;
      });
      const letters = await bus.jsm.streams.info(streams.deadLetters, {
        subjects_filter: subjects.deadLetter(t.rejectedBy),
      });
      assert.equal(letters.state.subjects?.[subjects.deadLetter(t.rejectedBy)], 1, 'one letter');
      assert.equal(await messagesOn(t.subject), 1, 'the message is kept in its stream');
    } finally {
      await watcher.stop();
    }
  });

  it('never pulls ahead of its handlers: slow handlers past the ack wait see no redelivery', async () => {
    const t = arrange();
    const deliveries: number[] = [];
    let running = 0;
    let maxRunning = 0;
    let maxAckPending = 0;
    const consumer = await startConsumer(
      bus,
      options(t, async ({ msg }) => {
        deliveries.push(msg.info.deliveryCount);
        running++;
        maxRunning = Math.max(maxRunning, running);
        // Each handler takes 1.5 ack waits; it stays alive through working().
        await new Promise((r) => setTimeout(r, 1_500));
        running--;
      }),
    );
    const sampler = setInterval(() => {
      void bus.jsm.consumers.info(STREAM, t.durable).then(
        (i) => (maxAckPending = Math.max(maxAckPending, i.num_ack_pending)),
        () => undefined,
      );
    }, 100);
    try {
      for (let i = 0; i < 6; i++) await publish(t.subject, { n: i }, i);
      await eventually(
        'all six handled',
        async () => ((await messagesOn(t.subject)) === 0 && running === 0 ? true : undefined),
        30_000,
      );
      assert.equal(deliveries.length, 6, 'each message handled exactly once');
      assert.ok(
        deliveries.every((d) => d === 1),
        `no redelivery (delivery counts ${deliveries.join(',')})`,
      );
      assert.ok(maxRunning <= 2);
      assert.ok(
        maxAckPending <= 2,
        `at most concurrency messages delivered and unacked at once (saw ${maxAckPending})`,
      );
    } finally {
      clearInterval(sampler);
      await consumer.stop();
    }
  });
});
