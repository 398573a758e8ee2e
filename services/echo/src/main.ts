import { serveAgent } from '@baton/agent';
import { echo } from './echo.js';

await serveAgent(echo);
