import { serveAgent } from '@baton/agent';
import { intake } from './intake.js';

await serveAgent(intake);
