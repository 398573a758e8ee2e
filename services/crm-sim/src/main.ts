import { serveSimulator } from '@baton/simulator';
import { registerCrm } from './crm.js';

await serveSimulator('crm', 'BATON_CRM_PORT', 8345, (sim) => registerCrm(sim));
