import { serveSimulator } from '@baton/simulator';
import { registerRates } from './rates.js';

await serveSimulator('rates', 'BATON_RATES_PORT', 8349, (sim) => registerRates(sim));
