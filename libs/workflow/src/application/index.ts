export * from './errors.js';
export * from './types.js';
export { KeyedMutex } from './mutex.js';
export { Catalogue } from './catalogue.js';
export { Workflow, norwegianDate } from './workflow.js';
