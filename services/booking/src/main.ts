import { serveAgent } from '@baton/agent';
import { loadConfigOrExit } from '@baton/contracts';
import { BookingConfig, bookingAgent } from './booking.js';

await serveAgent(bookingAgent(loadConfigOrExit('agent-booking', BookingConfig)));
