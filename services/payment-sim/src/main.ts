import { serveSimulator } from '@baton/simulator';
import { registerPayments } from './payments.js';

await serveSimulator('payment', 'BATON_PAYMENT_PORT', 8343, (sim) => registerPayments(sim));
