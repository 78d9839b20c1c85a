/**
 * One record file's import (see `../importer.ts`): skipped when its marker is in the store (the
 * same content) or refused (other content); else what it needs from the store is checked before
 * anything is written, then its steps run in the record's replay order, and the marker is written last.
 */
import { StreamNotFound } from '@saksflyt/event-store';
import type { CreateCaseBody } from '@saksflyt/workflow';
import type { RecordFile } from '../schema.js';
import { caseKey, earliestStamp, sha256 } from './mapping.js';
import { importHelseOmsorg21, importMeeting } from './meetings.js';
import { describeCounts, emptyCounts, IMPORT_MARKER_TYPE, ImportError, importStream, type ImportFileReport, type RecordFileImportedData } from './model.js';
import { ImportRun, type ImportIds } from './run.js';
import { checkMatter, checkPortfolioEndorsement, importAnnualPlan, importHistory, importProject } from './steps.js';

export class FileImport extends ImportRun {
  private async marker(fileId: string): Promise<RecordFileImportedData | null> {
    try {
      for await (const e of this.store.readStream(importStream(fileId))) if (e.type === IMPORT_MARKER_TYPE) return e.data as RecordFileImportedData;
    } catch (e) {
      if (e instanceof StreamNotFound || (e as { code?: string })?.code === 'STREAM_NOT_FOUND') return null;
      throw e;
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
    const ids: ImportIds = { meetings: {}, cases: {} };
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
    for (const m of meetings) await importMeeting(this, file, m, members, ids, counts);

    // 5. history: the earlier decisions quoted in case papers, as history streams (see the header)
    const history = (file.history ?? []).map((h) => ({
      ...h,
      quotedInCaseIds: h.quotedIn.map((q) => ids.cases[q]).filter((x): x is string => typeof x === 'string'),
    }));
    for (const h of history) await importHistory(this, file, h, fileAt);
    counts.history = history.length;

    // 6. portfolio projects
    for (const p of file.projects ?? []) await importProject(this, file, p, counts);

    // 7. portfolio endorsements: the case must exist with that outcome and vedtak
    for (const pe of file.portfolioEndorsements ?? []) {
      await checkPortfolioEndorsement(this, file, pe);
      counts.portfolioEndorsements++;
    }

    // 8. annual plan: one planned meeting per distinct key, unless recorded as a meeting elsewhere or present
    await importAnnualPlan(this, file, counts);

    // 9. planned cases (drafts of their matter), then the matters' order is checked
    for (const pc of file.plannedCases ?? []) {
      const body: CreateCaseBody = { committee: pc.committee, title: pc.title, type: pc.type, proposedResolution: pc.proposedResolution ?? '', matterId: pc.matterId };
      await this.wf.createCase(body, this.ctx(pc.actor, pc.committee, pc.at.created.at));
      counts.plannedCases++;
    }
    for (const matter of file.matters ?? []) {
      await checkMatter(this, file, matter);
      counts.matters++;
    }

    // 10. HelseOmsorg21
    for (const h of file.helseOmsorg21 ?? []) await importHelseOmsorg21(this, file, h, ids, counts);

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
}
