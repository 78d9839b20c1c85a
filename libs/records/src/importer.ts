/**
 * The importer of the real committee records (`fixtures/records/*.json`, typed by `record-types.ts`, checked by `schema.ts`).
 *
 * It replays each record through the SAME application commands as the HTTP API: a `Workflow` on
 * the store (committees, members, numbering, meetings, cases) and the portfolio aggregate
 * (`registerProject`). It never writes a view. Every command carries the recorded actor and the
 * time the step happened in the record as `at` (event metadata); the store's `recordedAt` keeps
 * the import time.
 *
 * The earlier decisions quoted in case papers (`history`) are recorded through
 * `Workflow.recordHistoricalDecision` (one `HistoricalDecisionRecorded` on `history-{CODE}-{NN}-{YY}`
 * each: number, title and wording verbatim, the cases quoting them and the seed lines; no meeting,
 * no number taken, no date, minutes not claimed approved). Their `at` is when the quoting case
 * paper was issued (the notice of its meeting), as far as the record stamps it. An outcome is only
 * given where the quoted wording's first sentence states it (`historyOutcome`); otherwise none, and
 * the event's note says why.
 *
 * What it writes beside the commands: one marker event per record file, `RecordFileImported` in
 * stream `records-import-{fileId}` (appended with expected revision `no_stream`, last). It makes
 * the import idempotent (a file whose marker exists is skipped: the second import writes nothing)
 * and keeps what no command can carry: the annual plan's wording, the HelseOmsorg21 measures, the
 * ids the import gave each recorded meeting and case, and (for reference) the history as in the file.
 *
 * Where the engine cannot reproduce the record (a case number, a meeting number, a standard item
 * the record does not account for, a matter out of order), the import fails with `ImportError`
 * rather than writing something the record does not say. Numbers are checked BEFORE the notice
 * (from the numbering state and the agenda order) and again after it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { StreamNotFound, type EventStore } from '@saksflyt/event-store';
import { loadProject, PortfolioError, registerProject, reportProjectStatus } from '@saksflyt/portfolio';
import { Workflow, type Actor, type CaseType, type CommandContext, type CreateCaseBody, type EditCaseBody, type MeetingView, type RecordHistoryBody } from '@saksflyt/workflow';
import {
  validateRecordFile,
  type AnnualPlanEntry,
  type CaseRecord,
  type HelseOmsorg21Case,
  type HistoryDecision,
  type MeetingRecord,
  type RecordFile,
  type StandardItem,
} from './schema.js';

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

function emptyCounts(): ImportCounts {
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

/** 00:00 in Europe/Oslo on a date, ISO with offset ("2020-08-26T00:00:00+02:00"). */
export function osloMidnight(date: string): string {
  const probe = new Date(`${date}T12:00:00Z`);
  const name = new Intl.DateTimeFormat('en', { timeZone: 'Europe/Oslo', timeZoneName: 'longOffset' })
    .formatToParts(probe)
    .find((p) => p.type === 'timeZoneName')?.value;
  const offset = /GMT([+-]\d{2}:\d{2})/.exec(name ?? '')?.[1] ?? '+01:00';
  return `${date}T00:00:00${offset}`;
}

function sha256(file: RecordFile): string {
  return createHash('sha256').update(JSON.stringify(file)).digest('hex');
}

/** The earliest `at` of any stamp in the file (for steps the records give no time for, e.g. creating a committee). */
function earliestStamp(file: RecordFile): string | undefined {
  const ats: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.at === 'string' && typeof o.basis === 'string') ats.push(o.at);
      for (const [k, x] of Object.entries(o)) if (k !== 'source' && k !== 'notes') walk(x);
    }
  };
  walk({ meetings: file.meetings, plannedCases: file.plannedCases });
  for (const e of file.annualPlan ?? []) if (e.date) ats.push(osloMidnight(e.date));
  for (const h of file.helseOmsorg21 ?? []) if (h.meetingDate) ats.push(osloMidnight(h.meetingDate));
  if (!ats.length) return undefined;
  return ats.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));
}

const caseKey = (committee: string, number: string): string => `${committee} ${number}`;

/**
 * The outcome an earlier decision's quoted wording states in its FIRST sentence, or null: "tilslutter
 * seg" / "gir sin tilslutning" → endorsement; "tar saken/sakene til orientering" → orientation.
 * Anything else (e.g. "er orientert om", "understreker behovet") states no single outcome: null.
 */
