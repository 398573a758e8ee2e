// The documents integrators generate clients and browse docs from, generated from the registry
// and the zod contracts (the single source, as the JSON Schema documents are):
//   - an AsyncAPI 3.0 document of the NATS channels: every registered event type and version
//     (baton.events.<type>, with the Nats-Msg-Id header), and for agent authors the task, result
//     and dead-letter channels;
//   - an OpenAPI 3.1 document of the gateway's HTTP API: POST /events with the signature headers
//     as a security scheme and every answer with its body;
//   - a reference page (static HTML, no scripts, no CDN) a person can read.
// `npm run schemas` writes them into packages/contracts/api; the gateway serves the same documents
// made from its own registry (/asyncapi.json, /openapi.json, /reference).
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { z } from 'zod';
import {
  AgentResult,
  AgentTask,
  DeadLetter,
  WEBHOOK_BODY_LIMIT_BYTES,
  webhookAnswers,
  webhookSignatureHeaders,
  subjects,
} from '@baton/contracts';
import { isUpcastRoute, type Registry } from './registry.js';

export const API_DIR = fileURLToPath(new URL('../../contracts/api/', import.meta.url));
const VERSION = '1.0.0';

type Json = Record<string, unknown>;

/** A zod schema as plain JSON Schema, without the dialect line (each document states its own). */
function schemaOf(schema: z.ZodType, target: 'draft-7' | 'draft-2020-12'): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target,
  }) as Json;
  return rest;
}

interface EventEntry {
  type: string;
  workflow: string;
  schema: z.ZodType;
  /** 'starts' a workflow, or 'signals' a running one. */
  role: 'starts' | 'signals';
  deprecated?: string;
}

/** Every registered event type, in a stable order. */
function eventsOf(registry: Registry): EventEntry[] {
  const all: EventEntry[] = [];
  for (const [type, { route, workflow }] of registry.events) {
    const deprecated = isUpcastRoute(route)
      ? `Superseded by ${route.upcastTo}; accepted ${route.acceptedUntil ? `until ${route.acceptedUntil}` : 'until further notice'}.`
      : undefined;
    all.push({
      type,
      workflow: workflow.definition.type,
      schema: route.schema,
      role: 'starts',
      ...(deprecated ? { deprecated } : {}),
    });
  }
  for (const [type, { workflow, route }] of registry.signals)
    all.push({ type, workflow: workflow.definition.type, schema: route.schema, role: 'signals' });
  return all.sort((a, b) => a.type.localeCompare(b.type));
}

const natsMsgIdHeaders = {
  type: 'object',
  properties: {
    'Nats-Msg-Id': {
      type: 'string',
      description:
        "The event's id. JetStream drops a second message with the same id within the stream's duplicate window (2 minutes); the workflow's idempotency key guards beyond it.",
    },
    traceparent: { type: 'string', description: "W3C trace context (optional): the workflow's trace continues yours." },
  },
  required: ['Nats-Msg-Id'],
};

