// `npm run schemas`: writes the JSON Schema documents (see src/json-schema.ts) and removes stale
// ones, so the committed documents always match the zod schemas (a unit test checks it).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Registry } from '../src/registry.js';
import { jsonSchemaDocuments, renderJsonSchema } from '../src/json-schema.js';

const docs = jsonSchemaDocuments(await Registry.load());
const dirs = new Set([...docs.keys()].map((p) => dirname(p)));
for (const dir of dirs) {
  mkdirSync(dir, { recursive: true });
  for (const file of readdirSync(dir)) if (file.endsWith('.schema.json') && !docs.has(join(dir, file))) rmSync(join(dir, file));
}
for (const [path, doc] of docs) writeFileSync(path, renderJsonSchema(doc));
console.log(`wrote ${docs.size} JSON Schema documents into ${dirs.size} folders`);
