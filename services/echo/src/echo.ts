// Echo: returns its input unchanged. A benchmark fixture: a handoff to it costs exactly what
// Baton adds on top of Temporal and JetStream, with no work of its own to blur the figure.
import { defineAgent } from '@baton/agent';
import { sampleAgents } from '@baton/workflow-samples/contracts';

export const echo = defineAgent(sampleAgents.echo, {
  async handle(input) {
    return input;
  },
});
