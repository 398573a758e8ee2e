// The looper registers itself (for the kit's loop tests only: not in workflows/, so no service
// loads it).
import { defineWorkflow, sourceModule } from '@baton/workflow-kit';
import { looperAgents, type LooperAgents } from './contracts.js';
import { looper, type LooperStatus } from './definition.js';

export default defineWorkflow<LooperStatus, LooperAgents>({
  definition: looper,
  workflowName: 'looperWorkflow',
  workflowModule: sourceModule(import.meta.url, './workflow.ts'),
  events: {},
  agents: looperAgents,
});