export function historyOutcome(wording: string): { outcome: 'endorsement' | 'orientation'; phrase: string } | null {
  const first = wording.split(/(?<=[.:])\s|\n/)[0] ?? '';
  const endorse = /\b(tilslutter seg|gir sin tilslutning)\b/i.exec(first);
  const noted = /\btar (saken|sakene) til orientering\b/i.exec(first);
  if (endorse && !noted) return { outcome: 'endorsement', phrase: endorse[0] };
  if (noted && !endorse) return { outcome: 'orientation', phrase: noted[0] };
  return null;
}

/**
 * Import record files into the store, in the order given (use the README's order: `recordFilesInOrder`).
 * Idempotent per file. Throws ImportError where the engine cannot reproduce the record.
 */
export async function importRecords(store: EventStore, files: RecordFile[] | RecordFile, options: ImportOptions = {}): Promise<ImportResult> {
  const list = Array.isArray(files) ? files : [files];
  for (const f of list) {
    const errors = validateRecordFile(f);
    if (errors.length) throw new ImportError(String((f as { id?: unknown })?.id ?? '?'), `not a valid record file: ${errors.slice(0, 5).join('; ')}`);
  }
  const wf = options.workflow ?? new Workflow(store);
  const log = options.log ?? (() => {});
  const elsewhere = new Set(options.meetingKeysElsewhere ?? []);
  for (const f of list) for (const m of f.meetings ?? []) elsewhere.add(m.key);
  const total = emptyCounts();
  const result: ImportResult = {
    imported: total,
    skipped: { files: [], existing: { committees: 0, members: 0, projects: 0, plannedMeetings: 0 } },
    files: [],
    position: 0n,
  };
  const run = new FileImport(store, wf, list, elsewhere, result, log);
  for (const f of list) {
    const report = await run.importFile(f);
    result.files.push(report);
    if (report.status === 'skipped') result.skipped.files.push({ fileId: f.id, reason: report.reason! });
    else for (const k of Object.keys(total) as (keyof ImportCounts)[]) total[k] += report.counts![k];
  }
  result.position = await store.headPosition();
  return result;
}

class FileImport {
  private readonly correlationId = randomUUID();

  constructor(
    private readonly store: EventStore,
    private readonly wf: Workflow,
    private readonly all: RecordFile[],
    private readonly meetingKeysElsewhere: Set<string>,
    private readonly result: ImportResult,
    private readonly log: (line: string) => void,
  ) {}

  private actor(name: string, committee?: string): Actor {
    return { name, roles: [{ role: 'admin' }, ...(committee ? [{ role: 'secretariat', committee }] : [])] };
  }

  private ctx(name: string, committee: string | undefined, at: string | undefined): CommandContext {
    return { actor: this.actor(name, committee), correlationId: this.correlationId, ...(at ? { at } : {}) };
  }

  private async marker(fileId: string): Promise<RecordFileImportedData | null> {
    try {
      for await (const e of this.store.readStream(importStream(fileId))) if (e.type === IMPORT_MARKER_TYPE) return e.data as RecordFileImportedData;
    } catch (e) {
      if (e instanceof StreamNotFound || (e as { code?: string })?.code === 'STREAM_NOT_FOUND') return null;
      throw e;
    }
    return null;
  }

  /** The case of a committee with a number, from the meetings in the store (null when none). */
  async findCase(committee: string, number: string): Promise<{ caseId: string; meeting: MeetingView } | null> {
    await this.wf.catalogue.catchUp();
    for (const m of this.wf.catalogue.meetingsOf(committee)) {
      const view = await this.wf.getMeeting(m.meetingId);
      const item = view.agenda.find((a) => a.number === number);
      if (item) return { caseId: item.caseId, meeting: view };
    }
    return null;
  }

