// Where the bills' agents reach the accounting system, the payment provider and the messaging
// provider; parsed once when an agent starts (a bad value stops it, naming the variable).
import { z } from 'zod';
import { loadConfigOrExit } from '@baton/contracts';

export const BillsAgentConfig = z.object({
  BATON_ACCOUNTING_URL: z.url().default('http://127.0.0.1:8350'),
  BATON_PAYMENT_URL: z.url().default('http://127.0.0.1:8343'),
  BATON_MESSAGING_URL: z.url().default('http://127.0.0.1:8342'),
  BATON_BILLS_HTTP_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
});
export type BillsAgentConfig = z.output<typeof BillsAgentConfig>;

export const billsAgentConfig = (agent: string): BillsAgentConfig =>
  loadConfigOrExit(`agent-${agent}`, BillsAgentConfig);
