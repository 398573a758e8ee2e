export { connectTemporal, decide, status, pending, DecisionRefusedError } from './decisions.js';
