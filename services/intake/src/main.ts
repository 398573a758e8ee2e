import { serveAgent } from '@baton/agent';
import { BaseServiceConfig, loadConfigOrExit } from '@baton/contracts';
import { connectBus, ensureTopology } from '@baton/bus';
import { CorrectionIndex, CorrectionStore } from '@baton/corrections';
import { IntakeConfig, intakeAgent } from './intake.js';

const config = loadConfigOrExit('agent-intake', IntakeConfig);
// The corrections people made to intake's readings, followed as they are made or revoked.
const base = loadConfigOrExit('agent-intake', BaseServiceConfig);
const bus = await connectBus({ servers: base.BATON_NATS_URL, replicas: base.BATON_NATS_REPLICAS, name: 'agent-intake-corrections' });
await ensureTopology(bus);
const corrections = await CorrectionIndex.follow(await CorrectionStore.open(bus));
await serveAgent(intakeAgent(config, corrections));
