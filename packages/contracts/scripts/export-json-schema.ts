// Writes JSON Schema for every inbound event and every agent contract to packages/contracts/json-schema,
// for publishers written in other languages. The zod schemas stay the single source.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AgentResult, AgentTask, agentContracts, DeadLetter, inboundEvents } from '../src/index.js';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'json-schema');
mkdirSync(outDir, { recursive: true });

const documents: Record<string, z.ZodType> = { 'agent-task': AgentTask, 'agent-result': AgentResult, 'dead-letter': DeadLetter };
for (const [type, schema] of Object.entries(inboundEvents)) documents[`event.${type}`] = schema;
for (const [agent, contract] of Object.entries(agentContracts)) {
  documents[`agent.${agent}.input`] = contract.input;
  documents[`agent.${agent}.output`] = contract.output;
}
for (const [name, schema] of Object.entries(documents)) {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  writeFileSync(join(outDir, `${name}.schema.json`), `${JSON.stringify({ $id: name, ...json }, null, 2)}\n`);
}
console.log(`wrote ${Object.keys(documents).length} JSON Schema documents to ${outDir}`);
