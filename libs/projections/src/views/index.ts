import { registersProjection } from './registers.js';

export * from './common.js';
export * from './minutes.js';
export * from './decisions.js';
export * from './portfolio.js';
export * from './annual-cycle.js';
export * from './followups.js';
export * from './worklist.js';
export * from './registers.js';

/**
 * Every view, for `ProjectionRunner.start({ projections: allProjections })`: the one projection
 * `registers`, serving the views `minutes`, `decisions`, `portfolio`, `annual-cycle` and
 * `followups` by name.
 */
export const allProjections = [registersProjection] as const;
