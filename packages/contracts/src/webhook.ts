// The webhook's answers (POST /events on the gateway), as zod schemas: the OpenAPI document is
// generated from them (packages/workflow-kit/src/api-documents.ts), and the publishers' tests
// check the gateway's real answers against them, so the document cannot drift from the gateway.
import { z } from 'zod';

/** The signature headers every request carries (docs/secure.md, "Webhook publishers sign their requests"). */
export const webhookSignatureHeaders = {
  source: 'X-Baton-Source',
  timestamp: 'X-Baton-Timestamp',
  signature: 'X-Baton-Signature',
} as const;

/** 202: the event is on the events stream (or was already: `duplicate`). */
export const WebhookAccepted = z
  .object({
    eventId: z.string().describe("the event's id, its Nats-Msg-Id on the stream"),
    workflowId: z.string().describe('the workflow it starts or signals (derived from the idempotency key)'),
    duplicate: z
      .boolean()
      .describe("true when the same event id was already published within the stream's duplicate window"),
    stream: z.string().describe('the JetStream stream that holds it (BATON_EVENTS)'),
    seq: z.number().int().describe('its sequence in that stream'),
    traceId: z.string().optional().describe('the trace of this request (W3C trace id)'),
  })
  .describe('The event was accepted and published; its workflow starts (or is signalled) from the stream.');

/** Every refusal: a machine-readable error and a sentence saying what to do. */
export const WebhookRefusal = z
  .object({
    error: z
      .string()
      .describe(
        'what kind of refusal, e.g. INVALID_EVENT, BAD_SIGNATURE, RATE_LIMITED, IDEMPOTENCY_CONFLICT, STORAGE_UNREACHABLE, STORAGE_FULL',
      ),
    reason: z.string().describe('what is wrong, in words, naming the field or the limit'),
    workflowId: z.string().optional().describe('with 409: the workflow the idempotency key already started'),
    retryAfterS: z
      .number()
      .int()
      .optional()
      .describe('with 503: the seconds to wait before sending the same request again (also the Retry-After header)'),
    traceId: z.string().optional().describe('the trace of this request (W3C trace id)'),
  })
  .describe('The request was refused; `reason` says why and what to do.');

/** 413: the body is over the webhook's limit; Fastify's own answer. */
export const WebhookTooLarge = z
  .object({
    statusCode: z.literal(413),
    code: z.string().describe('FST_ERR_CTP_BODY_TOO_LARGE'),
    error: z.string(),
    message: z.string(),
  })
  .describe('The body is larger than 256 KiB; nothing was read or dead-lettered.');

export const WEBHOOK_BODY_LIMIT_BYTES = 256 * 1024;

/** Each answer of POST /events, what it means and what a publisher does about it. */
export const webhookAnswers = {
  202: {
    schema: WebhookAccepted,
    description:
      'Accepted: the event is on the stream. With `duplicate: true` it was already there (the same event id): nothing new starts.',
  },
  400: {
    schema: WebhookRefusal,
    description:
      'INVALID_EVENT: not JSON, not an envelope, an unknown type or invalid data. The body is dead-lettered with the reason. Do not retry as is: fix the event.',
  },
  401: {
    schema: WebhookRefusal,
    description:
      'Unsigned, unknown source, bad signature or a timestamp outside the replay window (300 s). Check the source id, the secret and the clock; sign again.',
  },
  403: { schema: WebhookRefusal, description: 'The source is revoked, or may not send this event type.' },
  409: {
    schema: WebhookRefusal,
    description:
      'IDEMPOTENCY_CONFLICT: the idempotency key already started a workflow with different content. Do not retry: send a new request under a new key.',
  },
  413: { schema: WebhookTooLarge, description: 'The body is over 256 KiB.' },
  429: {
    schema: WebhookRefusal,
    description:
      "RATE_LIMITED: over the source's rate limit. Wait the `Retry-After` seconds, then send the same request again (signed anew: the same event id and key are safe to resend).",
  },
  503: {
    schema: WebhookRefusal,
    description:
      'The gateway cannot store the event now (its storage is down or full). Wait the `Retry-After` seconds and send the same request again.',
  },
} as const;
