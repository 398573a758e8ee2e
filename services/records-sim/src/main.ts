import { serveSimulator } from '@baton/simulator';
import { registerRecords } from './records.js';

await serveSimulator('records', 'BATON_RECORDS_PORT', 8354, (sim) => registerRecords(sim));