export function asyncApiDocument(registry: Registry): Json {
  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};
  for (const event of eventsOf(registry)) {
    const what =
      event.role === 'starts'
        ? `starts a ${event.workflow} workflow`
        : `signals the running ${event.workflow} workflow it names`;
    messages[event.type] = {
      name: event.type,
      title: event.type,
      summary: `${event.type}: ${what}.${event.deprecated ? ` Deprecated: ${event.deprecated}` : ''}`,
      contentType: 'application/json',
      headers: natsMsgIdHeaders,
      payload: {
        ...schemaOf(event.schema, 'draft-7'),
        ...(event.deprecated ? { deprecated: true, description: event.deprecated } : {}),
      },
    };
    channels[event.type] = {
      address: subjects.event(event.type),
      title: event.type,
      description: `Publish ${event.type} events here (JetStream stream BATON_EVENTS); the gateway validates each one, ${what}, and dead-letters what is invalid.`,
      messages: { [event.type]: { $ref: `#/components/messages/${event.type}` } },
    };
    operations[`publish.${event.type}`] = {
      action: 'send',
      title: `Publish ${event.type}`,
      channel: { $ref: `#/channels/${event.type}` },
      messages: [{ $ref: `#/channels/${event.type}/messages/${event.type}` }],
    };
  }
  messages.AgentTask = {
    name: 'AgentTask',
    title: 'A task for an agent',
    contentType: 'application/json',
    payload: schemaOf(AgentTask, 'draft-7'),
  };
  messages.AgentResult = {
    name: 'AgentResult',
    title: "An agent's result",
    contentType: 'application/json',
    payload: schemaOf(AgentResult, 'draft-7'),
  };
  messages.DeadLetter = {
    name: 'DeadLetter',
    title: 'A refused message with the reason',
    contentType: 'application/json',
    payload: schemaOf(DeadLetter, 'draft-7'),
  };
  const agent = { description: 'The agent\'s name, e.g. "intake".' };
  channels.task = {
    address: subjects.task('{agent}'),
    title: 'Tasks for an agent',
    description:
      "The orchestrator's tasks for one agent (work-queue stream BATON_TASKS; each agent reads them through its own consumer agent-<agent>).",
    parameters: { agent },
    messages: { AgentTask: { $ref: '#/components/messages/AgentTask' } },
  };
  channels.result = {
    address: subjects.result('{agent}'),
    title: "An agent's results",
    description:
      'What an agent answers to each task (stream BATON_RESULTS); the result bridge hands it to the waiting workflow.',
    parameters: { agent },
    messages: { AgentResult: { $ref: '#/components/messages/AgentResult' } },
  };
  channels.deadLetter = {
    address: subjects.deadLetter('{rejectedBy}'),
    title: 'Dead letters',
    description:
      "Everything refused, with the reason and the payload as received (stream BATON_DLQ). The gateway's are on baton.dlq.gateway; an operator may replay one after a fix (`baton events replay`).",
    parameters: { rejectedBy: { description: "Who refused it: gateway, bridge, or an agent's name." } },
    messages: { DeadLetter: { $ref: '#/components/messages/DeadLetter' } },
  };
  operations.receiveTask = {
    action: 'receive',
    title: 'An agent receives its tasks',
    channel: { $ref: '#/channels/task' },
    messages: [{ $ref: '#/channels/task/messages/AgentTask' }],
  };
  operations.sendResult = {
    action: 'send',
    title: 'An agent sends its result',
    channel: { $ref: '#/channels/result' },
    messages: [{ $ref: '#/channels/result/messages/AgentResult' }],
  };
  operations.receiveDeadLetter = {
    action: 'receive',
    title: 'Read dead letters',
    channel: { $ref: '#/channels/deadLetter' },
    messages: [{ $ref: '#/channels/deadLetter/messages/DeadLetter' }],
  };
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Baton events',
      version: VERSION,
      description:
        'The NATS subjects of Baton: events existing systems publish (one channel per registered event type and version), and the task, result and dead-letter channels agents use. Every client connects as its own nkey user.',
    },
    defaultContentType: 'application/json',
    servers: {
      local: {
        host: '127.0.0.1:4222',
        protocol: 'nats',
        description: "The local stack's NATS server (JetStream). Clients authenticate with an nkey seed.",
        security: [{ $ref: '#/components/securitySchemes/nkey' }],
      },
    },
    channels,
    operations,
    components: {
      messages,
      securitySchemes: {
        nkey: {
          type: 'userPassword',
          description:
            "An nkey user: the client signs the server's nonce with its seed (nats.go UserJWTAndSeed/NkeyOptionFromSeed, nats.js nkeyAuthenticator); the server knows only the public key.",
        },
      },
    },
  };
}

