/**
 * The registers: the decisions register, the portfolio, the annual cycle and the follow-ups built by
 * ONE projection over one shared set of meeting and case documents (each view alone would keep its
 * own copies; together a rebuild tracks and writes them once). Each is served under its own view
 * name: `runner.query('decisions', …)`, `runner.feed('portfolio')`, … (see `Projection.views`).
 * The single-view projections (`decisionsProjection`, …) stay available for use on their own.
 */
import type { RecordedEvent } from '@saksflyt/event-store';
import type { DocStore, Projection } from '../runner/types.js';
import { annualCycleProjection } from './annual-cycle.js';
import { CASE_CORE_TYPES, MEETING_TYPES, trackCase, trackMeeting } from './common.js';
import { evolveDecisions, queryDecisions } from './decisions.js';
import { evolveFollowUps, queryFollowUps } from './followups.js';
import { evolvePortfolio, queryPortfolio } from './portfolio.js';

export const registersProjection: Projection<Record<string, never>, null> = {
  name: 'registers',
  /** 2: historical decisions (HistoricalDecisionRecorded) are rows of the decisions register. */
  version: 2,
  eventTypes: [...MEETING_TYPES, ...CASE_CORE_TYPES, 'DiscussionRecorded', 'ProjectRegistered', 'ProjectStatusReported', 'HistoricalDecisionRecorded'],
  evolve(docs: DocStore, e: RecordedEvent) {
    const meetingId = trackMeeting(docs, e);
    const c = trackCase(docs, e);
    evolveDecisions(docs, e, meetingId, c);
    evolvePortfolio(docs, e, c);
    evolveFollowUps(docs, e, c);
  },
  query: () => null,
  views: {
    decisions: { query: queryDecisions, collections: ['decision'] },
    portfolio: { query: queryPortfolio, collections: ['project', 'year'] },
    'annual-cycle': { query: annualCycleProjection.query, collections: ['meeting', 'case'] },
    followups: { query: queryFollowUps, collections: ['followup'] },
  },
};
