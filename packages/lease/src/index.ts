export {
  Leases,
  LeaseHeldError,
  LeaseLostError,
  DEFAULT_LEASE_BUCKET,
  type Lease,
  type LeaseOptions,
  type LeaseRecord,
} from './lease.js';
