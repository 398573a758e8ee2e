export {
  CancellationRequest,
  createSimulator,
  IdempotencyMode,
  SimulatorMode,
  type CancellationMarker,
  type Effect,
  type SimulatorContext,
  type SimulatorOptions,
} from './server.js';
export { Faults, FaultPatch, FaultSettings, sleep } from './faults.js';
export { RecordStore } from './store.js';
export { serveSimulator } from './service.js';
