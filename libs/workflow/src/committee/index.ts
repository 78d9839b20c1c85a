export * from './state.js';
export * from './evolve.js';
