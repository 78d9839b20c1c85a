export * from './lifecycle.js';
export * from './agenda.js';
export * from './state.js';
export * from './evolve.js';
export * from './fold.js';
