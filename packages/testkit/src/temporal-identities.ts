// The local stack's Temporal identities: a client certificate per Baton identity, signed by the
// profile's own CA, made by infra/stack.sh (baton-temporal certs) when Temporal first starts and
// kept in the git-ignored state folder, <state>/identities/temporal/<identity>.pem and .key.
// The server (infra/temporal/server/policy.go) knows each identity's rights: the gateway starts
// workflows, the orchestrator runs its worker and completes activities by task token, the console
// queries and sends decide/resolve, the approver notifier queries a workflow's status, operators
// read, admin (the test kit, the bench) does all.
// Services with no business at Temporal (agents, simulators) get no certificate at all.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { temporalConnectionOptions } from '@baton/contracts';
import { repoRoot, stackEnv } from './env.js';
import { ADMIN_IDENTITY } from './identities.js';
import type { ServiceName } from './services.js';

/** The services that talk to Temporal, each as the identity of its own name. */
const TEMPORAL_SERVICES = new Set<string>(['gateway', 'orchestrator', 'console', 'approver-notify']);

export function temporalTlsDir(): string {
  return join(stackEnv().stateDir, 'identities', 'temporal');
}

/** The environment (TemporalClientConfig) that makes a client connect as `identity`. */
export function temporalTlsEnv(identity: string): Record<string, string> {
  const dir = temporalTlsDir();
  return {
    BATON_TEMPORAL_TLS_CERT_FILE: join(dir, `${identity}.pem`),
    BATON_TEMPORAL_TLS_KEY_FILE: join(dir, `${identity}.key`),
    BATON_TEMPORAL_TLS_CA_FILE: join(dir, 'ca.pem'),
  };
}

/** A service's Temporal identity: its own for the gateway, orchestrator, console and approver notifier; none (empty,
 *  so that nothing is inherited from the caller's environment) for every other service. */
export function temporalIdentityEnv(service: ServiceName): Record<string, string> {
  if (TEMPORAL_SERVICES.has(service)) {
    // A stack whose Temporal started before this service existed has the profile's CA but not
    // the service's certificate yet (infra/stack.sh makes them when Temporal starts).
    if (existsSync(join(temporalTlsDir(), 'ca.pem'))) ensureTemporalCertificate(service);
    return temporalTlsEnv(service);
  }
  return { BATON_TEMPORAL_TLS_CERT_FILE: '', BATON_TEMPORAL_TLS_KEY_FILE: '', BATON_TEMPORAL_TLS_CA_FILE: '' };
}

/** Connection options (address and mutual TLS) as `identity`; admin by default. */
export function temporalConnectionAs(identity: string = ADMIN_IDENTITY): ReturnType<typeof temporalConnectionOptions> {
  const env = stackEnv();
  return temporalConnectionOptions({
    BATON_TEMPORAL_ADDRESS: env.BATON_TEMPORAL_ADDRESS,
    BATON_TEMPORAL_NAMESPACE: env.BATON_TEMPORAL_NAMESPACE,
    BATON_TEMPORAL_TLS_SERVER_NAME: 'baton-temporal',
    ...temporalTlsEnv(identity),
  });
}

/**
 * Makes a certificate for `identity` with the profile's CA if it has none (e.g. an agent's, to show
 * that the server refuses it). Uses the stack's own server binary (infra/obtain.sh baton-temporal).
 */
export function ensureTemporalCertificate(identity: string): void {
  const dir = temporalTlsDir();
  if (existsSync(join(dir, `${identity}.pem`))) return;
  const bin = execFileSync('bash', [join(repoRoot, 'infra', 'obtain.sh'), 'baton-temporal'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
  execFileSync(bin, ['certs', '--dir', dir, '--hosts', stackEnv().BATON_HOST, identity], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
