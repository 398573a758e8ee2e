// Registers the sample agents' contracts and the benchmark's chain workflow (no events: the
// bench starts it directly).
import { fileURLToPath } from 'node:url';
import { defineWorkflow } from '@baton/workflow-kit';
import { sampleAgents } from './contracts.js';

export default defineWorkflow({
  definition: { type: 'bench-chain', states: [], terminal: [], limitsMs: {}, gateTypes: {} },
  workflowName: 'benchChainWorkflow',
  workflowModule: fileURLToPath(new URL('./workflow.ts', import.meta.url)),
  events: {},
  agents: sampleAgents,
});

export * from './contracts.js';
export type { BenchChainInput } from './workflow.js';
