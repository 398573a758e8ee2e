// Corrections that teach: what a person corrected at a gate, kept (JetStream KV), audited, found
// again for a similar input (a full-text index), and revocable.
export { Correction, CorrectionScope, correctedFields, type CorrectionInput } from './correction.js';
export { CorrectionStore, CorrectionNotFoundError, correctionIdOf } from './store.js';
export { CorrectionIndex, type CorrectionQuery } from './index-search.js';
