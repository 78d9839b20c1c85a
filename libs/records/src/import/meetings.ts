/**
 * A recorded meeting replayed through the meeting and case commands, up to its recorded end state:
 * planned, its agenda built (standard items matched by kind, the others created and scheduled),
 * the numbers checked before the notice and after it, held (attendance, presentation, discussion,
 * vedtak, adjournment) and its minutes checked. HelseOmsorg21 19/17 goes the same way.
 */
import type { EditCaseBody } from '@saksflyt/workflow';
import type { HelseOmsorg21Case, MeetingRecord, RecordFile, StandardItem } from '../schema.js';
import { caseKey, helseOmsorg21Meeting, HO21_TYPE, measuresText, osloMidnight, paperOf } from './mapping.js';
import { ImportError, NOT_RECORDED, type ImportCounts } from './model.js';
import type { ImportIds, ImportRun } from './run.js';

export async function importMeeting(
  run: ImportRun,
  file: RecordFile,
  m: MeetingRecord,
  members: Map<string, string>,
  ids: ImportIds,
  counts: ImportCounts,
): Promise<void> {
  const code = m.committee;
  await run.wf.catalogue.catchUp();
  const clash = run.wf.catalogue.meetingsOf(code).find((x) => x.date === m.date);
  if (clash) throw new ImportError(file.id, `${m.key}: ${code} has a meeting on ${m.date} already (${clash.number}); the store holds other data or an unfinished import`);
  const planned = await run.wf.planMeeting(
    code,
    // with the days and the format the record gives (the NUFA webinar 28.–29.10.2020)
    { date: m.date, ...(m.startTime ? { startTime: m.startTime } : {}), ...(m.endTime ? { endTime: m.endTime } : {}), place: m.place ?? NOT_RECORDED, ...(m.endDate ? { endDate: m.endDate } : {}), ...(m.format ? { format: m.format } : {}) },
    run.ctx(m.actor, code, m.at.planned.at),
  );
  const meetingId = planned.id;
  ids.meetings[m.key] = meetingId;
  if (m.number !== null && planned.number !== m.number)
    throw new ImportError(file.id, `${m.key}: the engine numbered the meeting ${String(planned.number)}, the record says ${m.number} (numbering continuation missing?)`);
  await buildAgenda(run, file, m, meetingId, ids, counts);
  if (m.endState === 'planned') return;

  // numbers: predicted from the numbering state and the agenda order before the notice
  const view = await run.wf.getMeeting(meetingId);
  const numbering = await run.wf.getNumbering(code, view.year);
  const yy = String(view.year % 100).padStart(2, '0');
  const recordIds = m.cases.map((c) => ids.cases[caseKey(code, c.number!)]);
  view.agenda.forEach((a, i) => {
    const expected = m.cases[i]?.number;
    const predicted = `${numbering.nextCaseNumber + i}/${yy}`;
    if (a.caseId !== recordIds[i] || predicted !== expected)
      throw new ImportError(file.id, `${m.key}: agenda position ${i + 1} would be ${predicted} "${a.title}", the record has ${expected ?? '(nothing)'} "${m.cases[i]?.title ?? ''}"`);
  });
  if (view.agenda.length !== m.cases.length) throw new ImportError(file.id, `${m.key}: the agenda has ${view.agenda.length} cases, the record ${m.cases.length}`);
  const noticed = await run.wf.noticeMeeting(meetingId, run.ctx(m.actor, code, m.at.noticed!.at));
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
  await run.wf.openMeeting(
    meetingId,
    {
      present: [...att.present, ...att.observers].map((a) => memberId(a.member)),
      absent: att.absent.map((a) => memberId(a.member)),
      guests: att.guests,
      // the secretariat's staff present (NEHS 8/2018: seven from Direktoratet for e-helse)
      ...(att.secretariatStaff.length ? { secretariat: att.secretariatStaff } : {}),
    },
    run.ctx(m.actor, code, m.at.opened!.at),
  );
  for (const c of m.cases) {
    const caseId = ids.cases[caseKey(code, c.number!)]!;
    const presenter = c.presenter ?? (c.subItems.some((s) => s.presenter) ? c.subItems.filter((s) => s.presenter).map((s) => s.presenter).join('; ') : NOT_RECORDED);
    await run.wf.caseCommand(caseId, 'present', { presenter }, run.ctx(c.actor, code, c.at.presented!.at));
    if (c.discussion !== null || c.points.length || c.followUps.length) {
      await run.wf.caseCommand(
        caseId,
        'record-discussion',
        { ...(c.discussion !== null ? { summary: c.discussion } : {}), points: c.points, followUps: c.followUps },
        run.ctx(c.actor, code, c.at.presented!.at),
      );
    }
    if (c.outcome === 'endorsement')
      await run.wf.caseCommand(caseId, 'endorse', { resolution: c.resolution!, ...(c.conditions !== null ? { conditions: c.conditions } : {}) }, run.ctx(c.actor, code, c.at.decided!.at));
    else
      await run.wf.caseCommand(caseId, 'note', { resolution: c.resolution!, ...(c.input.length ? { input: c.input } : {}) }, run.ctx(c.actor, code, c.at.decided!.at));
    counts.decisions++;
  }
  await run.wf.adjournMeeting(meetingId, run.ctx(m.actor, code, m.at.adjourned!.at));
  counts.meetingsHeld++;
  const held = await run.wf.getMeeting(meetingId);
  const expectMinutes = m.minutesStatus === 'approved' ? 'approved' : 'draft';
  if (held.minutes !== expectMinutes) throw new ImportError(file.id, `${m.key}: minutes are ${held.minutes}, the record says ${m.minutesStatus}`);
}

