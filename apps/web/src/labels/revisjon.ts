/** The labels of Revisjon: the auditor's view. */
import type { Labels } from './types.js';

export const revisjon = {
  revisjonIntro: { nb: 'For revisor: hendelsesloggen, registeret og en sak slik de sto på et tidspunkt, kjedekontroll og eksport.', en: 'For auditors: the event log, the register and a case as they stood at a moment, chain verification and export.' },
  log: { nb: 'Hendelseslogg', en: 'Event log' },
  eventType: { nb: 'Hendelsestype', en: 'Event type' },
  stream: { nb: 'Strøm', en: 'Stream' },
  timeSlider: { nb: 'Tidsreise', en: 'Time travel' },
  timeSliderLabel: { nb: 'Hendelse i loggen', en: 'Event in the log' },
  asOfLabel: { nb: 'Slik det sto etter hendelse {p} ({at})', en: 'As it stood after event {p} ({at})' },
  registerAsOf: { nb: 'Vedtaksregisteret slik det sto', en: 'The decisions register as it stood' },
  caseAsOf: { nb: 'Sak slik den sto', en: 'A case as it stood' },
  caseIdLabel: { nb: 'Sak (id)', en: 'Case (id)' },
  verify: { nb: 'Kontroller kjeden', en: 'Verify the chain' },
  verifyOk: { nb: 'Kjeden er hel: {n} hendelser, siste sjekksum {hash}.', en: 'The chain is whole: {n} events, last hash {hash}.' },
  verifyBad: { nb: 'Kjeden er brutt ved posisjon {p}.', en: 'The chain is broken at position {p}.' },
  export: { nb: 'Eksport', en: 'Export' },
  downloadExport: { nb: 'Last ned eksport', en: 'Download the export' },
  auditorOnly: { nb: 'Revisjon krever et revisortoken.', en: 'Audit needs an auditor token.' },
  answeredAt: { nb: 'Svar ved hendelse {p}', en: 'Answered at event {p}' },
  portfolioAsOf: { nb: 'Porteføljen slik den sto', en: 'The portfolio as it stood' },
  cycleAsOf: { nb: 'Årshjulet for {c} {y} slik det sto', en: 'The annual cycle of {c} {y} as it stood' },
  followUpsAsOf: { nb: 'Oppfølgingspunktene slik de sto', en: 'The follow-ups as they stood' },
  meetingAsOf: { nb: 'Møtet slik det sto', en: 'The meeting as it stood' },
  minutesAsOf: { nb: 'Referatet slik det sto', en: 'The minutes as they stood' },
  notYet: { nb: 'Fantes ikke ennå.', en: 'Did not exist yet.' },
  meetingIdLabel: { nb: 'Møte', en: 'Meeting' },
} satisfies Labels;
