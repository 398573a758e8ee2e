import { serveSimulator } from '@baton/simulator';
import { mountPosMcp } from './mcp.js';
import { registerPos } from './pos.js';

await serveSimulator('pos', 'BATON_POS_PORT', 8341, (sim) => {
  registerPos(sim);
  mountPosMcp(sim);
});
