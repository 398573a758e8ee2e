import { serveAgent } from '@baton/agent';
import { loadConfigOrExit } from '@baton/contracts';
import { FilingConfig, filingAgent } from './filing.js';

await serveAgent(filingAgent(loadConfigOrExit('agent-contract-filing', FilingConfig)));
