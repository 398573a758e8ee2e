import { serveAgent } from '@baton/agent';
import { loadConfigOrExit } from '@baton/contracts';
import { CrmAgentConfig, crmAgent } from './crm-agent.js';

const config = loadConfigOrExit('agent-crm-lookup', CrmAgentConfig);
await serveAgent({ name: 'crm-lookup', build: (bus) => crmAgent(config, bus) });
