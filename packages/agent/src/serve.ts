// `node packages/agent/dist/serve.js <module>`: serves the agent a module exports by default. For
// agents kept inside their workflow's folder (`workflows/<name>/agents/*.ts`, built into
// `workflows/<name>/dist/agents/*.js`), which need no service folder of their own; each still
// runs as its own process. A TypeScript agent module (a test's fixture) is served from the
// sources: `node --conditions=baton-source --import tsx packages/agent/src/serve.ts <module>.ts`.
// Not exported by index.ts: importing it serves.
import { AgentModuleError, serveAgentModule } from './serve-module.js';

const path = process.argv[2];
if (!path) {
  process.stderr.write('usage: node packages/agent/dist/serve.js <agent module>\n');
  process.exit(64);
}
try {
  await serveAgentModule(path);
} catch (err) {
  if (!(err instanceof AgentModuleError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(78);
}