export function openApiDocument(registry: Registry): Json {
  const schemas: Json = {};
  const events = eventsOf(registry);
  for (const event of events)
    schemas[event.type] = {
      ...schemaOf(event.schema, 'draft-2020-12'),
      ...(event.deprecated ? { deprecated: true, description: event.deprecated } : {}),
    };
  const responses: Json = {};
  for (const [status, answer] of Object.entries(webhookAnswers)) {
    const name =
      answer.schema === webhookAnswers[202].schema
        ? 'WebhookAccepted'
        : answer.schema === webhookAnswers[413].schema
          ? 'WebhookTooLarge'
          : 'WebhookRefusal';
    schemas[name] = schemaOf(answer.schema, 'draft-2020-12');
    const retry = status === '429' || status === '503';
    responses[status] = {
      description: answer.description,
      ...(retry
        ? {
            headers: {
              'Retry-After': {
                description: 'Seconds to wait before sending the request again.',
                schema: { type: 'integer', minimum: 1 },
              },
            },
          }
        : {}),
      content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } },
    };
  }
  const json = (description: string) => ({
    description,
    content: { 'application/json': { schema: { type: 'object' } } },
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Baton gateway',
      version: VERSION,
      description:
        'The webhook for systems that cannot speak NATS: POST one event envelope to /events, signed as your source. HMAC-SHA256 over "<timestamp>.<raw body>" with one of the source\'s secrets, sent as X-Baton-Signature: v1=<hex>.',
    },
    servers: [{ url: 'http://127.0.0.1:8340', description: "The local stack's gateway" }],
    paths: {
      '/events': {
        post: {
          operationId: 'postEvent',
          summary: 'Send one event',
          description: `The body is one event envelope (CloudEvents attributes, Baton's idempotency key, the type's data), at most ${WEBHOOK_BODY_LIMIT_BYTES / 1024} KiB. All three signature headers are required.`,
          security: [{ batonSource: [], batonTimestamp: [], batonSignature: [] }],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { oneOf: events.map((e) => ({ $ref: `#/components/schemas/${e.type}` })) },
              },
            },
          },
          responses,
        },
      },
      '/health': {
        get: { operationId: 'health', summary: 'Liveness', security: [], responses: { 200: json('{"ok":true}') } },
      },
      '/asyncapi.json': {
        get: {
          operationId: 'asyncApi',
          summary: "This API's AsyncAPI 3.0 document (NATS channels)",
          security: [],
          responses: { 200: json('The AsyncAPI document') },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openApi',
          summary: 'This OpenAPI 3.1 document',
          security: [],
          responses: { 200: json('The OpenAPI document') },
        },
      },
      '/reference': {
        get: {
          operationId: 'reference',
          summary: 'The reference page (HTML)',
          security: [],
          responses: { 200: { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } } },
        },
      },
    },
    components: {
      schemas,
      securitySchemes: {
        batonSource: {
          type: 'apiKey',
          in: 'header',
          name: webhookSignatureHeaders.source,
          description: 'The source id (a key of the baton_webhook_sources bucket).',
        },
        batonTimestamp: {
          type: 'apiKey',
          in: 'header',
          name: webhookSignatureHeaders.timestamp,
          description: 'Unix seconds when signed; refused outside the replay window (300 s).',
        },
        batonSignature: {
          type: 'apiKey',
          in: 'header',
          name: webhookSignatureHeaders.signature,
          description:
            'v1=<hex HMAC-SHA256 of "<timestamp>.<raw body>"> under one of the source\'s secrets. The secret itself never travels.',
        },
      },
    },
  };
}

const esc = (s: unknown) =>
  String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A property table of one JSON Schema object, nested objects flattened with dotted names. */
