import { serveAgent } from '@baton/agent';
import { loadConfigOrExit } from '@baton/contracts';
import { IngestConfig, ingestAgent } from './ingest.js';

await serveAgent(ingestAgent(loadConfigOrExit('agent-contract-ingest', IngestConfig)));
