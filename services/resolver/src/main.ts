import { serveAgent } from '@baton/agent';
import { loadConfigOrExit } from '@baton/contracts';
import { ResolverConfig, resolverAgent } from './resolver.js';

const config = loadConfigOrExit('agent-resolver', ResolverConfig);
await serveAgent({ name: 'resolver', build: (bus) => resolverAgent(config, bus) });
