import { serveAgent } from '@baton/agent';
import { loadConfigOrExit } from '@baton/contracts';
import { ExtractConfig, extractAgent } from './extract.js';

await serveAgent(extractAgent(loadConfigOrExit('agent-contract-extract', ExtractConfig)));
