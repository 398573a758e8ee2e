import { serveAgent } from '@baton/agent';
import { loadConfigOrExit } from '@baton/contracts';
import { NotifierConfig, notifierAgent } from './notifier.js';

await serveAgent(notifierAgent(loadConfigOrExit('agent-notifier', NotifierConfig)));
