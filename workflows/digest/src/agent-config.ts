// Where the digest's agents read their sources and send the digest; parsed once when an agent
// starts (a bad value stops it, naming the variable).
import { z } from 'zod';
import { loadConfigOrExit } from '@baton/contracts';

export const DigestAgentConfig = z.object({
  BATON_WEATHER_URL: z.url().default('http://127.0.0.1:8348'),
  BATON_RATES_URL: z.url().default('http://127.0.0.1:8349'),
  BATON_POS_URL: z.url().default('http://127.0.0.1:8341'),
  BATON_MESSAGING_URL: z.url().default('http://127.0.0.1:8342'),
  BATON_DIGEST_HTTP_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
});
export type DigestAgentConfig = z.output<typeof DigestAgentConfig>;

export const digestAgentConfig = (agent: string): DigestAgentConfig =>
  loadConfigOrExit(`agent-${agent}`, DigestAgentConfig);
