import { serveAgent } from '@baton/agent';
import { loadConfigOrExit } from '@baton/contracts';
import { OrdersAgentConfig, ordersAgent } from './orders-agent.js';

await serveAgent(ordersAgent(loadConfigOrExit('agent-order-check', OrdersAgentConfig)));
