// `node --conditions=baton-source --import tsx packages/agent/scripts/serve.ts <module>`: serves the agent a module exports
// by default. For agents kept inside their workflow's folder (`workflows/<name>/agents/*.ts`),
// which need no service folder of their own; each still runs as its own process.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serveAgent, type AgentDefinition } from '../src/index.js';

const path = process.argv[2];
if (!path) {
  process.stderr.write('usage: node --conditions=baton-source --import tsx packages/agent/scripts/serve.ts <agent module>\n');
  process.exit(64);
}
const definition = ((await import(pathToFileURL(resolve(path)).href)) as { default?: AgentDefinition }).default;
if (!definition?.contract || typeof definition.handle !== 'function') {
  process.stderr.write(`${path}: must export default defineAgent(contract, { handle })\n`);
  process.exit(78);
}
await serveAgent(definition);
