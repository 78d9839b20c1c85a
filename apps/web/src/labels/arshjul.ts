/** The labels of Årshjul: the annual cycle. */
import type { Labels } from './types.js';

export const arshjul = {
  casesCount: { nb: '{decided} av {cases} saker behandlet', en: '{decided} of {cases} cases dealt with' },
  nextMeeting: { nb: 'Neste møte', en: 'Next meeting' },
  arshjulIntro: { nb: 'Utvalgets møter i året, med status og saker. Det neste møtet er uthevet.', en: "The committee's meetings of the year, with state and cases. The next meeting is highlighted." },
  timeline: { nb: 'Tidslinje', en: 'Timeline' },
  planMeeting: { nb: 'Planlegg møte', en: 'Plan a meeting' },
  noMeetings: { nb: 'Ingen møter i {year}.', en: 'No meetings in {year}.' },
  kind: { nb: 'Type møte', en: 'Kind of meeting' },
} satisfies Labels;
