export { connectTemporal, decide, resolve, status, pending, DecisionRefusedError } from './decisions.js';
