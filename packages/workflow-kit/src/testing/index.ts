// `@baton/workflow-kit/testing`: run a registered workflow in-process on Temporal's test server,
// with time skipping, its agents answered by the test. README "Testing a workflow" shows a whole
// test; harness.ts says what is real and what is the test's.
export {
  testWorkflow,
  WorkflowHarness,
  WorkflowRunUnderTest,
  type HarnessOptions,
  type StartOptions,
  type DecideOptions,
  type RunRecords,
  type Duration,
} from './harness.js';
export {
  noAnswer,
  FakeContractError,
  harnessArtifactText,
  type AgentFake,
  type AgentFakes,
  type AgentCall,
  type RecordedCall,
  type RunFake,
  type CompensateFake,
} from './agents.js';
export { testServerExecutable } from './server.js';
/** What a fake agent throws to fail its step the way the real agent would: a code, retryable or not. */
export { AgentError } from '@baton/contracts';
