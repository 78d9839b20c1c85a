/** The portfolio project record (prosjekt i nasjonal e-helseportefølje), stream `project-{id}`. */
export interface ProjectRecord {
  id: string;
  /** A `ProjectRegistered` has been folded (a report may name a project not registered). */
  registered: boolean;
  /** The id until registered. */
  name: string;
  /** Empty until registered. */
  owner: string;
  phase: string | null;
  status: string | null;
  risk: string | null;
  /** The latest status report's note. */
  lastNote: string | null;
  /** How many status reports there are. */
  reports: number;
}
