export {
  connectBus,
  ensureTopology,
  awaitTopology,
  topologyNeeds,
  openLedger,
  openTrust,
  isNotFound,
  SESSION_BUCKET_MAX_AGE_MS,
  SESSION_BUCKET_MAX_BYTES,
  isRevisionConflict,
  DEDUPLICATION_WINDOW_MS,
  type Bus,
  type BusOptions,
  type TopologyOptions,
} from './connection.js';
export { publishJson, type PublishOptions } from './publish.js';
export { readStream, followStream, type StoredMessage, type FollowedStream } from './read.js';
export {
  deadLetter,
  quarantine,
  headersOf,
  scrubPayload,
  keepPayload,
  scrubHeaders,
  jsonNestingDepth,
  nestingRefusal,
  MAX_JSON_DEPTH,
  SCRUB_LIMITS,
  KEPT_PAYLOAD_CHARS,
  QUARANTINED,
  REDACTED,
} from './dead-letter.js';
export {
  startConsumer,
  ensureConsumer,
  PoisonMessageError,
  DEFAULT_MAX_DELIVER,
  type ConsumerOptions,
  type Delivery,
  type RunningConsumer,
} from './consume.js';
export {
  ADVISORY_STREAM,
  DEAD_LETTER_ATTEMPTS,
  MaxDeliveriesAdvisory,
  watcherName,
  startTaskMaxDeliveriesWatcher,
} from './advisories.js';
export {
  BUCKET_STREAMS,
  permissionsOf,
  natsAuthorizationConfig,
  inboxPrefixOf,
  agentIdentity,
  publisherIdentity,
  simulatorBucket,
  TASKS_WATCHER,
  type Identity,
  type KvGrant,
  type Permissions,
  type AuthorizedUser,
} from './permissions.js';
export { sealTask, sealMatches, type SealedFields } from './seal.js';
export type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
export type { KV } from '@nats-io/kv';
export { storeUsage, observeStorage } from './storage.js';
export { describeIssues, describeJsonError } from '@baton/contracts';
export { ProgressSse, parseLastEventId, withTimeout, type ProgressSseOptions } from './progress-sse.js';
