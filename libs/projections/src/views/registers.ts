/**
 * The registers: the minutes, the decisions register, the portfolio, the annual cycle and the
 * follow-ups built by ONE projection over one shared set of committee, meeting and case documents
 * (each view alone would keep its own copies; together a rebuild tracks and writes them once). Each
 * is served under its own view name: `runner.query('minutes', { meetingId })`,
 * `runner.feed('portfolio')`, … (see `Projection.views`). The single-view projections
 * (`minutesProjection`, `decisionsProjection`, …) stay available for use on their own.
 */
import type { RecordedEvent } from '@saksflyt/event-store';
import type { DocStore, Projection } from '../runner/types.js';
import { annualCycleProjection } from './annual-cycle.js';
import { FOLLOWUP_EVENT_TYPES, PROJECT_EVENT_TYPES } from '@saksflyt/workflow';
import { CASE_TYPES, COMMITTEE_TYPES, MEETING_TYPES, trackCase, trackCommittee, trackMeeting } from './common.js';
import { evolveDecisions, queryDecisions } from './decisions.js';
import { evolveFollowUps, queryFollowUps } from './followups.js';
import { minutesProjection, queryMinutesWithPapers } from './minutes.js';
import { evolvePortfolio, queryPortfolio } from './portfolio.js';
import { evolveWorklist, queryWorklist } from './worklist.js';

export const registersProjection: Projection<Record<string, never>, null> = {
  name: 'registers',
  /**
   * 2: historical decisions (HistoricalDecisionRecorded) are rows of the decisions register.
   * 3: the minutes are one of its views (committee documents, members kept on meeting documents).
   * 4: the committee, meeting, case and project documents are the workflow's records, evolved by
   *    its one fold (every case event, CaseReferred too).
   * 5: the case records keep the presenter of a postponement and the meeting of a referral; the
   *    register rows carry conditions and decidedOn; follow-ups carry owner, due and a closing by
   *    hand (FollowUpClosed); the worklist of cases.
   * 6: the register rows of exempt cases carry `exemption` (so the redaction hides their
   *    written-procedure comments, dissent texts and sub-item proposals).
   */
  version: 6,
  eventTypes: [...COMMITTEE_TYPES, ...MEETING_TYPES, ...CASE_TYPES, ...PROJECT_EVENT_TYPES, 'HistoricalDecisionRecorded', ...FOLLOWUP_EVENT_TYPES],
  evolve(docs: DocStore, e: RecordedEvent) {
    trackCommittee(docs, e);
    const meetingId = trackMeeting(docs, e, true);
    const c = trackCase(docs, e);
    evolveDecisions(docs, e, meetingId, c);
    evolvePortfolio(docs, e, c);
    evolveFollowUps(docs, e, c);
    evolveWorklist(docs, e, c);
  },
  query: () => null,
  views: {
    minutes: { query: minutesProjection.query, collections: ['committee', 'meeting', 'case'] },
    /** The minutes with their cases' whole papers (the notice document). */
    'minutes-papers': { query: queryMinutesWithPapers, collections: ['committee', 'meeting', 'case'] },
    decisions: { query: queryDecisions, collections: ['decision'] },
    portfolio: { query: queryPortfolio, collections: ['project', 'year'] },
    'annual-cycle': { query: annualCycleProjection.query, collections: ['meeting', 'case'] },
    followups: { query: queryFollowUps, collections: ['followup'] },
    worklist: { query: queryWorklist, collections: ['worklist', 'meeting'] },
  },
};