  async importFile(file: RecordFile): Promise<ImportFileReport> {
    const hash = sha256(file);
    const done = await this.marker(file.id);
    if (done) {
      if (done.sha256 !== hash)
        throw new ImportError(file.id, `was imported before with different content (sha256 ${done.sha256.slice(0, 12)}…, now ${hash.slice(0, 12)}…); the store keeps the first import`);
      this.log(`${file.id}: already imported, nothing written`);
      return { fileId: file.id, status: 'skipped', reason: 'already imported' };
    }
    await this.preflight(file);
    const before = await this.store.headPosition();
    const counts = emptyCounts();
    const ids = { meetings: {} as Record<string, string>, cases: {} as Record<string, string> };
    const fileAt = earliestStamp(file);
    const members = new Map<string, string>();

    // 1. committees (created once across files)
    await this.wf.catalogue.catchUp();
    for (const c of file.committees ?? []) {
      const existing = this.wf.catalogue.committees.get(c.code);
      if (existing) {
        if (existing.name !== c.name) throw new ImportError(file.id, `committee ${c.code} exists as "${existing.name}", the record names it "${c.name}"`);
        this.result.skipped.existing.committees++;
        continue;
      }
      await this.wf.createCommittee({ code: c.code, name: c.name }, this.ctx(file.actor, undefined, fileAt));
      counts.committees++;
    }

    // 2. members (a current member with the same name, organisation and role is reused)
    for (const m of file.members ?? []) {
      const view = await this.wf.getCommittee(m.committee);
      const same = view.members.find((x) => x.name === m.name && x.organisation === m.organisation && x.role === m.role);
      if (same) {
        members.set(m.key, same.id);
        this.result.skipped.existing.members++;
        continue;
      }
      const r = await this.wf.addMember(m.committee, { name: m.name, organisation: m.organisation, role: m.role }, this.ctx(file.actor, undefined, fileAt));
      members.set(m.key, r.id);
      counts.members++;
    }

    // 3. numbering continuation (a null value keeps the store's own)
    for (const n of file.numbering ?? []) {
      const state = await this.wf.getNumbering(n.committee, n.year);
      const next = { nextMeetingNumber: n.nextMeetingNumber ?? state.nextMeetingNumber, nextCaseNumber: n.nextCaseNumber ?? state.nextCaseNumber };
      if (next.nextMeetingNumber === state.nextMeetingNumber && next.nextCaseNumber === state.nextCaseNumber) continue;
      if (next.nextMeetingNumber < state.nextMeetingNumber || next.nextCaseNumber < state.nextCaseNumber)
        throw new ImportError(
          file.id,
          `numbering of ${n.committee} ${n.year} is at meeting ${state.nextMeetingNumber}, case ${state.nextCaseNumber} already; the record continues at ${n.nextMeetingNumber ?? '(not recorded)'}, ${n.nextCaseNumber ?? '(not recorded)'}`,
        );
      await this.wf.continueNumbering(n.committee, n.year, next, this.ctx(file.actor, undefined, fileAt));
      counts.numbering++;
    }

    // 4. meetings in date order, each with its cases, up to its recorded end state
    const meetings = [...(file.meetings ?? [])].sort((a, b) => a.date.localeCompare(b.date));
    for (const m of meetings) await this.importMeeting(file, m, members, ids, counts);

    // 5. history: the earlier decisions quoted in case papers, as history streams (see the header)
    const history = (file.history ?? []).map((h) => ({
      ...h,
      quotedInCaseIds: h.quotedIn.map((q) => ids.cases[q]).filter((x): x is string => typeof x === 'string'),
    }));
    for (const h of history) await this.importHistory(file, h, fileAt);
    counts.history = history.length;

    // 6. portfolio projects
    for (const p of file.projects ?? []) await this.importProject(file, p, counts);

    // 7. portfolio endorsements: the case must exist with that outcome and vedtak
    for (const pe of file.portfolioEndorsements ?? []) {
      const found = await this.findCase(pe.committee, pe.caseNumber);
      if (!found) throw new ImportError(file.id, `portfolio endorsement ${pe.committee} ${pe.caseNumber}: no such case in the store (import the file of ${pe.meeting} first)`);
      const c = await this.wf.getCase(found.caseId);
      if (c.state !== pe.outcome || c.resolution !== pe.resolution)
        throw new ImportError(file.id, `portfolio endorsement ${pe.committee} ${pe.caseNumber}: the case is ${c.state} with a different vedtak than the record`);
      counts.portfolioEndorsements++;
    }

    // 8. annual plan: one planned meeting per distinct key, unless recorded as a meeting elsewhere or present
    await this.importAnnualPlan(file, counts);

    // 9. planned cases (drafts of their matter), then the matters' order is checked
    for (const pc of file.plannedCases ?? []) {
      const body: CreateCaseBody = { committee: pc.committee, title: pc.title, type: pc.type, proposedResolution: pc.proposedResolution ?? '', matterId: pc.matterId };
      await this.wf.createCase(body, this.ctx(pc.actor, pc.committee, pc.at.created.at));
      counts.plannedCases++;
    }
    for (const matter of file.matters ?? []) {
      await this.checkMatter(file, matter);
      counts.matters++;
    }

    // 10. HelseOmsorg21
    for (const h of file.helseOmsorg21 ?? []) await this.importHelseOmsorg21(file, h, ids, counts);

    // the marker, last: the file is done
    // the events written since `before` (counted: positions are not 1, 2, 3, …), + the marker
    let written = 0;
    for await (const _ of this.store.readAll({ after: before })) written++;
    counts.files = 1;
    counts.events = written + 1;
    const data: RecordFileImportedData = {
      v: 1,
      fileId: file.id,
      title: file.title,
      sha256: hash,
      counts,
      meetings: ids.meetings,
      cases: ids.cases,
      history,
      annualPlan: file.annualPlan ?? [],
      helseOmsorg21: file.helseOmsorg21 ?? [],
      portfolioEndorsements: file.portfolioEndorsements ?? [],
      sources: file.sources,
    };
    await this.store.append(
      importStream(file.id),
      [{ type: IMPORT_MARKER_TYPE, data, metadata: { actor: file.actor, correlationId: this.correlationId, causationId: null, at: new Date().toISOString() } }],
      { expectedRevision: 'no_stream' },
    );
    this.log(`${file.id}: ${describeCounts(counts)}`);
    return { fileId: file.id, status: 'imported', counts };
  }

