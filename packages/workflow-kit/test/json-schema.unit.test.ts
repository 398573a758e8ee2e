// The committed JSON Schema documents are exactly what the zod schemas give today: every
// document of Baton's own and of every registered workflow, and no stale file beside them.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { Registry } from '../src/registry.js';
import { jsonSchemaDocuments, renderJsonSchema } from '../src/json-schema.js';

describe('JSON Schema documents', () => {
  it('match the zod schemas of every contract, with no stale document left', async () => {
    const docs = jsonSchemaDocuments(await Registry.load());
    assert.ok(docs.size > 10, `expected Baton's and the registered workflows' documents, got ${docs.size}`);
    for (const [path, doc] of docs) {
      assert.ok(existsSync(path), `${path} is missing: run \`npm run schemas\``);
      assert.equal(
        readFileSync(path, 'utf8'),
        renderJsonSchema(doc),
        `${path} is out of date: run \`npm run schemas\``,
      );
    }
    for (const dir of new Set([...docs.keys()].map((p) => dirname(p)))) {
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.schema.json')))
        assert.ok(docs.has(join(dir, file)), `${join(dir, file)} is stale: run \`npm run schemas\``);
    }
  });
});
