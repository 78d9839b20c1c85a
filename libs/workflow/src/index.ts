export * from './events.js';
export * from './machines/index.js';
export * from './numbering.js';
