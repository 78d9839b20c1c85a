/** The labels of Sak: the case paper, its timeline and machine. */
import type { Labels } from './types.js';

export const sak = {
  done: { nb: 'Utført', en: 'Done' },
  history: { nb: 'Hendelser', en: 'Events' },
  machine: { nb: 'Sakens tilstandsmaskin', en: "The case's state machine" },
  machineHelp: { nb: 'Gjeldende tilstand er uthevet; piler viser hvilke hendelser som fører hvor.', en: 'The current state is highlighted; arrows show which events lead where.' },
  recorded: { nb: 'Protokollført (referatet er godkjent)', en: 'Recorded (the minutes are approved)' },
  matter: { nb: 'Sakskompleks', en: 'Matter' },
  lateOption: { nb: '{label} – som tilleggssak', en: '{label} – as a late case' },
  attachments: { nb: 'Vedlegg', en: 'Attachments (vedlegg)' },
  attachFile: { nb: 'Legg ved fil', en: 'Attach a file' },
  upload: { nb: 'Last opp', en: 'Upload' },
  download: { nb: 'Last ned', en: 'Download' },
  remove: { nb: 'Fjern', en: 'Remove' },
  exemptTag: { nb: 'Unntatt offentlighet', en: 'Exempt from public access' },
  bytes: { nb: '{n} byte', en: '{n} bytes' },
} satisfies Labels;