  /** One earlier decision through the history command; `at` = when the first quoting paper was issued. */
  private async importHistory(file: RecordFile, h: HistoryDecision & { quotedInCaseIds: string[] }, fileAt: string | undefined): Promise<void> {
    const quoting = (file.meetings ?? []).filter((m) => m.cases.some((c) => h.quotedIn.includes(caseKey(m.committee, c.number ?? ''))));
    const stamps = quoting.map((m) => (m.at.noticed ?? m.at.planned).at).sort((a, b) => Date.parse(a) - Date.parse(b));
    const at = stamps[0] ?? fileAt;
    const outcome = historyOutcome(h.wording);
    const body: RecordHistoryBody = {
      number: h.number,
      year: h.year,
      title: h.title,
      wording: h.wording,
      ...(outcome ? { outcome: outcome.outcome } : {}),
      ...(h.matterId ? { matterId: h.matterId } : {}),
      source: { citedBy: [...h.quotedIn], citedByCaseIds: h.quotedInCaseIds, seeds: h.source.map((x) => ({ seed: x.seed, lines: [...x.lines] })) },
      note: outcome
        ? `Quoted in ${h.quotedIn.join(', ')}. Outcome from the quoted wording ("${outcome.phrase}"). The meeting, its date and the approval of its minutes are not in the records.`
        : `Quoted in ${h.quotedIn.join(', ')}. The quoted wording does not state one outcome (tilslutning or orientering), so none is recorded. The meeting, its date and the approval of its minutes are not in the records.`,
    };
    await this.wf.recordHistoricalDecision(h.committee, body, this.ctx(file.actor, h.committee, at));
  }

  /** What the file needs from the store (committees, cases of other files) is there: checked before anything is written. */
  private async preflight(file: RecordFile): Promise<void> {
    await this.wf.catalogue.catchUp();
    const own = new Set((file.committees ?? []).map((c) => c.code));
    const need = new Map<string, string>();
    for (const m of file.members ?? []) need.set(m.committee, `member ${m.key}`);
    for (const n of file.numbering ?? []) need.set(n.committee, `numbering ${n.committee} ${n.year}`);
    for (const m of file.meetings ?? []) need.set(m.committee, `meeting ${m.key}`);
    for (const e of file.annualPlan ?? []) if (e.meetingKey && e.date && !this.meetingKeysElsewhere.has(e.meetingKey)) need.set(e.committee, `annual plan ${e.meetingKey}`);
    for (const p of file.plannedCases ?? []) need.set(p.committee, `planned case of ${p.matterId}`);
    for (const h of file.helseOmsorg21 ?? []) need.set(h.committee, `${h.committee} ${h.number}`);
    for (const [code, what] of need)
      if (!own.has(code) && !this.wf.catalogue.committees.has(code))
        throw new ImportError(file.id, `${what}: committee ${code} is neither in this file nor in the store (import its file first); nothing written`);
    const refs: { committee: string; number: string; what: string }[] = [];
    for (const pe of file.portfolioEndorsements ?? []) refs.push({ committee: pe.committee, number: pe.caseNumber, what: `portfolio endorsement ${pe.caseNumber}` });
    for (const mt of file.matters ?? []) for (const s of mt.steps) if (s.caseNumber) refs.push({ committee: s.committee, number: s.caseNumber, what: `matter ${mt.matterId}` });
    const inFile = new Set((file.meetings ?? []).flatMap((m) => m.cases.filter((c) => c.number).map((c) => caseKey(m.committee, c.number!))));
    for (const r of refs)
      if (!inFile.has(caseKey(r.committee, r.number)) && !(await this.findCase(r.committee, r.number)))
        throw new ImportError(file.id, `${r.what}: case ${r.committee} ${r.number} is neither in this file nor in the store (import its file first); nothing written`);
  }

