import { serveAgent } from '@baton/agent';
import { loadConfigOrExit } from '@baton/contracts';
import { MailerConfig, supportMailer } from './mailer.js';

await serveAgent(supportMailer(loadConfigOrExit('agent-support-mailer', MailerConfig)));
