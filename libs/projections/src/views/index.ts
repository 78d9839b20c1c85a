import { annualCycleProjection } from './annual-cycle.js';
import { decisionsProjection } from './decisions.js';
import { followUpsProjection } from './followups.js';
import { minutesProjection } from './minutes.js';
import { portfolioProjection } from './portfolio.js';

export * from './common.js';
export * from './minutes.js';
export * from './decisions.js';
export * from './portfolio.js';
export * from './annual-cycle.js';
export * from './followups.js';

/** Every view, for `ProjectionRunner.start({ projections: allProjections })`. */
export const allProjections = [minutesProjection, decisionsProjection, portfolioProjection, annualCycleProjection, followUpsProjection] as const;
