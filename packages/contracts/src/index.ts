export * from './envelope.js';
export * from './agents.js';
export * from './handoff.js';
export * from './subjects.js';
export * from './config.js';
export * from './audit.js';
export * from './artifacts.js';
export * from './agent-error.js';