function propertyRows(schema: Json, prefix = ''): string[] {
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required ?? []) as string[]);
  const rows: string[] = [];
  for (const [name, property] of Object.entries(properties)) {
    const constraints = [
      'const',
      'enum',
      'minLength',
      'maxLength',
      'minimum',
      'maximum',
      'pattern',
      'format',
      'minItems',
      'maxItems',
    ]
      .filter((k) => k in property)
      .map((k) => `${k}: ${JSON.stringify(property[k])}`);
    const type = property.type ?? (property.anyOf ? 'one of several' : 'any');
    rows.push(
      `<tr><td><code>${esc(prefix + name)}</code></td><td>${esc(Array.isArray(type) ? type.join(' | ') : type)}</td><td>${required.has(name) ? 'yes' : ''}</td><td>${esc(constraints.join('; '))}${property.description ? ` ${esc(property.description)}` : ''}</td></tr>`,
    );
    if (property.type === 'object' && property.properties) rows.push(...propertyRows(property, `${prefix}${name}.`));
  }
  return rows;
}

/** The reference page: channels, events with their fields, and the webhook's answers. */
export function referencePage(asyncApi: Json, openApi: Json): string {
  const channels = asyncApi.channels as Record<string, Json>;
  const messages = (asyncApi.components as { messages: Record<string, Json> }).messages;
  const post = (openApi.paths as { '/events': { post: { responses: Record<string, { description: string }> } } })[
    '/events'
  ].post;
  const sections = Object.entries(channels).map(([id, channel]) => {
    const refs = Object.values(channel.messages as Record<string, { $ref: string }>);
    const body = refs.map((r) => {
      const message = messages[r.$ref.split('/').at(-1)!]!;
      return `<p>${esc(message.summary ?? message.title)}</p><table><tr><th>field</th><th>type</th><th>required</th><th>constraints</th></tr>${propertyRows(message.payload as Json).join('')}</table>`;
    });
    return `<section id="${esc(id)}"><h3>${esc(channel.title)}</h3><p>Subject <code>${esc(channel.address)}</code>. ${esc(channel.description)}</p>${body.join('')}</section>`;
  });
  const answers = Object.entries(post.responses).map(
    ([status, r]) => `<tr><td>${esc(status)}</td><td>${esc(r.description)}</td></tr>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Baton: events and webhook reference</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.4}table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}code{font-size:.9em}</style></head>
<body><h1>Baton: events and webhook reference</h1>
<p>Generated by <code>npm run schemas</code> from the registry and the zod contracts, as are the machine-readable documents: <a href="/asyncapi.json">AsyncAPI 3.0</a> (NATS channels) and <a href="/openapi.json">OpenAPI 3.1</a> (the webhook).</p>
<h2>The webhook: POST /events</h2>
<p>${esc((openApi.info as Json).description)} Headers: <code>${esc(webhookSignatureHeaders.source)}</code>, <code>${esc(webhookSignatureHeaders.timestamp)}</code>, <code>${esc(webhookSignatureHeaders.signature)}</code>.</p>
<table><tr><th>answer</th><th>meaning and what to do</th></tr>${answers.join('')}</table>
<h2>NATS channels</h2>
<p>Publish an event to its subject with the header <code>Nats-Msg-Id</code> set to the event's id, connected as your own nkey user.</p>
<nav><ul>${Object.entries(channels)
    .map(([id, c]) => `<li><a href="#${esc(id)}">${esc(c.title)}</a></li>`)
    .join('')}</ul></nav>
${sections.join('\n')}
</body></html>
`;
}

/** The three documents by their file names. */
export function apiDocuments(registry: Registry): {
  'asyncapi.json': string;
  'openapi.json': string;
  'reference.html': string;
} {
  const asyncApi = asyncApiDocument(registry);
  const openApi = openApiDocument(registry);
  return {
    'asyncapi.json': `${JSON.stringify(asyncApi, null, 2)}\n`,
    'openapi.json': `${JSON.stringify(openApi, null, 2)}\n`,
    'reference.html': referencePage(asyncApi, openApi),
  };
}

export const apiDocumentPath = (name: string) => join(API_DIR, name);
