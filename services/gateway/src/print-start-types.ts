// Prints the file of workflow types the gateway may start (services/gateway/src/start-types.ts),
// for baton-temporal's --gateway-workflow-types; infra/stack.sh runs it when it starts Temporal.
// Reads the workflows folder the gateway reads (BATON_WORKFLOWS_DIR, default workflows/).
import { z } from 'zod';
import { loadConfigOrExit } from '@baton/contracts';
import { Registry } from '@baton/workflow-kit';
import { startTypesFile } from './start-types.js';

const config = loadConfigOrExit('gateway-start-types', z.object({ BATON_WORKFLOWS_DIR: z.string().min(1).optional() }));
process.stdout.write(startTypesFile(await Registry.loadOrExit('gateway-start-types', config.BATON_WORKFLOWS_DIR)));
