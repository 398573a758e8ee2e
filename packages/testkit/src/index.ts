export { repoRoot, stackEnv, type StackEnv } from './env.js';
export { waitFor, WaitAbortedError, WaitTimeoutError, type WaitOptions } from './wait.js';
export { NodeProcess, type NodeProcessSpec } from './node-process.js';
export {
  ServiceProcess,
  ServiceSet,
  SharedServiceProcess,
  sharedServices,
  OWN_SERVICES_MARK,
  SHARED_SERVICES_VARIABLE,
  ALL_SERVICES,
  PLATFORM_SERVICES,
  allServices,
  servicesForWorkflows,
  serviceEntry,
  buildServices,
  serviceEnv,
  type ServiceName,
  type ServiceOptions,
  type ServiceSetOptions,
} from './services.js';
export {
  temporalClient,
  payloadKeyEnv,
  testBus,
  todayUtc,
  daysAfter,
  nextWeekday,
  reservationEvent,
  postEvent,
  deadLetters,
  getJson,
  fetchTrace,
  newTraceparent,
  servicesOf,
  type TraceRecord,
  type ZipkinSpan,
  spanNamed,
  spanNames,
} from './clients.js';
export {
  startSimulatedModelApi,
  lastUserText,
  type SimulatedModelApi,
  type ModelScript,
  type ModelReply,
  type ChatRequest,
} from './model-api.js';
export { parsePrometheus, sumOf, scrape, type Sample } from '@baton/telemetry';
export { consoleUsers, consoleUsersEnv } from './console-users.js';
export {
  identityOf,
  identityEnv,
  seedFileOf,
  sealKeyFile,
  natsAuthFile,
  natsAuthEnabled,
  writeNatsIdentities,
  ensureNatsIdentities,
  addNatsPublisher,
  adminSeed,
  ADMIN_IDENTITY,
} from './identities.js';
export {
  temporalTlsDir,
  temporalTlsEnv,
  temporalIdentityEnv,
  temporalConnectionAs,
  ensureTemporalCertificate,
} from './temporal-identities.js';
export {
  LOCAL_SOURCE,
  LOCAL_EVENT_SOURCE,
  localWebhookCredentials,
  signedHeaders,
  putWebhookSource,
  ensureLocalWebhookSource,
  type WebhookCredentials,
} from './webhook.js';
