// The AsyncAPI and OpenAPI documents: the committed ones are what the registry and the zod
// contracts give today, and each is valid by its ecosystem's own validator (@asyncapi/parser for
// AsyncAPI 3.0, @seriousme/openapi-schema-validator for OpenAPI 3.1).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Parser } from '@asyncapi/parser';
import { Validator } from '@seriousme/openapi-schema-validator';
import { webhookAnswers } from '@baton/contracts';
import { Registry } from '../src/registry.js';
import { apiDocumentPath, apiDocuments, asyncApiDocument, openApiDocument } from '../src/api-documents.js';

const registry = await Registry.load();

describe('API documents', () => {
  it('are committed as the registry and the contracts give them (npm run schemas)', () => {
    for (const [name, text] of Object.entries(apiDocuments(registry))) {
      assert.equal(
        readFileSync(apiDocumentPath(name), 'utf8'),
        text,
        `${apiDocumentPath(name)} is out of date: run \`npm run schemas\``,
      );
    }
  });

  it('the AsyncAPI document is valid AsyncAPI 3.0 and has a channel for every registered event type', async () => {
    const doc = asyncApiDocument(registry);
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(doc));
    const errors = diagnostics.filter((d) => d.severity === 0);
    assert.deepEqual(
      errors.map((d) => `${d.path.join('.')}: ${d.message}`),
      [],
      'no errors',
    );
    assert.ok(document, 'parsed');
    const addresses = new Set(
      document
        .channels()
        .all()
        .map((c) => c.address()),
    );
    const types = [...registry.events.keys(), ...registry.signals.keys()];
    assert.ok(types.length >= 5, `event types: ${types.join(', ')}`);
    for (const type of types) assert.ok(addresses.has(`baton.events.${type}`), `a channel for ${type}`);
    for (const address of ['baton.task.{agent}', 'baton.result.{agent}', 'baton.dlq.{rejectedBy}'])
      assert.ok(addresses.has(address), address);
    // Every event message names the Nats-Msg-Id header it needs.
    const message = document
      .messages()
      .all()
      .find((m) => m.id() === 'reservation.requested.v1');
    assert.deepEqual(message?.headers()?.required(), ['Nats-Msg-Id']);
  });

  it('the OpenAPI document is valid OpenAPI 3.1, with the signature as security and every answer of the webhook', async () => {
    const doc = openApiDocument(registry);
    const result = await new Validator().validate(structuredClone(doc) as Parameters<Validator['validate']>[0]);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    const post = (doc.paths as Record<string, { post?: { responses: Record<string, unknown>; security: unknown } }>)[
      '/events'
    ]!.post!;
    assert.deepEqual(Object.keys(post.responses).sort(), Object.keys(webhookAnswers).sort());
    for (const status of ['202', '400', '401', '409', '413', '429', '503']) assert.ok(post.responses[status], status);
    assert.deepEqual(post.security, [{ batonSource: [], batonTimestamp: [], batonSignature: [] }]);
  });
});
