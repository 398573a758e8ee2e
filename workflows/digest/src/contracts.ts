// The daily digest's contracts: its two agents' input and output (one reads a source, one sends
// the digest). zod values live here; the workflow code imports types only.
import { z } from 'zod';
import { defineAgentContract } from '@baton/contracts';

export const DigestSource = z.enum(['bookings', 'weather', 'rates']);
export type DigestSource = z.infer<typeof DigestSource>;

/** One line of a section; `key` says what it is about, so a line that comes twice is seen as one. */
export const DigestItem = z.object({
  key: z.string().min(1).max(200),
  text: z.string().min(1).max(300),
  value: z.number().optional(),
});
export type DigestItem = z.infer<typeof DigestItem>;

const Day = z.iso.date();

export const digestAgents = {
  'digest-source': defineAgentContract('digest-source', {
    input: z.object({ source: DigestSource, day: Day }),
    output: z.object({ source: DigestSource, items: z.array(DigestItem).max(500) }),
  }),
  'digest-send': defineAgentContract('digest-send', {
    input: z.object({ day: Day, recipient: z.string().min(1).max(100), text: z.string().min(1).max(2000) }),
    output: z.object({ messageId: z.string().min(1) }),
  }),
};
export type DigestAgents = typeof digestAgents;
