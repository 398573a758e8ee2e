// The echo agent after a breaking change, for the contract-version test only: version 3 of its
// contract renames the output's field, so it cannot answer a workflow that expects version 1.
import { z } from 'zod';
import { defineAgent } from '@baton/agent';
import { defineAgentContract } from '@baton/contracts';

const echoV3 = defineAgentContract('echo', {
  version: 3,
  input: z.object({ text: z.string().max(65_536) }),
  output: z.object({ echoed: z.string().max(65_536) }),
});

export default defineAgent(echoV3, {
  async handle({ text }) {
    return { echoed: text };
  },
});
