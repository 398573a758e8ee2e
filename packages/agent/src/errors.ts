// Errors an agent handler throws. The runtime and the workflow decide on `retryable`, never on text.
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

/** An external system did not answer in time or answered 5xx: worth another attempt. */
export class ExternalSystemError extends AgentError {
  constructor(system: string, message: string) {
    super('EXTERNAL_UNAVAILABLE', `${system}: ${message}`, true);
  }
}
