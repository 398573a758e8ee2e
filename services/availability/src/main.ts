import { serveAgent } from '@baton/agent';
import { loadConfigOrExit } from '@baton/contracts';
import { AvailabilityConfig, availabilityAgent } from './availability.js';

await serveAgent(availabilityAgent(loadConfigOrExit('agent-availability', AvailabilityConfig)));
