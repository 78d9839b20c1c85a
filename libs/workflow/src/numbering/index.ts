export * from './state.js';
export * from './evolve.js';
export * from './numbers.js';
