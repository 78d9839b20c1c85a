/**
 * `evolveProject(state, event) → state`, total and pure; `foldProject(id, events)` = upcast +
 * evolve from the unregistered record of that id.
 *
 * It lives in libs/workflow with the other records' folds (one fold per record); libs/portfolio
 * writes the project events and reads the project through `foldProject`, and the portfolio
 * projection maps its project document from the same record.
 *
 * Where the earlier folds disagreed: a report is folded even before the registration (projection;
 * `loadProject` dropped it), and a field a report or a second registration does not name is kept
 * (projection; `loadProject` reset the risk on registration).
 */
import { upcast } from '../core/upcast.js';
import type { Fact, Stamped } from '../core/fact.js';
import type { ProjectEvent } from '../events.js';
import type { ProjectRecord } from './state.js';

export type ProjectFact = Stamped<ProjectEvent>;

export function unregisteredProject(id: string): ProjectRecord {
  return { id, registered: false, name: id, owner: '', phase: null, status: null, risk: null, lastNote: null, reports: 0 };
}

export function evolveProject(s: ProjectRecord, e: ProjectFact): ProjectRecord {
  switch (e.type) {
    case 'ProjectRegistered':
      return { ...s, registered: true, name: e.data.name ?? s.name, owner: e.data.owner ?? s.owner, phase: e.data.phase ?? s.phase, status: e.data.status ?? s.status };
    case 'ProjectStatusReported':
      return {
        ...s,
        phase: e.data.phase ?? s.phase,
        status: e.data.status ?? s.status,
        risk: e.data.risk ?? s.risk,
        lastNote: e.data.note ?? null,
        reports: s.reports + 1,
      };
    default:
      return s;
  }
}

export function foldProject(id: string, events: readonly Fact[]): ProjectRecord {
  let s = unregisteredProject(id);
  for (const e of events) s = evolveProject(s, { type: e.type, data: upcast(e.type, e.data), metadata: e.metadata } as ProjectFact);
  return s;
}
