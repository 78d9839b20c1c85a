/** The labels of Saksliste: the worklist and Ny sak. */
import type { Labels } from './types.js';

export const saker = {
  matterId: { nb: 'Sakskompleks (matter-id)', en: 'Matter (matter id)' },
  matterIdHelp: { nb: 'Tomt: et nytt sakskompleks', en: 'Empty: a new matter' },
  meetsFollowUps: { nb: 'Oppfølginger saken møter', en: 'Follow-ups this case meets' },
  sakerIntro: { nb: 'Utvalgets saker etter status. Søk i tittel og nummer.', en: "The committee's cases by state. Search title and number." },
  newCase: { nb: 'Ny sak', en: 'New case' },
  createCase: { nb: 'Opprett sak', en: 'Create case' },
  noCases: { nb: 'Ingen saker.', en: 'No cases.' },
  exempt: { nb: 'Unntatt offentlighet (offl. § 14)', en: 'Exempt from public access (offl. § 14)' },
  showMore: { nb: 'Vis flere', en: 'Show more' },
  worklistError: { nb: 'Arbeidslisten (GET /api/cases) svarte med en feil.', en: 'The worklist (GET /api/cases) answered with an error.' },
  allMeetings: { nb: 'Alle møter', en: 'All meetings' },
  openWritten: { nb: 'Saker til skriftlig behandling', en: 'Cases in written procedure' },
  noOpenWritten: { nb: 'Ingen saker til skriftlig behandling.', en: 'No cases in written procedure.' },
  citeItems: { nb: 'Viser til underpunkter', en: 'Cites sub-items' },
  citeItemsHelp: { nb: 'Én per linje, f.eks. «50/18 NR. 2» eller «NUFA 12/19 NR. 1».', en: 'One per line, e.g. “50/18 NR. 2” or “NUFA 12/19 NR. 1”.' },
} satisfies Labels;
