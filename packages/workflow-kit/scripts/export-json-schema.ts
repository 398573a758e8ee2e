// `npm run schemas`: writes the JSON Schema documents (see src/json-schema.ts) and removes stale
// ones, so the committed documents always match the zod schemas (a unit test checks it); and the
// AsyncAPI and OpenAPI documents with their reference page into packages/contracts/api (src/api-documents.ts).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Registry } from '../src/registry.js';
import { jsonSchemaDocuments, renderJsonSchema } from '../src/json-schema.js';
import { API_DIR, apiDocumentPath, apiDocuments } from '../src/api-documents.js';

const registry = await Registry.load();
const docs = jsonSchemaDocuments(registry);
const dirs = new Set([...docs.keys()].map((p) => dirname(p)));
for (const dir of dirs) {
  mkdirSync(dir, { recursive: true });
  for (const file of readdirSync(dir))
    if (file.endsWith('.schema.json') && !docs.has(join(dir, file))) rmSync(join(dir, file));
}
for (const [path, doc] of docs) writeFileSync(path, renderJsonSchema(doc));
console.log(`wrote ${docs.size} JSON Schema documents into ${dirs.size} folders`);
mkdirSync(API_DIR, { recursive: true });
const api = apiDocuments(registry);
for (const [name, text] of Object.entries(api)) writeFileSync(apiDocumentPath(name), text);
console.log(`wrote ${Object.keys(api).join(', ')} into ${API_DIR}`);
