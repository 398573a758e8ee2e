import { z } from 'zod';
import { loadConfigOrExit, notPublicSecret } from '@baton/contracts';
import { serveSimulator } from '@baton/simulator';
import { registerAccounting } from './accounting.js';

const config = loadConfigOrExit(
  'accounting-sim',
  z.object({
    /** Where the accounting system sends its events (the gateway's webhook). */
    BATON_GATEWAY_URL: z.url().default('http://127.0.0.1:8340'),
    BATON_ACCOUNTING_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
    /** The webhook source it signs as, registered at the gateway with the same secret. */
    BATON_ACCOUNTING_WEBHOOK_SOURCE: z.string().min(1).default('accounting'),
    BATON_ACCOUNTING_WEBHOOK_SECRET: notPublicSecret(
      z.string().min(32, "must be the source's signing secret (at least 32 characters)"),
    ),
  }),
);
await serveSimulator('accounting', 'BATON_ACCOUNTING_PORT', 8350, (sim) =>
  registerAccounting(sim, {
    webhookUrl: `${config.BATON_GATEWAY_URL}/events`,
    timeoutMs: config.BATON_ACCOUNTING_WEBHOOK_TIMEOUT_MS,
    source: config.BATON_ACCOUNTING_WEBHOOK_SOURCE,
    secret: config.BATON_ACCOUNTING_WEBHOOK_SECRET,
  }),
);
