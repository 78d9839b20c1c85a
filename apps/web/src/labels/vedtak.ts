/** The labels of Vedtak: the decisions register. */
import type { Labels } from './types.js';

export const vedtak = {
  outcome: { nb: 'Utfall', en: 'Outcome' },
  amended: { nb: 'Rettet', en: 'Amended (rettet)' },
  vedtakIntro: { nb: 'Vedtaksregisteret: alle vedtak og saker tatt til orientering, nyeste møte først. Oppdateres mens vedtak fattes.', en: 'The decisions register: every decision and every case taken for information, newest meeting first. Updates as decisions are made.' },
  vedtakCount: { nb: '{n} vedtak', en: '{n} decisions' },
  newDecisions: { nb: '{n} nye vedtak', en: '{n} new decisions' },
  minutesApproved: { nb: 'Referat godkjent', en: 'Minutes approved' },
  rowVotes: { nb: 'Votering: {f} for, {a} mot, {b} avstår', en: 'Vote: {f} for, {a} against, {b} abstained' },
  rowWritten: { nb: 'Skriftlig behandling', en: 'Written procedure' },
} satisfies Labels;
