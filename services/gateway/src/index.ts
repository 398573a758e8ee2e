// What other packages (the test kit, the fuzz tests) use of the gateway.
export { validateEvent, acceptWebhookEvent, type Validation, type WebhookAnswer, type GatewayDeps } from './gateway.js';
export {
  WebhookSource,
  WebhookSources,
  SIGNATURE_HEADERS,
  signWebhook,
  type Admission,
  type Refusal,
} from './sources.js';
export { contentDigest, type EventClaim } from './event-claims.js';
export { validateSignalEvent } from './signals.js';
