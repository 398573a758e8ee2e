export { connectBus, ensureTopology, openLedger, openTrust, isNotFound, isRevisionConflict, DEDUPLICATION_WINDOW_MS, type Bus, type BusOptions } from './connection.js';
export { publishJson, type PublishOptions } from './publish.js';
export { readStream, type StoredMessage } from './read.js';
export { deadLetter, describeIssues, describeJsonError, headersOf } from './dead-letter.js';
export { startConsumer, ensureConsumer, PoisonMessageError, DEFAULT_MAX_DELIVER, type ConsumerOptions, type Delivery, type RunningConsumer } from './consume.js';
export { ADVISORY_STREAM, MaxDeliveriesAdvisory, watcherName } from './advisories.js';
export type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
export type { KV } from '@nats-io/kv';
