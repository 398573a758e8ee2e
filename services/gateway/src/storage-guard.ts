// What the webhook checks before it answers 202: that NATS is reachable and that the event, and
// the claim the consumer will write for it, fit in their stores. An event accepted while the
// claims bucket is full could never start its workflow (it would reach the dead letters after
// its deliveries, with nobody told); refused with 503 and Retry-After, the publisher tries later.
import { STORES, consumers, hasRoomFor, streams, type StoreUsage } from '@baton/contracts';
import { storeUsage, type Bus } from '@baton/bus';

/** Seconds a publisher should wait: NATS comes back in seconds, freed storage takes a person. */
export const RETRY_AFTER_UNREACHABLE_S = 5;
export const RETRY_AFTER_FULL_S = 60;

/** The webhook cannot store what it was sent; answered 503 with Retry-After and the reason. */
export class StorageUnavailableError extends Error {
  readonly code: 'STORAGE_UNREACHABLE' | 'STORAGE_FULL';
  constructor(
    readonly kind: 'unreachable' | 'full',
    reason: string,
    readonly retryAfterS = kind === 'full' ? RETRY_AFTER_FULL_S : RETRY_AFTER_UNREACHABLE_S,
  ) {
    super(reason);
    this.code = kind === 'full' ? 'STORAGE_FULL' : 'STORAGE_UNREACHABLE';
  }
}

const FULL =
  /maximum (bytes|messages|msgs)[^]*exceeded|insufficient (storage )?resources|no space left|store failed|resource limits exceeded/i;
const UNREACHABLE_NAMES = new Set([
  'TimeoutError',
  'ConnectionError',
  'ClosedConnectionError',
  'DrainingConnectionError',
  'NoRespondersError',
  'RequestError',
]);
const UNREACHABLE =
  /timeout|timed out|connection (closed|refused|lost)|disconnected|no responders|ECONNREFUSED|ECONNRESET/i;

/** A NATS failure as the reason the webhook gives (503), or undefined for any other error. */
export function storageFailure(err: unknown): StorageUnavailableError | undefined {
  if (err instanceof StorageUnavailableError) return err;
  if (!(err instanceof Error)) return undefined;
  const text = `${err.name}: ${err.message}`;
  if (FULL.test(text))
    return new StorageUnavailableError('full', `the event store is full (${err.message}): nothing was recorded`);
  if (UNREACHABLE_NAMES.has(err.name) || UNREACHABLE.test(text))
    return new StorageUnavailableError(
      'unreachable',
      `the event store (NATS) does not answer (${err.message}): nothing was recorded`,
    );
  return undefined;
}

/** Room one claim takes: a create and its started mark (two entries of the bucket's history). */
export function claimNeed(claims: StoreUsage, waiting: number): { bytes: number; msgs: number } {
  const perEntry = claims.msgs > 0 ? Math.ceil(claims.bytes / claims.msgs) : 512;
  const entries = 2 * (waiting + 1);
  return { bytes: entries * perEntry, msgs: entries };
}

/** Refuses at once while the connection to NATS is lost (instead of waiting out a request's timeout). */
export function assertConnected(bus: Bus): void {
  if (!bus.connected)
    throw new StorageUnavailableError('unreachable', 'the event store (NATS) is not connected: nothing was recorded');
}

/** Refuses (throws StorageUnavailableError) unless the event, and its claim when it will write
 *  one (`claims`: false for a resend whose key is claimed, or a signal), can be stored now. */
export async function assertRoomForEvent(bus: Bus, eventBytes: number, claims = true): Promise<void> {
  assertConnected(bus);
  const events = await storeUsage(bus, 'events');
  if (!hasRoomFor(events, { bytes: eventBytes + 512, msgs: 1 })) {
    throw new StorageUnavailableError(
      'full',
      `the event stream ${STORES.events.stream} is full (${events.bytes} of ${events.maxBytes} bytes, ${events.msgs} of ${events.maxMsgs} messages): nothing was recorded`,
    );
  }
  if (!claims) return;
  const [bucket, consumer] = await Promise.all([
    storeUsage(bus, 'eventClaims'),
    bus.jsm.consumers.info(streams.events, consumers.gateway),
  ]);
  // Events already stored but not yet claimed will take their room first.
  const waiting = consumer.num_pending + consumer.num_ack_pending;
  if (!hasRoomFor(bucket, claimNeed(bucket, waiting))) {
    throw new StorageUnavailableError(
      'full',
      `the event claims bucket ${STORES.eventClaims.stream} is full (${bucket.bytes} of ${bucket.maxBytes} bytes, ${bucket.msgs} of ${bucket.maxMsgs} entries, ${waiting} events waiting): nothing was recorded`,
    );
  }
}
