// concierge: scaffolded by `npm run new-agent -- concierge`. Its input and output schemas are its
// entry in workflows/samples/src/contracts.ts; change both together.
import { defineAgent, serveAgent } from '@baton/agent';
import { sampleAgents } from '@baton/workflow-samples/contracts';

await serveAgent(
  defineAgent(sampleAgents.concierge, {
    async handle({ text }, ctx) {
      // ctx.model: the configured model chain, these rules last. ctx.tools: MCP tools on this
      // agent's allow-list. ctx.effect: anything that must happen once.
      return ctx.model.object({
        purpose: 'concierge-reply',
        schema: sampleAgents.concierge.output,
        system: 'You are the concierge agent. Reply in one or two sentences.',
        prompt: text,
        rules: () => ({ reply: `concierge received: ${text.slice(0, 200)}` }),
      });
    },
  }),
);
