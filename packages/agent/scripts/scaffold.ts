// The agent scaffold: a service folder with one short file and its manifest, the agent's contract
// in the sample agents' table (workflows/samples; move it to the workflow that uses the agent), and
// its service in docker-compose.yml. The local stack finds the folder by itself. Pure text edits
// under `root`, so a test can run it on a copy.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const AGENT_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export const scaffoldPaths = {
  contracts: 'workflows/samples/src/contracts.ts',
  compose: 'docker-compose.yml',
  service: (name: string) => `services/${name}`,
};

export class ScaffoldError extends Error {
  readonly code = 'SCAFFOLD_REFUSED';
}

const key = (name: string) => (/^[a-z][a-z0-9]*$/.test(name) ? name : `'${name}'`);
const access = (name: string) => (/^[a-z][a-z0-9]*$/.test(name) ? `.${name}` : `['${name}']`);

/** The files of a new agent's service folder, by path relative to the folder. */
export function renderAgentFiles(name: string): Record<string, string> {
  const manifest = {
    name: `@baton/${name}`,
    version: '0.1.0',
    private: true,
    type: 'module',
    dependencies: { '@baton/agent': 'workspace:*', '@baton/workflow-samples': 'workspace:*' },
  };
  const main = `// ${name}: scaffolded by \`npm run new-agent -- ${name}\`. Its input and output schemas are its
// entry in workflows/samples/src/contracts.ts; change both together.
import { defineAgent, serveAgent } from '@baton/agent';
import { sampleAgents } from '@baton/workflow-samples/contracts';

await serveAgent(
  defineAgent(sampleAgents${access(name)}, {
    async handle({ text }, ctx) {
      // ctx.model: the configured model chain, these rules last. ctx.tools: MCP tools on this
      // agent's allow-list. ctx.effect: anything that must happen once.
      return ctx.model.object({
        purpose: '${name}-reply',
        schema: sampleAgents${access(name)}.output,
        system: 'You are the ${name} agent. Reply in one or two sentences.',
        prompt: text,
        rules: () => ({ reply: \`${name} received: \${text.slice(0, 200)}\` }),
      });
    },
  }),
);
`;
  return { 'package.json': `${JSON.stringify(manifest, null, 2)}\n`, 'src/main.ts': main };
}

export interface ScaffoldResult {
  created: string[];
  changed: string[];
}

/** Creates agent `name` under root. Refuses (changing nothing) if any part of it already exists. */
export function scaffoldAgent(root: string, name: string): ScaffoldResult {
  if (!AGENT_NAME.test(name))
    throw new ScaffoldError(`"${name}" is not an agent name: lowercase letters and digits, words joined by "-"`);
  const read = (path: string) => readFileSync(join(root, path), 'utf8');
  const folder = scaffoldPaths.service(name);
  if (existsSync(join(root, folder))) throw new ScaffoldError(`${folder} already exists`);

  const contracts = read(scaffoldPaths.contracts);
  const table = contracts.indexOf('export const sampleAgents = {');
  const tableEnd = contracts.indexOf('\n};', table);
  if (table < 0 || tableEnd < 0) throw new ScaffoldError(`no sampleAgents table in ${scaffoldPaths.contracts}`);
  if (contracts.slice(table, tableEnd).includes(`defineAgentContract('${name}'`))
    throw new ScaffoldError(`${name} is already in sampleAgents`);
  const entry = `\n  ${key(name)}: defineAgentContract('${name}', {\n    input: z.object({ text: z.string().min(1).max(4000) }),\n    output: z.object({ reply: z.string().min(1).max(4000) }),\n  }),`;

  const compose = read(scaffoldPaths.compose);
  const volumes = compose.indexOf('\nvolumes:');
  if (volumes < 0)
    throw new ScaffoldError(`no top-level volumes: section to insert before in ${scaffoldPaths.compose}`);
  if (new RegExp(`\\n  ${name}:\\n`).test(compose))
    throw new ScaffoldError(`${name} is already a service in ${scaffoldPaths.compose}`);
  const block = `  ${name}:\n    <<: *baton-service\n    environment: { <<: *baton-env, BATON_SERVICE: ${name} }\n`;

  const created: string[] = [];
  for (const [path, text] of Object.entries(renderAgentFiles(name))) {
    const full = join(root, folder, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, text);
    created.push(`${folder}/${path}`);
  }
  writeFileSync(join(root, scaffoldPaths.contracts), contracts.slice(0, tableEnd) + entry + contracts.slice(tableEnd));
  // Before the blank line that ends the services section.
  const at = compose.slice(0, volumes).replace(/\n+$/, '').length + 1;
  writeFileSync(join(root, scaffoldPaths.compose), `${compose.slice(0, at)}${block}${compose.slice(at)}`);
  return { created, changed: [scaffoldPaths.contracts, scaffoldPaths.compose] };
}
