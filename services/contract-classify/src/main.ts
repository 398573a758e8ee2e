import { serveAgent } from '@baton/agent';
import { loadConfigOrExit } from '@baton/contracts';
import { ClassifyConfig, classifyAgent } from './classify.js';

await serveAgent(classifyAgent(loadConfigOrExit('agent-contract-classify', ClassifyConfig)));
