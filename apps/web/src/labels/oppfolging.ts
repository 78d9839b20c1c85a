/** The labels of Oppfølging: the follow-ups. */
import type { Labels } from './types.js';

export const oppfolging = {
  oppfolgingIntro: { nb: 'Oppfølgingspunkter lovet i referatene, og om en sak har møtt dem.', en: 'Follow-ups promised in the minutes, and whether a case has met them.' },
  onlyOpen: { nb: 'Bare åpne', en: 'Open only' },
  met: { nb: 'Møtt av sak', en: 'Met by case' },
  overdue: { nb: 'Forfalt', en: 'Overdue (forfalt)' },
  closeFollowUp: { nb: 'Lukk', en: 'Close' },
  closeFollowUpOf: { nb: 'Lukk oppfølgingspunktet «{text}»', en: 'Close the follow-up “{text}”' },
  closeReason: { nb: 'Begrunnelse for å lukke', en: 'Why it is closed' },
  closedBecause: { nb: 'Lukket: {r}', en: 'Closed: {r}' },
} satisfies Labels;
