export * from './runner/types.js';
export * from './runner/projection-runner.js';
export { PROJECTION_SCHEMA_SQL } from './runner/sqlite-schema.js';
export { FeedCursor } from './runner/feed.js';
export * from './views/index.js';
export * from './runner/time-machine.js';
