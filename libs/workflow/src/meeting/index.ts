export * from './lifecycle.js';
export * from './agenda.js';
export * from './state.js';
export * from './evolve.js';
export * from './fold.js';
export { compareMeetings, minutesApprovalTexts, planChain, predecessors, type ApprovalItem, type CalendarEntry, type ChainAction, type ChainBlock } from './chain.js';
export { meetingTimeErrors } from './change.js';
