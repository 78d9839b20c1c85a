/**
 * The reads of the workflow: committees, numbering, meetings (lists, one with its agenda, its
 * history), cases (one, as of a position or a time, its history), matters, historical decisions.
 * Records are folded from their streams; the catalogue answers the cross-record lookups.
 */
import { caseStream, meetingStream } from '../events.js';
import { foldCase } from '../machines/case.machine.js';
import type { Actor } from '../machines/guard-input.js';
import { caseState } from '../machines/case.machine.js';
import type { NumberingState } from '../numbering/state.js';
import { historyView } from '../history/decide.js';
import { amendmentChanges } from '../case/amendments.js';
import { NotFound } from '../application/errors.js';
import type { CaseView, CommitteeView, HistoricalDecisionView, HistoryEntry, MatterView, MeetingSummary, MeetingView } from '../application/types.js';
import { revisionOf, type Loader } from '../core/load.js';
import { caseView, cutOff, historyEntry, meetingView, summary } from './views.js';

export class Queries {
  constructor(private readonly load: Loader) {}

  private get catalogue() {
    return this.load.catalogue;
  }

  async listCommittees(): Promise<{ code: string; name: string }[]> {
    await this.catalogue.catchUp();
    return [...this.catalogue.committees.values()].sort((a, b) => (a.position < b.position ? -1 : 1)).map(({ code, name }) => ({ code, name }));
  }

  async getCommittee(code: string): Promise<CommitteeView> {
    const k = await this.load.committee(code);
    const all = [...k.members.values()];
    return { code: k.code, name: k.name, members: all.filter((m) => !m.leftAt), formerMembers: all.filter((m) => m.leftAt), revision: k.revision };
  }

  async getNumbering(code: string, year: number): Promise<NumberingState & { revision: bigint }> {
    await this.load.requireCommittee(code);
    const { state, revision } = await this.load.numbering(code, year);
    return { committee: state.committee, year: state.year, nextMeetingNumber: state.nextMeetingNumber, nextCaseNumber: state.nextCaseNumber, revision };
  }

  async listMeetings(code: string, options: { year?: number } = {}): Promise<MeetingSummary[]> {
    await this.load.requireCommittee(code);
    const out: MeetingSummary[] = [];
    for (const m of this.catalogue.meetingsOf(code)) {
      if (options.year !== undefined && m.year !== options.year) continue;
      out.push(summary((await this.load.meeting(m.meetingId)).snapshot));
    }
    return out;
  }

  async getMeeting(meetingId: string, options: { actor?: Actor } = {}): Promise<MeetingView> {
    return meetingView(this.load, await this.load.meeting(meetingId), options.actor);
  }

  async meetingHistory(meetingId: string): Promise<HistoryEntry[]> {
    const events = await this.load.readEvents(meetingStream(meetingId));
    if (!events) throw new NotFound('meeting', meetingId);
    return events.map(historyEntry);
  }

  async getCase(caseId: string, options: { actor?: Actor } = {}): Promise<CaseView> {
    return caseView(this.load, await this.load.case(caseId), options.actor);
  }

  async getCaseAt(caseId: string, at: { atPosition?: bigint; asOf?: string }, options: { actor?: Actor } = {}): Promise<CaseView> {
    const events = await this.load.readEvents(caseStream(caseId));
    if (!events) throw new NotFound('case', caseId);
    const keep = cutOff(at);
    const upto = events.filter(keep);
    if (!upto.length) throw new NotFound('case', caseId);
    return caseView(this.load, { events: upto, snapshot: foldCase(upto), revision: revisionOf(upto) }, options.actor, keep);
  }

  async caseHistory(caseId: string): Promise<HistoryEntry[]> {
    const events = await this.load.readEvents(caseStream(caseId));
    if (!events) throw new NotFound('case', caseId);
    const changes = amendmentChanges(events);
    return events.map((e, i) => (changes.has(i) ? { ...historyEntry(e), changes: changes.get(i)! } : historyEntry(e)));
  }

  async getMatter(matterId: string): Promise<MatterView> {
    await this.catalogue.catchUp();
    const ids = this.catalogue.matters.get(matterId);
    if (!ids?.length) throw new NotFound('matter', matterId);
    const cases = [];
    for (const id of ids) {
      const s = (await this.load.case(id)).snapshot;
      const c = s.context;
      cases.push({ id, committee: c.committee, number: c.number, title: c.paper.title, type: c.paper.type, state: caseState(s), meetingId: c.meetingId });
    }
    return { matterId, cases };
  }

  async listHistory(code: string): Promise<HistoricalDecisionView[]> {
    await this.load.requireCommittee(code);
    return [...(this.catalogue.history.get(code)?.values() ?? [])].map(historyView);
  }
}
