// Prints the Prometheus file-based discovery targets of the local stack (JSON on stdout): every
// Baton service the test kit starts, at the metrics port it gives that service. infra/stack.sh
// writes this to the state folder when it starts Prometheus; Prometheus re-reads it on change.
import { stackEnv } from '../src/env.js';
import { allServices, metricsPortOf } from '../src/services.js';

const { BATON_HOST: host } = stackEnv();
const targets = allServices().map((service) => ({
  targets: [`${host}:${metricsPortOf(service)}`],
  labels: { service },
}));
process.stdout.write(`${JSON.stringify(targets, null, 2)}\n`);
