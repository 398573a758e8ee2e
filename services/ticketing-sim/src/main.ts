import { serveSimulator } from '@baton/simulator';
import { registerTicketing } from './ticketing.js';

await serveSimulator('ticketing', 'BATON_TICKETING_PORT', 8347, (sim) => registerTicketing(sim));