  private async importMeeting(
    file: RecordFile,
    m: MeetingRecord,
    members: Map<string, string>,
    ids: { meetings: Record<string, string>; cases: Record<string, string> },
    counts: ImportCounts,
  ): Promise<void> {
    const code = m.committee;
    await this.wf.catalogue.catchUp();
    const clash = this.wf.catalogue.meetingsOf(code).find((x) => x.date === m.date);
    if (clash) throw new ImportError(file.id, `${m.key}: ${code} has a meeting on ${m.date} already (${clash.number}); the store holds other data or an unfinished import`);
    const planned = await this.wf.planMeeting(
      code,
      // with the days and the format the record gives (the NUFA webinar 28.–29.10.2020)
      { date: m.date, ...(m.startTime ? { startTime: m.startTime } : {}), ...(m.endTime ? { endTime: m.endTime } : {}), place: m.place ?? NOT_RECORDED, ...(m.endDate ? { endDate: m.endDate } : {}), ...(m.format ? { format: m.format } : {}) },
      this.ctx(m.actor, code, m.at.planned.at),
    );
    const meetingId = planned.id;
    ids.meetings[m.key] = meetingId;
    if (m.number !== null && planned.number !== m.number)
      throw new ImportError(file.id, `${m.key}: the engine numbered the meeting ${String(planned.number)}, the record says ${m.number} (numbering continuation missing?)`);
    await this.buildAgenda(file, m, meetingId, ids, counts);
    if (m.endState === 'planned') return;

    // numbers: predicted from the numbering state and the agenda order before the notice
    const view = await this.wf.getMeeting(meetingId);
    const numbering = await this.wf.getNumbering(code, view.year);
    const yy = String(view.year % 100).padStart(2, '0');
    const recordIds = m.cases.map((c) => ids.cases[caseKey(code, c.number!)]);
    view.agenda.forEach((a, i) => {
      const expected = m.cases[i]?.number;
      const predicted = `${numbering.nextCaseNumber + i}/${yy}`;
      if (a.caseId !== recordIds[i] || predicted !== expected)
        throw new ImportError(file.id, `${m.key}: agenda position ${i + 1} would be ${predicted} "${a.title}", the record has ${expected ?? '(nothing)'} "${m.cases[i]?.title ?? ''}"`);
    });
    if (view.agenda.length !== m.cases.length) throw new ImportError(file.id, `${m.key}: the agenda has ${view.agenda.length} cases, the record ${m.cases.length}`);
    const noticed = await this.wf.noticeMeeting(meetingId, this.ctx(m.actor, code, m.at.noticed!.at));
    const given = noticed.agenda as { caseId: string; number: string }[];
    given.forEach((g, i) => {
      if (g.caseId !== recordIds[i] || g.number !== m.cases[i]!.number)
        throw new ImportError(file.id, `${m.key}: the notice numbered ${g.number}, the record has ${m.cases[i]!.number} (written; the store needs a fresh import)`);
    });
    counts.meetings++;
    if (m.endState === 'noticed') {
      counts.meetingsNoticed++;
      return;
    }

    // held: open with attendance, present, discussion, vedtak, adjourn
    const att = m.attendance!;
    const memberId = (key: string): string => {
      const id = members.get(key);
      if (!id) throw new ImportError(file.id, `${m.key}: attendance names ${key}, not a member of this file`);
      return id;
    };
    await this.wf.openMeeting(
      meetingId,
      {
        present: [...att.present, ...att.observers].map((a) => memberId(a.member)),
        absent: att.absent.map((a) => memberId(a.member)),
        guests: att.guests,
        // the secretariat's staff present (NEHS 8/2018: seven from Direktoratet for e-helse)
        ...(att.secretariatStaff.length ? { secretariat: att.secretariatStaff } : {}),
      },
      this.ctx(m.actor, code, m.at.opened!.at),
    );
    for (const c of m.cases) {
      const caseId = ids.cases[caseKey(code, c.number!)]!;
      const presenter = c.presenter ?? (c.subItems.some((s) => s.presenter) ? c.subItems.filter((s) => s.presenter).map((s) => s.presenter).join('; ') : NOT_RECORDED);
      await this.wf.caseCommand(caseId, 'present', { presenter }, this.ctx(c.actor, code, c.at.presented!.at));
      if (c.discussion !== null || c.points.length || c.followUps.length) {
        await this.wf.caseCommand(
          caseId,
          'record-discussion',
          { ...(c.discussion !== null ? { summary: c.discussion } : {}), points: c.points, followUps: c.followUps },
          this.ctx(c.actor, code, c.at.presented!.at),
        );
      }
      if (c.outcome === 'endorsement')
        await this.wf.caseCommand(caseId, 'endorse', { resolution: c.resolution!, ...(c.conditions !== null ? { conditions: c.conditions } : {}) }, this.ctx(c.actor, code, c.at.decided!.at));
      else
        await this.wf.caseCommand(caseId, 'note', { resolution: c.resolution!, ...(c.input.length ? { input: c.input } : {}) }, this.ctx(c.actor, code, c.at.decided!.at));
      counts.decisions++;
    }
    await this.wf.adjournMeeting(meetingId, this.ctx(m.actor, code, m.at.adjourned!.at));
    counts.meetingsHeld++;
    const held = await this.wf.getMeeting(meetingId);
    const expectMinutes = m.minutesStatus === 'approved' ? 'approved' : 'draft';
    if (held.minutes !== expectMinutes) throw new ImportError(file.id, `${m.key}: minutes are ${held.minutes}, the record says ${m.minutesStatus}`);
  }

