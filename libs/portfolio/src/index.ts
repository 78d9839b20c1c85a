/**
 * The portfolio project aggregate (prosjekt i nasjonal e-helseportefølje), plain TS over the event
 * store port. Stream `project-{id}`: ProjectRegistered, then any number of ProjectStatusReported.
 * The events and the fold (`foldProject`: upcast + `evolveProject`) are @saksflyt/workflow's.
 */
import { WrongExpectedRevision, type EventStore, type NewEvent, type RecordedEvent, StreamNotFound } from '@saksflyt/event-store';
import { foldProject, projectStream, type ProjectRegistered, type ProjectStatusReported } from '@saksflyt/workflow';

// The project's events and its fold live with the other records' in @saksflyt/workflow (one fold per record).
export { PROJECT_EVENT_TYPES, projectStream, type ProjectEvent, type ProjectRegistered, type ProjectStatusReported } from '@saksflyt/workflow';

export interface RegisterProjectBody {
  id: string;
  name: string;
  owner: string;
  phase?: string;
  status?: string;
}
export interface ReportProjectStatusBody {
  phase?: string;
  status?: string;
  risk?: string;
  note: string;
}
export interface CommandContext {
  actor: { name: string };
  correlationId: string;
  /** ISO time; now when omitted. */
  at?: string;
}
export interface ProjectWriteResult {
  id: string;
  /** The stream revision after the write (0-based). */
  revision: bigint;
  position: bigint;
}

/** An HTTP-shaped refusal: 400 invalid body, 404 unknown project, 409 id already registered. */
export class PortfolioError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
    readonly errors: { field: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'PortfolioError';
  }
}

const text = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;

function check(fields: [string, unknown, boolean][]): void {
  const errors: { field: string; message: string }[] = [];
  for (const [field, value, required] of fields) {
    if (value === undefined && !required) continue;
    if (!text(value)) errors.push({ field, message: `${field} must be a non-empty string` });
  }
  if (errors.length) throw new PortfolioError(400, errors.map((e) => e.message).join('; '), errors);
}

function metadata(ctx: CommandContext) {
  return { actor: ctx.actor.name, correlationId: ctx.correlationId, causationId: null, at: ctx.at ?? new Date().toISOString() };
}

export async function registerProject(store: EventStore, body: RegisterProjectBody, ctx: CommandContext): Promise<ProjectWriteResult> {
  check([
    ['id', body.id, true],
    ['name', body.name, true],
    ['owner', body.owner, true],
    ['phase', body.phase, false],
    ['status', body.status, false],
  ]);
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(body.id)) throw new PortfolioError(400, 'id must be 1-64 letters, digits, ".", "_" or "-"', [{ field: 'id', message: 'invalid id' }]);
  const data: ProjectRegistered['data'] = { v: 1, id: body.id, name: body.name, owner: body.owner };
  if (body.phase !== undefined) data.phase = body.phase;
  if (body.status !== undefined) data.status = body.status;
  const event: NewEvent = { type: 'ProjectRegistered', data, metadata: metadata(ctx) };
  try {
    const r = await store.append(projectStream(body.id), [event], { expectedRevision: 'no_stream' });
    return { id: body.id, revision: r.nextRevision, position: r.position };
  } catch (error) {
    if (error instanceof WrongExpectedRevision) throw new PortfolioError(409, `Project ${body.id} is already registered`);
    throw error;
  }
}

export async function reportProjectStatus(
  store: EventStore,
  id: string,
  body: ReportProjectStatusBody,
  ctx: CommandContext,
): Promise<ProjectWriteResult> {
  check([
    ['note', body.note, true],
    ['phase', body.phase, false],
    ['status', body.status, false],
    ['risk', body.risk, false],
  ]);
  const data: ProjectStatusReported['data'] = { v: 1, note: body.note };
  if (body.phase !== undefined) data.phase = body.phase;
  if (body.status !== undefined) data.status = body.status;
  if (body.risk !== undefined) data.risk = body.risk;
  const event: NewEvent = { type: 'ProjectStatusReported', data, metadata: metadata(ctx) };
  try {
    const r = await store.append(projectStream(id), [event], { expectedRevision: 'stream_exists' });
    return { id, revision: r.nextRevision, position: r.position };
  } catch (error) {
    if (error instanceof WrongExpectedRevision || error instanceof StreamNotFound) throw new PortfolioError(404, `Unknown project ${id}`);
    throw error;
  }
}

export interface ProjectState {
  id: string;
  name: string;
  owner: string;
  phase: string | null;
  status: string | null;
  risk: string | null;
  revision: bigint;
}

/** Folds the project's stream (`foldProject`); 404 PortfolioError when it is not registered. */
export async function loadProject(store: EventStore, id: string): Promise<ProjectState> {
  const events: RecordedEvent[] = [];
  try {
    for await (const e of store.readStream(projectStream(id))) events.push(e);
  } catch (error) {
    if (error instanceof StreamNotFound) throw new PortfolioError(404, `Unknown project ${id}`);
    throw error;
  }
  const p = foldProject(id, events);
  if (!p.registered) throw new PortfolioError(404, `Unknown project ${id}`);
  return { id, name: p.name, owner: p.owner, phase: p.phase, status: p.status, risk: p.risk, revision: events[events.length - 1]!.revision };
}
