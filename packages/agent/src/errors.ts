// Errors an agent handler throws. The runtime and the workflow decide on `retryable`, never on text.
import { AgentError } from '@baton/contracts';

export { AgentError };

/** An external system did not answer in time or answered 5xx: worth another attempt. */
export class ExternalSystemError extends AgentError {
  constructor(system: string, message: string) {
    super('EXTERNAL_UNAVAILABLE', `${system}: ${message}`, true);
  }
}
