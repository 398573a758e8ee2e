import { serveSimulator } from '@baton/simulator';
import { registerMessaging } from './messaging.js';

await serveSimulator('messaging', 'BATON_MESSAGING_PORT', 8342, (sim) => registerMessaging(sim));
