import { serveAgent } from '@baton/agent';
import { safety } from './safety.js';

await serveAgent(safety);
