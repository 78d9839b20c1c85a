/**
 * The portfolio (nasjonal e-helseportefølje): projects with phase, status and risk from their status
 * reports, and the decisions that touched them (an endorsed or noted case naming `projectIds`). An
 * endorsed case titled like "Nasjonal e-helseportefølje 2019" marks that year's portfolio endorsed.
 *
 * Documents: `project/<id>`, `year/<YYYY>` (portfolio endorsements), plus `meeting` and `case` docs.
 */
import type { RecordedEvent } from '@saksflyt/event-store';
import { PROJECT_EVENT_TYPES, evolveProject, unregisteredProject, upcastEvent, type ProjectFact, type ProjectRecord } from '@saksflyt/workflow';
import type { DocChange, DocReader, DocStore, Projection } from '../runner/types.js';
import { caseNumber, streamId, trackCase, trackMeeting, yearOf, seqOf, type MeetingDoc, type TrackedCase, CASE_TYPES, MEETING_TYPES } from './common.js';

export interface ProjectDecision {
  committee: string;
  number: string | null;
  outcome: 'endorsement' | 'orientation';
  date: string;
}

export interface PortfolioProject {
  id: string;
  name: string;
  owner: string;
  phase: string | null;
  status: string | null;
  risk: string | null;
  decisions: ProjectDecision[];
}

/** `project/<id>`: the workflow's project record, plus the decisions that touched the project. */
export interface ProjectDoc extends ProjectRecord {
  decisions: (ProjectDecision & { caseId: string })[];
}

const projectDoc = (docs: DocReader, id: string): ProjectDoc => docs.get<ProjectDoc>('project', id) ?? { ...unregisteredProject(id), decisions: [] };

export interface PortfolioYear {
  year: number;
  endorsed: boolean;
  committee: string;
  number: string | null;
  caseId: string;
  title: string;
  date: string;
}

export interface PortfolioQuery {
  /** Keep only decisions of meetings in this year. */
  year?: number;
}

/** "Nasjonal e-helseportefølje 2019" (also without the diacritic) → 2019. */
export const PORTFOLIO_TITLE = /e-?helseportef(?:ø|o|oe)lje[^0-9]{0,40}(\d{4})/i;

function toProject(p: ProjectDoc, year?: number): PortfolioProject {
  return {
    id: p.id,
    name: p.name,
    owner: p.owner,
    phase: p.phase,
    status: p.status,
    risk: p.risk,
    decisions: p.decisions
      .filter((d) => year === undefined || yearOf(d.date) === year)
      .map((d) => ({ committee: d.committee, number: d.number, outcome: d.outcome, date: d.date })),
  };
}

const byDate = (a: { date: string; number: string | null; committee: string }, b: typeof a): number =>
  a.date.localeCompare(b.date) || a.committee.localeCompare(b.committee) || seqOf(a.number) - seqOf(b.number);

/**
 * The list without any earlier decision of the same case, plus `decision`, ordered by `byDate`:
 * the same as `[...filtered, decision].sort(byDate)` (a stable sort) when the list is already in
 * that order, which it always is (every list is built here), but with a binary search instead of a
 * full sort per decision (projects collect hundreds of decisions over the years).
 */
function insertSorted<T extends { caseId: string; date: string; number: string | null; committee: string }>(list: T[], decision: T): T[] {
  const out = list.some((x) => x.caseId === decision.caseId) ? list.filter((x) => x.caseId !== decision.caseId) : list.slice();
  // Decisions mostly arrive in date order: after the last one is the usual place.
  if (out.length === 0 || byDate(out[out.length - 1], decision) <= 0) {
    out.push(decision);
    return out;
  }
  let lo = 0;
  let hi = out.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (byDate(out[mid], decision) <= 0) lo = mid + 1;
    else hi = mid;
  }
  out.splice(lo, 0, decision);
  return out;
}

export const portfolioProjection: Projection<PortfolioQuery, PortfolioProject[]> & { rows(changes: DocChange[]): PortfolioProject[] } = {
  name: 'portfolio',
  /** 2: the project, meeting and case documents are the workflow's records. */
  version: 2,
  eventTypes: [...PROJECT_EVENT_TYPES, ...MEETING_TYPES, ...CASE_TYPES],
  evolve(docs: DocStore, e: RecordedEvent) {
    trackMeeting(docs, e);
    evolvePortfolio(docs, e, trackCase(docs, e));
  },
  query: queryPortfolio,
  rows(changes) {
    return changes
      .filter((c) => c.collection === 'project' && c.doc !== null && (c.doc as ProjectDoc).registered)
      .map((c) => toProject(c.doc as ProjectDoc));
  },
};

/** The portfolio's own part of evolve (project events; decisions naming projects), after the trackers ran. */
export function evolvePortfolio(docs: DocStore, e: RecordedEvent, c: TrackedCase | null): void {
  const projectId = streamId(e.stream, 'project-');
  if (projectId !== null) {
    if (e.type !== 'ProjectRegistered' && e.type !== 'ProjectStatusReported') return;
    const doc = projectDoc(docs, projectId);
    docs.put('project', projectId, { ...evolveProject(doc, upcastEvent(e) as unknown as ProjectFact), decisions: doc.decisions } satisfies ProjectDoc);
    return;
  }
  if (!c || (e.type !== 'ResolutionEndorsed' && e.type !== 'CaseNoted')) return;
  const d = c.after.decision;
  const m = d?.meetingId ? docs.get<MeetingDoc>('meeting', d.meetingId) : undefined;
  if (!d || !m) return;
  const number = caseNumber(c.after);
  const { title, projectIds } = c.after.paper;
  const decision = { caseId: c.after.caseId, committee: c.after.committee, number, outcome: d.outcome, date: m.date };
  for (const id of new Set(projectIds)) {
    const doc = projectDoc(docs, id);
    docs.put('project', id, { ...doc, decisions: insertSorted(doc.decisions, decision) });
  }
  const match = d.outcome === 'endorsement' ? PORTFOLIO_TITLE.exec(title) : null;
  if (match) {
    const year = Number(match[1]);
    const y: PortfolioYear = { year, endorsed: true, committee: c.after.committee, number, caseId: c.after.caseId, title, date: m.date };
    docs.put('year', String(year), y);
  }
}

/** Registered projects by id (numeric ids in numeric order); `year` filters their decisions. */
export function queryPortfolio(docs: DocReader, params: PortfolioQuery): PortfolioProject[] {
    const year = params.year === undefined ? undefined : Number(params.year);
    return docs
      .list<ProjectDoc>('project')
      .filter((p) => p.registered)
      .sort((a, b) => a.id.localeCompare(b.id, 'nb', { numeric: true }))
      .map((p) => toProject(p, year));
}

/** Years whose portfolio was endorsed (e.g. NEHS 52/18 "Nasjonal e-helseportefølje 2019"), by year. */
export function portfolioYears(docs: DocReader): PortfolioYear[] {
  return docs.list<PortfolioYear>('year').sort((a, b) => a.year - b.year);
}
