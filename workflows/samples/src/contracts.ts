// Agents that no business process uses: `echo` (the benchmark's fixture: returns its input, so a
// handoff measures Baton alone) and `concierge` (the agent scaffold's untouched output). Any
// agent can be tried on its own through the kit's `agentStepWorkflow`.
import { z } from 'zod';
import { defineAgentContract } from '@baton/contracts';

export const sampleAgents = {
  echo: defineAgentContract('echo', {
    input: z.object({ text: z.string().max(65_536) }),
    output: z.object({ text: z.string().max(65_536) }),
  }),
  concierge: defineAgentContract('concierge', {
    input: z.object({ text: z.string().min(1).max(4000) }),
    output: z.object({ reply: z.string().min(1).max(4000) }),
  }),
};
export type SampleAgents = typeof sampleAgents;
