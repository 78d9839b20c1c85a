export * from './guard-input.js';
export * from './case.machine.js';
export * from './meeting.machine.js';
export * from './commands.js';
export * from './paths.js';
