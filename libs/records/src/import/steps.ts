/**
 * The import steps beside the meetings: earlier decisions (history), portfolio projects and the
 * endorsements checked against their case, the annual plan's planned meetings, a matter's order.
 */
import { loadProject, PortfolioError, registerProject, reportProjectStatus } from '@saksflyt/portfolio';
import type { HistoryDecision, RecordFile } from '../schema.js';
import { historyAt, historyBody, osloMidnight } from './mapping.js';
import { ImportError, NOT_RECORDED, type ImportCounts } from './model.js';
import type { ImportRun } from './run.js';

/** One earlier decision through the history command; `at` = when the first quoting paper was issued. */
export async function importHistory(run: ImportRun, file: RecordFile, h: HistoryDecision & { quotedInCaseIds: string[] }, fileAt: string | undefined): Promise<void> {
  const at = historyAt(file, h, fileAt);
  const body = historyBody(h);
  await run.wf.recordHistoricalDecision(h.committee, body, run.ctx(file.actor, h.committee, at));
}

export async function importProject(run: ImportRun, file: RecordFile, p: NonNullable<RecordFile['projects']>[number], counts: ImportCounts): Promise<void> {
  try {
    await loadProject(run.store, p.id);
    run.result.skipped.existing.projects++;
    return;
  } catch (e) {
    if (!(e instanceof PortfolioError && e.status === 404)) throw e;
  }
  // when: the records give no time for a project row; the case that lists it (35/20: the meeting of the slide) is used, else the import time
  let at: string | undefined;
  for (const f of run.all) for (const m of f.meetings ?? []) for (const c of m.cases) if (!at && c.projectIds.includes(p.id)) at = c.at.created.at;
  const ctx = { actor: { name: file.actor }, correlationId: run.correlationId, ...(at ? { at } : {}) };
  await registerProject(run.store, { id: p.id, name: p.name, owner: p.owner, ...(p.phase !== null ? { phase: p.phase } : {}), ...(p.status !== null ? { status: p.status } : {}) }, ctx);
  if (p.risk !== null) await reportProjectStatus(run.store, p.id, { risk: p.risk, note: p.asOf }, ctx);
  counts.projects++;
}

export async function importAnnualPlan(run: ImportRun, file: RecordFile, counts: ImportCounts): Promise<void> {
  const seen = new Set<string>();
  for (const e of file.annualPlan ?? []) {
    if (e.meetingKey === null || e.date === null || seen.has(e.meetingKey)) continue;
    seen.add(e.meetingKey);
    if (run.meetingKeysElsewhere.has(e.meetingKey)) continue;
    await run.wf.catalogue.catchUp();
    if (!run.wf.catalogue.committees.has(e.committee))
      throw new ImportError(file.id, `annual plan ${e.meetingKey}: committee ${e.committee} is not in the store (import its file first)`);
    if (run.wf.catalogue.meetingsOf(e.committee).some((x) => x.date === e.date)) {
      run.result.skipped.existing.plannedMeetings++;
      continue;
    }
    await run.wf.planMeeting(e.committee, { date: e.date, place: NOT_RECORDED }, run.ctx(file.actor, e.committee, osloMidnight(e.date)));
    counts.plannedMeetings++;
  }
}

export async function checkMatter(run: ImportRun, file: RecordFile, matter: NonNullable<RecordFile['matters']>[number]): Promise<void> {
  for (const s of matter.steps) {
    if (!s.caseNumber) continue;
    const found = await run.findCase(s.committee, s.caseNumber);
    if (!found) throw new ImportError(file.id, `matter ${matter.matterId}: ${s.committee} ${s.caseNumber} is not in the store (import its file first)`);
    const c = await run.wf.getCase(found.caseId);
    if (c.matterId !== matter.matterId) throw new ImportError(file.id, `matter ${matter.matterId}: ${s.committee} ${s.caseNumber} belongs to matter ${c.matterId}`);
  }
  const view = await run.wf.getMatter(matter.matterId);
  const got = view.cases.map((c) => c.committee).join(' → ');
  const want = matter.steps.map((s) => s.committee).join(' → ');
  if (got !== want) throw new ImportError(file.id, `matter ${matter.matterId}: the store has ${got}, the record ${want}`);
}

/** A portfolio endorsement of the records: its case must be in the store with that outcome and vedtak. */
export async function checkPortfolioEndorsement(run: ImportRun, file: RecordFile, pe: NonNullable<RecordFile['portfolioEndorsements']>[number]): Promise<void> {
    const found = await run.findCase(pe.committee, pe.caseNumber);
    if (!found) throw new ImportError(file.id, `portfolio endorsement ${pe.committee} ${pe.caseNumber}: no such case in the store (import the file of ${pe.meeting} first)`);
    const c = await run.wf.getCase(found.caseId);
    if (c.state !== pe.outcome || c.resolution !== pe.resolution)
      throw new ImportError(file.id, `portfolio endorsement ${pe.committee} ${pe.caseNumber}: the case is ${c.state} with a different vedtak than the record`);
}
