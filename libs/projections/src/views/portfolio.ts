/**
 * The portfolio (nasjonal e-helseportefølje): projects with phase, status and risk from their status
 * reports, and the decisions that touched them (an endorsed or noted case naming `projectIds`). An
 * endorsed case titled like "Nasjonal e-helseportefølje 2019" marks that year's portfolio endorsed.
 *
 * Documents: `project/<id>`, `year/<YYYY>` (portfolio endorsements), plus `meeting` and `case` docs.
 */
import type { RecordedEvent } from '@saksflyt/event-store';
import type { DocChange, DocReader, DocStore, Projection } from '../runner/types.js';
import { streamId, trackCase, trackMeeting, yearOf, seqOf, type MeetingDoc, type TrackedCase, CASE_CORE_TYPES } from './common.js';

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

export interface ProjectDoc extends Omit<PortfolioProject, 'decisions'> {
  registered: boolean;
  lastNote: string | null;
  decisions: (ProjectDecision & { caseId: string })[];
}

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
  version: 1,
  eventTypes: ['ProjectRegistered', 'ProjectStatusReported', 'MeetingPlanned', ...CASE_CORE_TYPES],
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
    const prev = docs.get<ProjectDoc>('project', projectId);
    const base: ProjectDoc = prev ?? { id: projectId, name: projectId, owner: '', phase: null, status: null, risk: null, registered: false, lastNote: null, decisions: [] };
    const d = e.data as { name?: string; owner?: string; phase?: string; status?: string; risk?: string; note?: string };
    if (e.type === 'ProjectRegistered') {
      docs.put('project', projectId, { ...base, registered: true, name: d.name ?? projectId, owner: d.owner ?? '', phase: d.phase ?? base.phase, status: d.status ?? base.status });
    } else if (e.type === 'ProjectStatusReported') {
      docs.put('project', projectId, { ...base, phase: d.phase ?? base.phase, status: d.status ?? base.status, risk: d.risk ?? base.risk, lastNote: d.note ?? null });
    }
    return;
  }
  if (!c || (e.type !== 'ResolutionEndorsed' && e.type !== 'CaseNoted')) return;
  const m = c.after.meetingId ? docs.get<MeetingDoc>('meeting', c.after.meetingId) : undefined;
  if (!m) return;
  const decision = { caseId: c.after.id, committee: c.after.committee, number: c.after.number, outcome: c.after.outcome!, date: m.date };
  for (const id of new Set(c.after.projectIds)) {
    const prev = docs.get<ProjectDoc>('project', id);
    const base: ProjectDoc = prev ?? { id, name: id, owner: '', phase: null, status: null, risk: null, registered: false, lastNote: null, decisions: [] };
    const decisions = insertSorted(base.decisions, decision);
    docs.put('project', id, { ...base, decisions });
  }
  const match = c.after.outcome === 'endorsement' ? PORTFOLIO_TITLE.exec(c.after.title) : null;
  if (match) {
    const year = Number(match[1]);
    const y: PortfolioYear = { year, endorsed: true, committee: c.after.committee, number: c.after.number, caseId: c.after.id, title: c.after.title, date: m.date };
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
