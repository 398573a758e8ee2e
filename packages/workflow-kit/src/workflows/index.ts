// The kit's own workflow code, bundled beside every registered workflow's.
export { agentStepWorkflow } from './agent-step.js';
