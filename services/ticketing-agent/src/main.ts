import { serveAgent } from '@baton/agent';
import { loadConfigOrExit } from '@baton/contracts';
import { TicketingAgentConfig, ticketingAgent } from './ticketing-agent.js';

await serveAgent(ticketingAgent(loadConfigOrExit('agent-ticket-log', TicketingAgentConfig)));
