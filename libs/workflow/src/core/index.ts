export * from './upcast.js';
export * from './fact.js';
export { uuidV5, DERIVED_ID_NAMESPACE } from './ids.js';
