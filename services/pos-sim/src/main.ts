import { serveSimulator } from '@baton/simulator';
import { registerPos } from './pos.js';

await serveSimulator('pos', 'BATON_POS_PORT', 8341, (sim) => registerPos(sim));
