// Registers the sample agents' contracts and the benchmark's chain workflow (no events: the
// bench starts it directly).
import { defineWorkflow, sourceModule } from '@baton/workflow-kit';
import { sampleAgents } from './contracts.js';

export default defineWorkflow({
  definition: { type: 'bench-chain', states: [], terminal: [], limitsMs: {}, gateTypes: {} },
  workflowName: 'benchChainWorkflow',
  workflowModule: sourceModule(import.meta.url, './workflow.ts'),
  events: {},
  agents: sampleAgents,
});

export * from './contracts.js';
export type { BenchChainInput } from './workflow.js';
