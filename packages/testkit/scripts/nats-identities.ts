// infra/stack.sh runs this before it starts nats-server (unless BATON_NATS_AUTH=off): a seed for
// every discovered service and the admin, and the server's authorization block, in
// <state>/identities (see packages/testkit/src/identities.ts).
import { natsAuthFile, writeNatsIdentities } from '../src/identities.js';

const changed = writeNatsIdentities();
process.stdout.write(`${changed ? 'wrote' : 'kept'} ${natsAuthFile()}\n`);
