/**
 * What an import of record files reports and keeps: the marker event (`RecordFileImported`), the
 * counts, the error it throws where the engine cannot reproduce the record (see `../importer.ts`).
 */
import type { Workflow } from '@saksflyt/workflow';
import type { AnnualPlanEntry, HelseOmsorg21Case, HistoryDecision, RecordFile } from '../schema.js';

export const IMPORT_MARKER_TYPE = 'RecordFileImported';
export const importStream = (fileId: string): string => `records-import-${fileId}`;

/** Sent where the API needs a text the records do not give (a meeting's place, a presenter). */
export const NOT_RECORDED = 'ikke oppgitt i kildene';

export class ImportError extends Error {
  constructor(
    readonly fileId: string,
    message: string,
  ) {
    super(`${fileId}: ${message}`);
    this.name = 'ImportError';
  }
}

export interface ImportCounts {
  /** Record files imported now. */
  files: number;
  committees: number;
  members: number;
  /** Numbering continuations written. */
  numbering: number;
  /** Meetings of the records (held or noticed). */
  meetings: number;
  meetingsHeld: number;
  meetingsNoticed: number;
  /** Planned meetings of annual plans (and the HelseOmsorg21 meeting is counted in `meetings`). */
  plannedMeetings: number;
  /** Cases on the recorded agendas (standard items included). */
  cases: number;
  /** Cases endorsed or noted (vedtak). */
  decisions: number;
  /** Engine-made standard items the records do not have, withdrawn before notice. */
  withdrawnStandardItems: number;
  /** Earlier decisions recorded as history (`HistoricalDecisionRecorded`). */
  history: number;
  projects: number;
  /** Portfolio endorsements checked against their case (e.g. NEHS 52/18). */
  portfolioEndorsements: number;
  plannedCases: number;
  matters: number;
  helseOmsorg21: number;
  /** Events written (head position moved by). */
  events: number;
}

export interface ImportFileReport {
  fileId: string;
  status: 'imported' | 'skipped';
  reason?: string;
  counts?: ImportCounts;
}

export interface ImportResult {
  imported: ImportCounts;
  /** Files skipped (already imported) and things that existed already (created once, reused). */
  skipped: { files: { fileId: string; reason: string }[]; existing: { committees: number; members: number; projects: number; plannedMeetings: number } };
  files: ImportFileReport[];
  /** The store's head position after the import. */
  position: bigint;
}

export interface ImportOptions {
  /** Reuse a Workflow (e.g. the server's); default: a new one on the store. */
  workflow?: Workflow;
  /** Meeting keys recorded in files not given in this call (annual-plan entries with those keys are not planned). */
  meetingKeysElsewhere?: Iterable<string>;
  /** One line per file and step. */
  log?: (line: string) => void;
}

/** What the marker event keeps. */
export interface RecordFileImportedData {
  v: 1;
  fileId: string;
  title: string;
  sha256: string;
  counts: ImportCounts;
  meetings: Record<string, string>;
  cases: Record<string, string>;
  history: Array<HistoryDecision & { quotedInCaseIds: string[] }>;
  annualPlan: AnnualPlanEntry[];
  helseOmsorg21: HelseOmsorg21Case[];
  portfolioEndorsements: NonNullable<RecordFile['portfolioEndorsements']>;
  sources: RecordFile['sources'];
}

export function emptyCounts(): ImportCounts {
  return {
    files: 0,
    committees: 0,
    members: 0,
    numbering: 0,
    meetings: 0,
    meetingsHeld: 0,
    meetingsNoticed: 0,
    plannedMeetings: 0,
    cases: 0,
    decisions: 0,
    withdrawnStandardItems: 0,
    history: 0,
    projects: 0,
    portfolioEndorsements: 0,
    plannedCases: 0,
    matters: 0,
    helseOmsorg21: 0,
    events: 0,
  };
}

export function describeCounts(c: ImportCounts): string {
  const parts: string[] = [];
  const add = (n: number, what: string) => n && parts.push(`${n} ${what}`);
  add(c.committees, 'committees');
  add(c.members, 'members');
  add(c.numbering, 'numbering continuations');
  add(c.meetings, `meetings (${c.meetingsHeld} held, ${c.meetingsNoticed} noticed)`);
  add(c.cases, 'cases');
  add(c.decisions, 'decisions');
  add(c.withdrawnStandardItems, 'standard items withdrawn');
  add(c.history, 'history decisions');
  add(c.projects, 'projects');
  add(c.portfolioEndorsements, 'portfolio endorsements checked');
  add(c.plannedMeetings, 'planned meetings');
  add(c.plannedCases, 'planned cases');
  add(c.matters, 'matters checked');
  add(c.helseOmsorg21, 'HelseOmsorg21 cases');
  return `${parts.join(', ') || 'nothing'}; ${c.events} events`;
}
