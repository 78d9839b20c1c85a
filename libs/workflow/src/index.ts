export * from './events.js';
export * from './machines/index.js';
export * from './numbering.js';
export * from './application/index.js';
export * from './access/index.js';
