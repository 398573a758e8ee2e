import { serveSimulator } from '@baton/simulator';
import { registerOrders } from './orders.js';

await serveSimulator('orders', 'BATON_ORDERS_PORT', 8346, (sim) => registerOrders(sim));
