import { serveAgent } from '@baton/agent';
import { loadConfigOrExit } from '@baton/contracts';
import { PaymentConfig, paymentAgent } from './payment.js';

await serveAgent(paymentAgent(loadConfigOrExit('agent-payment', PaymentConfig)));
