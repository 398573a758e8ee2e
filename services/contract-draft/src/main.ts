import { serveAgent } from '@baton/agent';
import { loadConfigOrExit } from '@baton/contracts';
import { DraftConfig, draftAgent } from './draft.js';

await serveAgent(draftAgent(loadConfigOrExit('agent-contract-draft', DraftConfig)));
