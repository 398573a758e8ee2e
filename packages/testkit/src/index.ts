export { repoRoot, stackEnv, type StackEnv } from './env.js';
export { waitFor, WaitAbortedError, WaitTimeoutError, type WaitOptions } from './wait.js';
export { NodeProcess, type NodeProcessSpec } from './node-process.js';
export { ServiceProcess, ServiceSet, ALL_SERVICES, allServices, serviceEntry, type ServiceName, type ServiceOptions } from './services.js';
export { temporalClient, payloadKeyEnv, testBus, reservationEvent, postEvent, deadLetters, getJson, fetchTrace, newTraceparent, servicesOf, type JaegerTrace, type JaegerSpan } from './clients.js';
export { startSimulatedModelApi, lastUserText, type SimulatedModelApi, type ModelScript, type ModelReply, type ChatRequest } from './model-api.js';
export { parsePrometheus, sumOf, scrape, type Sample } from '@baton/telemetry';
export { consoleUsers, consoleUsersEnv } from './console-users.js';
export { LOCAL_SOURCE, localWebhookCredentials, signedHeaders, putWebhookSource, ensureLocalWebhookSource, type WebhookCredentials } from './webhook.js';
