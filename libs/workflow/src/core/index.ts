export * from './upcast.js';
export * from './fact.js';
