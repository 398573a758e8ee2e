// Serves the agent a module exports by default: the agents kept in a workflow's folder
// (`workflows/<name>/agents/*.ts`), which have no main.ts of their own. Used by serve.ts (one agent,
// one process) and by the local service host (@baton/service-host: several in one process).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AgentDefinition } from './define.js';
import { serveAgent } from './service.js';

export class AgentModuleError extends Error {}

export async function serveAgentModule(path: string): Promise<void> {
  const definition = ((await import(pathToFileURL(resolve(path)).href)) as { default?: AgentDefinition }).default;
  if (!definition?.contract || typeof definition.handle !== 'function')
    throw new AgentModuleError(`${path}: must export default defineAgent(contract, { handle })`);
  await serveAgent(definition);
}