/** The agenda before notice: standard items matched by kind (title and paper set to the record's), the others created and scheduled. */
export async function buildAgenda(
  run: ImportRun,
  file: RecordFile,
  m: MeetingRecord,
  meetingId: string,
  ids: ImportIds,
  counts: ImportCounts,
): Promise<void> {
  const code = m.committee;
  const view = await run.wf.getMeeting(meetingId);
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
      const current = await run.wf.getCase(engineCase);
      const changes: EditCaseBody = {};
      const paper = paperOf(c);
      if (current.title !== c.title) changes.title = c.title;
      if (current.type !== c.type) changes.type = c.type;
      if (current.proposedResolution !== paper.proposedResolution) changes.proposedResolution = paper.proposedResolution;
      for (const f of ['background', 'purpose', 'caseOfficer', 'responsible'] as const) if (paper[f] !== undefined) changes[f] = paper[f];
      if (paper.projectIds?.length) changes.projectIds = paper.projectIds;
      if (Object.keys(changes).length) await run.wf.editCase(engineCase, changes, run.ctx(c.actor, code, c.at.created.at));
      ids.cases[key] = engineCase;
    } else {
      if (c.standardItem) accounted.add(c.standardItem);
      for (const s of c.combinesStandardItems ?? []) accounted.add(s);
      const created = await run.wf.createCase(
        { committee: code, ...paperOf(c), ...(c.matterId !== null ? { matterId: c.matterId } : {}) },
        run.ctx(c.actor, code, c.at.created.at),
      );
      await run.wf.caseCommand(created.id, 'schedule', { meetingId }, run.ctx(c.actor, code, c.at.scheduled.at));
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
    await run.wf.caseCommand(caseId, 'withdraw', { reason: `not on the recorded agenda (${file.id}: ${m.key} omittedStandardItems)` }, run.ctx(m.actor, code, at));
    counts.withdrawnStandardItems++;
  }
}

/**
 * HelseOmsorg21 Sak 19/17: the deck is the case as presented with its forslag til vedtak (no vedtak).
 * Replayed as a noticed meeting of the council on the presentation's date whose agenda is that one
 * case (numbering continued to 19 in 2017; the engine's standard items withdrawn: the deck has none).
 */
export async function importHelseOmsorg21(run: ImportRun, file: RecordFile, h: HelseOmsorg21Case, ids: ImportIds, counts: ImportCounts): Promise<void> {
  const [seq, yy] = h.number.split('/').map(Number) as [number, number];
  const year = 2000 + yy;
  if (!h.meetingDate || Number(h.meetingDate.slice(0, 4)) !== year) {
    // no date for a meeting: the case stays a draft (its number cannot be given without a notice)
    const r = await run.wf.createCase(
      { committee: h.committee, title: h.title, type: HO21_TYPE, proposedResolution: h.proposedResolution.join('\n\n'), background: measuresText(h) },
      run.ctx(file.actor, h.committee, undefined),
    );
    ids.cases[caseKey(h.committee, h.number)] = r.id;
    counts.helseOmsorg21++;
    return;
  }
  const at = osloMidnight(h.meetingDate);
  const state = await run.wf.getNumbering(h.committee, year);
  if (state.nextCaseNumber > seq) throw new ImportError(file.id, `${h.committee} ${year} numbering is past ${h.number} already`);
  if (state.nextCaseNumber < seq)
    await run.wf.continueNumbering(h.committee, year, { nextMeetingNumber: state.nextMeetingNumber, nextCaseNumber: seq }, run.ctx(file.actor, undefined, at));
  const record = helseOmsorg21Meeting(h, h.meetingDate, at, file.actor);
  await importMeeting(run, file, record, new Map(), ids, counts);
  counts.helseOmsorg21++;
}