  /** The agenda before notice: standard items matched by kind (title and paper set to the record's), the others created and scheduled. */
  private async buildAgenda(
    file: RecordFile,
    m: MeetingRecord,
    meetingId: string,
    ids: { meetings: Record<string, string>; cases: Record<string, string> },
    counts: ImportCounts,
  ): Promise<void> {
    const code = m.committee;
    const view = await this.wf.getMeeting(meetingId);
    // the engine's previous meeting (whose minutes this one approves) must be the record's, when it has one
    if (view.previousMeetingDate !== undefined && m.previousMeetingDate !== null && view.previousMeetingDate !== m.previousMeetingDate)
      throw new ImportError(file.id, `${m.key}: the previous meeting in the store is of ${view.previousMeetingDate}, the record's is of ${m.previousMeetingDate}`);
    const engineItems = new Map<StandardItem, string>();
    for (const a of view.agenda) if (a.standardItem) engineItems.set(a.standardItem, a.caseId);
    const accounted = new Set<StandardItem>();
    for (const [i, c] of m.cases.entries()) {
      const key = c.number ? caseKey(code, c.number) : `${m.key} #${i + 1}`;
      const engineCase = c.standardItem ? engineItems.get(c.standardItem) : undefined;
      if (c.standardItem && engineCase) {
        accounted.add(c.standardItem);
        for (const s of c.combinesStandardItems ?? []) accounted.add(s);
        if (c.matterId !== null) throw new ImportError(file.id, `${key}: a standard item cannot be given the matter ${c.matterId}`);
        const current = await this.wf.getCase(engineCase);
        const changes: EditCaseBody = {};
        const paper = paperOf(c);
        if (current.title !== c.title) changes.title = c.title;
        if (current.type !== c.type) changes.type = c.type;
        if (current.proposedResolution !== paper.proposedResolution) changes.proposedResolution = paper.proposedResolution;
        for (const f of ['background', 'purpose', 'caseOfficer', 'responsible'] as const) if (paper[f] !== undefined) changes[f] = paper[f];
        if (paper.projectIds?.length) changes.projectIds = paper.projectIds;
        if (Object.keys(changes).length) await this.wf.editCase(engineCase, changes, this.ctx(c.actor, code, c.at.created.at));
        ids.cases[key] = engineCase;
      } else {
        if (c.standardItem) accounted.add(c.standardItem);
        for (const s of c.combinesStandardItems ?? []) accounted.add(s);
        const created = await this.wf.createCase(
          { committee: code, ...paperOf(c), ...(c.matterId !== null ? { matterId: c.matterId } : {}) },
          this.ctx(c.actor, code, c.at.created.at),
        );
        await this.wf.caseCommand(created.id, 'schedule', { meetingId }, this.ctx(c.actor, code, c.at.scheduled.at));
        ids.cases[key] = created.id;
      }
      counts.cases++;
    }
    // engine-made standard items the record does not have
    for (const [item, caseId] of engineItems) {
      if (accounted.has(item) && !(m.omittedStandardItems ?? []).includes(item)) continue;
      if (!(m.omittedStandardItems ?? []).includes(item))
        throw new ImportError(file.id, `${m.key}: the engine made a standard item ${item} that the record neither has nor lists in omittedStandardItems`);
      const at = (m.at.noticed ?? m.at.planned).at;
      await this.wf.caseCommand(caseId, 'withdraw', { reason: `not on the recorded agenda (${file.id}: ${m.key} omittedStandardItems)` }, this.ctx(m.actor, code, at));
      counts.withdrawnStandardItems++;
    }
  }

