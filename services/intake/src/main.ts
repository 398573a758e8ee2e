import { serveAgent } from '@baton/agent';
import { loadConfigOrExit } from '@baton/contracts';
import { IntakeConfig, intakeAgent } from './intake.js';

await serveAgent(intakeAgent(loadConfigOrExit('agent-intake', IntakeConfig)));
