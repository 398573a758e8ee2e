import { serveAgent } from '@baton/agent';
import { loadConfigOrExit } from '@baton/contracts';
import { DocsAgentConfig, docsAgent } from './docs-agent.js';

await serveAgent(docsAgent(loadConfigOrExit('agent-docs-search', DocsAgentConfig)));
