// The echo agent after an additive change, for the contract-version test only: version 2 of its
// contract adds the text's length to the output, and it still answers version 1 (a reader of
// version 1 finds everything it expects).
import { z } from 'zod';
import { defineAgent } from '@baton/agent';
import { defineAgentContract } from '@baton/contracts';

const echoV2 = defineAgentContract('echo', {
  version: 2,
  alsoAnswers: [1],
  input: z.object({ text: z.string().max(65_536) }),
  output: z.object({ text: z.string().max(65_536), length: z.number().int().min(0) }),
});

export default defineAgent(echoV2, {
  async handle({ text }) {
    return { text, length: text.length };
  },
});