  private async importProject(file: RecordFile, p: NonNullable<RecordFile['projects']>[number], counts: ImportCounts): Promise<void> {
    try {
      await loadProject(this.store, p.id);
      this.result.skipped.existing.projects++;
      return;
    } catch (e) {
      if (!(e instanceof PortfolioError && e.status === 404)) throw e;
    }
    // when: the records give no time for a project row; the case that lists it (35/20: the meeting of the slide) is used, else the import time
    let at: string | undefined;
    for (const f of this.all) for (const m of f.meetings ?? []) for (const c of m.cases) if (!at && c.projectIds.includes(p.id)) at = c.at.created.at;
    const ctx = { actor: { name: file.actor }, correlationId: this.correlationId, ...(at ? { at } : {}) };
    await registerProject(this.store, { id: p.id, name: p.name, owner: p.owner, ...(p.phase !== null ? { phase: p.phase } : {}), ...(p.status !== null ? { status: p.status } : {}) }, ctx);
    if (p.risk !== null) await reportProjectStatus(this.store, p.id, { risk: p.risk, note: p.asOf }, ctx);
    counts.projects++;
  }

  private async importAnnualPlan(file: RecordFile, counts: ImportCounts): Promise<void> {
    const seen = new Set<string>();
    for (const e of file.annualPlan ?? []) {
      if (e.meetingKey === null || e.date === null || seen.has(e.meetingKey)) continue;
      seen.add(e.meetingKey);
      if (this.meetingKeysElsewhere.has(e.meetingKey)) continue;
      await this.wf.catalogue.catchUp();
      if (!this.wf.catalogue.committees.has(e.committee))
        throw new ImportError(file.id, `annual plan ${e.meetingKey}: committee ${e.committee} is not in the store (import its file first)`);
      if (this.wf.catalogue.meetingsOf(e.committee).some((x) => x.date === e.date)) {
        this.result.skipped.existing.plannedMeetings++;
        continue;
      }
      await this.wf.planMeeting(e.committee, { date: e.date, place: NOT_RECORDED }, this.ctx(file.actor, e.committee, osloMidnight(e.date)));
      counts.plannedMeetings++;
    }
  }

  private async checkMatter(file: RecordFile, matter: NonNullable<RecordFile['matters']>[number]): Promise<void> {
    for (const s of matter.steps) {
      if (!s.caseNumber) continue;
      const found = await this.findCase(s.committee, s.caseNumber);
      if (!found) throw new ImportError(file.id, `matter ${matter.matterId}: ${s.committee} ${s.caseNumber} is not in the store (import its file first)`);
      const c = await this.wf.getCase(found.caseId);
      if (c.matterId !== matter.matterId) throw new ImportError(file.id, `matter ${matter.matterId}: ${s.committee} ${s.caseNumber} belongs to matter ${c.matterId}`);
    }
    const view = await this.wf.getMatter(matter.matterId);
    const got = view.cases.map((c) => c.committee).join(' → ');
    const want = matter.steps.map((s) => s.committee).join(' → ');
    if (got !== want) throw new ImportError(file.id, `matter ${matter.matterId}: the store has ${got}, the record ${want}`);
  }

