// The error an agent's handler throws, and a workflow test's fake agent throws in its place: a
// code and whether another attempt may help. The agent runtime turns it into the result's error;
// the workflow decides on `retryable` and `code`, never on the text. Here, not in @baton/agent,
// so that the workflow kit's test harness can offer it without the agent runtime.
export class AgentError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    /** What the agent did make of its input before giving up; shown to the person who takes
     *  the step over. Must be JSON. */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AgentError';
  }
}
