// Entry point the Temporal worker bundles: every workflow Baton runs.
export { reservationWorkflow } from './reservation.js';