  /**
   * HelseOmsorg21 Sak 19/17: the deck is the case as presented with its forslag til vedtak (no vedtak).
   * Replayed as a noticed meeting of the council on the presentation's date whose agenda is that one
   * case (numbering continued to 19 in 2017; the engine's standard items withdrawn: the deck has none).
   */
  private async importHelseOmsorg21(file: RecordFile, h: HelseOmsorg21Case, ids: { meetings: Record<string, string>; cases: Record<string, string> }, counts: ImportCounts): Promise<void> {
    const [seq, yy] = h.number.split('/').map(Number) as [number, number];
    const year = 2000 + yy;
    if (!h.meetingDate || Number(h.meetingDate.slice(0, 4)) !== year) {
      // no date for a meeting: the case stays a draft (its number cannot be given without a notice)
      const r = await this.wf.createCase(
        { committee: h.committee, title: h.title, type: HO21_TYPE, proposedResolution: h.proposedResolution.join('\n\n'), background: measuresText(h) },
        this.ctx(file.actor, h.committee, undefined),
      );
      ids.cases[caseKey(h.committee, h.number)] = r.id;
      counts.helseOmsorg21++;
      return;
    }
    const at = osloMidnight(h.meetingDate);
    const state = await this.wf.getNumbering(h.committee, year);
    if (state.nextCaseNumber > seq) throw new ImportError(file.id, `${h.committee} ${year} numbering is past ${h.number} already`);
    if (state.nextCaseNumber < seq)
      await this.wf.continueNumbering(h.committee, year, { nextMeetingNumber: state.nextMeetingNumber, nextCaseNumber: seq }, this.ctx(file.actor, undefined, at));
    const record: MeetingRecord = {
      key: `${h.committee} ${h.meetingDate}`,
      committee: h.committee,
      number: null,
      date: h.meetingDate,
      startTime: null,
      endTime: null,
      place: null,
      endState: 'noticed',
      minutesStatus: 'none',
      previousMeetingDate: null,
      attendance: null,
      omittedStandardItems: ['notice-approval', 'minutes-approval', 'any-other-business'],
      at: { planned: { at, basis: 'not-recorded' }, noticed: { at, basis: 'not-recorded' } },
      actor: file.actor,
      cases: [
        {
          number: h.number,
          title: h.title,
          type: HO21_TYPE,
          typeAsRecorded: null,
          standardItem: null,
          proposedResolution: h.proposedResolution.join('\n\n'),
          background: measuresText(h),
          presenter: h.presenter,
          discussion: null,
          points: [],
          followUps: [],
          outcome: null,
          resolution: null,
          conditions: null,
          input: [],
          subItems: [],
          projectIds: [],
          matterId: null,
          endState: 'scheduled',
          at: { created: { at, basis: 'not-recorded' }, scheduled: { at, basis: 'not-recorded' } },
          actor: file.actor,
          source: h.source,
        },
      ],
      source: h.source,
    };
    await this.importMeeting(file, record, new Map(), ids, counts);
    counts.helseOmsorg21++;
  }
}

/** HelseOmsorg21 19/17 has no sakstype in the records; its forslag til vedtak asks the council to adopt (vedtar) and take input: endorsement. */
const HO21_TYPE: CaseType = 'endorsement';

/** The four measures as the case background: "N. title: status", each verbatim, one per paragraph. */
function measuresText(h: HelseOmsorg21Case): string {
  return h.measures.map((m) => `${m.number}. ${m.title}: ${m.status}`).join('\n\n');
}

function paperOf(c: CaseRecord): Omit<CreateCaseBody, 'committee' | 'matterId'> {
  return {
    title: c.title,
    type: c.type,
    // the API needs a string; null (no forslag til vedtak in the records) is sent as "" — never the vedtak
    proposedResolution: c.proposedResolution ?? '',
    ...(c.background != null ? { background: c.background } : {}),
    ...(c.purpose != null ? { purpose: c.purpose } : {}),
    ...(c.caseOfficer != null ? { caseOfficer: c.caseOfficer } : {}),
    ...(c.responsible != null ? { responsible: c.responsible } : {}),
    ...(c.projectIds.length ? { projectIds: c.projectIds } : {}),
    // numbered sub-items (50/18 NR. 1–4), labels as written; citable as "50/18 NR. 2"
    ...(c.subItems.length ? { items: c.subItems.map((it) => ({ label: it.label, title: it.title })) } : {}),
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
