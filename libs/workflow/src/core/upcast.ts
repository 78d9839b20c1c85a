/**
 * Upcasting on read, and the ONE list of event types per stream kind.
 *
 * Every stored event passes through `upcast(type, data)` before any fold sees it. `upcast` reads
 * `data.v` and lifts an older payload to the current shape, one version at a time, with the
 * lifts registered here. An event written by a newer Saksflyt (`v` above the current version)
 * is refused with a clear error instead of being folded wrongly.
 *
 * `EVENT_VERSIONS` is at the same time the list of event types of each stream kind: the
 * `*_EVENT_TYPES` lists (events.ts re-exports them) are its keys, so no second copy exists.
 * Adding an event type = adding it here (the `satisfies` clauses make the compiler insist);
 * changing a payload = bumping `current` and adding `lifts[old]` (old → old + 1).
 */
import type { CaseEvent, CommitteeEvent, FollowUpEvent, HistoryEvent, MeetingEvent, NumberingEvent, ProjectEvent } from '../events.js';

/** Turns a `v: n` payload into a `v: n + 1` payload (`upcast` stamps the new `v`). */
export type Lift = (data: Readonly<Record<string, unknown>>) => Record<string, unknown>;

/** An event type's schema history: the version written today, and how older versions are lifted. */
export interface EventVersions {
  readonly current: number;
  /** `lifts[n]` lifts version n to n + 1; every version below `current` that may be stored needs one. */
  readonly lifts: Readonly<Record<number, Lift>>;
}

/** Version 1, as written since the start: read as it is. */
const V1: EventVersions = { current: 1, lifts: {} };

/** Version 2 where v1 lacks only optional fields: a v1 payload is a valid v2 payload as it is. */
const V2_OPTIONAL_FIELDS: EventVersions = { current: 2, lifts: { 1: (d) => ({ ...d }) } };
/** MeetingOpened v2: a v1 opening had no staff, no remote members and no deputies standing in. */
const MEETING_OPENED: EventVersions = { current: 2, lifts: { 1: (d) => ({ secretariat: [], remote: [], standingIn: [], ...d }) } };

export const EVENT_VERSIONS = {
  committee: { CommitteeCreated: V1, MemberJoined: V2_OPTIONAL_FIELDS, MemberLeft: V1, MemberLoginLinked: V1, MemberLoginUnlinked: V1 } satisfies Record<CommitteeEvent['type'], EventVersions>,
  numbering: { NumberingContinued: V1, MeetingNumberAssigned: V1, CaseNumbersAssigned: V1 } satisfies Record<NumberingEvent['type'], EventVersions>,
  meeting: {
    MeetingPlanned: V1,
    CaseAddedToAgenda: V1,
    CaseRemovedFromAgenda: V1,
    MeetingNoticed: V1,
    MeetingOpened: MEETING_OPENED,
    MeetingAdjourned: V1,
    MinutesApproved: V1,
    AgendaReordered: V1,
    MinutesAmended: V1,
    MeetingChanged: V1,
    MeetingCancelled: V1,
  } satisfies Record<MeetingEvent['type'], EventVersions>,
  case: {
    CaseDrafted: V1,
    CasePaperEdited: V1,
    CaseScheduled: V1,
    CaseUnscheduled: V1,
    CaseNumbered: V1,
    CasePresented: V1,
    DiscussionRecorded: V2_OPTIONAL_FIELDS,
    ResolutionEndorsed: V1,
    CaseNoted: V1,
    CasePostponed: V1,
    CaseReferred: V1,
    CaseWithdrawn: V1,
    DecisionAmended: V1,
    AttachmentAdded: V1,
    AttachmentRemoved: V1,
    MinutesApprovalRetargeted: V1,
    VoteRecorded: V1,
    WrittenProcedureOpened: V1,
    WrittenProcedureAnswered: V1,
  } satisfies Record<CaseEvent['type'], EventVersions>,
  history: { HistoricalDecisionRecorded: V1 } satisfies Record<HistoryEvent['type'], EventVersions>,
  project: { ProjectRegistered: V1, ProjectStatusReported: V1 } satisfies Record<ProjectEvent['type'], EventVersions>,
  followup: { FollowUpClosed: V1 } satisfies Record<FollowUpEvent['type'], EventVersions>,
} as const;

export type StreamKind = keyof typeof EVENT_VERSIONS;
export type EventTypeOf<K extends StreamKind> = keyof (typeof EVENT_VERSIONS)[K] & string;
export type VersionTable = Readonly<Record<string, Readonly<Record<string, EventVersions>>>>;

/** The event types of a stream kind, in the table's order. */
export function eventTypesOf<K extends StreamKind>(kind: K): readonly EventTypeOf<K>[] {
  return Object.freeze(Object.keys(EVENT_VERSIONS[kind])) as readonly EventTypeOf<K>[];
}

/** A stored payload this reader cannot bring to the current shape. */
export class UnknownEventVersion extends Error {
  constructor(
    readonly eventType: string,
    readonly version: unknown,
    readonly current: number,
    why: string,
  ) {
    super(`cannot read ${eventType} v${String(version)} (this Saksflyt reads up to v${current}): ${why}`);
    this.name = 'UnknownEventVersion';
  }
}

export type Upcast = (type: string, data: unknown) => unknown;

/**
 * Builds an upcaster over a version table (the application uses `upcast`, over `EVENT_VERSIONS`;
 * tests build one over a table of their own to show a lift).
 *
 * - A type the table does not know is not this reader's (another library's event, a system
 *   event): its data passes unchanged.
 * - `v` absent is read as version 1 (every payload written so far carries `v: 1`).
 * - `v` equal to the current version: the same object, untouched (the common case costs nothing).
 * - `v` below: lifted step by step; a missing lift throws `UnknownEventVersion`.
 * - `v` above the current version, or not a positive integer: `UnknownEventVersion`.
 */
export function makeUpcast(table: VersionTable): Upcast {
  const byType = new Map<string, EventVersions>();
  for (const [kind, types] of Object.entries(table))
    for (const [type, versions] of Object.entries(types)) {
      if (byType.has(type)) throw new Error(`event type ${type} is registered twice (again in ${kind})`);
      byType.set(type, versions);
    }
  return (type, data) => {
    const versions = byType.get(type);
    if (!versions || data === null || typeof data !== 'object') return data;
    const raw = (data as { v?: unknown }).v;
    const v = raw === undefined ? 1 : raw;
    if (v === versions.current) return data;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      throw new UnknownEventVersion(type, raw, versions.current, 'data.v must be a non-negative integer');
    if (v > versions.current)
      throw new UnknownEventVersion(type, v, versions.current, 'it was written by a newer version; upgrade before reading this store');
    let out = data as Record<string, unknown>;
    for (let n = v; n < versions.current; n++) {
      const lift = versions.lifts[n];
      if (!lift) throw new UnknownEventVersion(type, v, versions.current, `no upcaster from v${n} to v${n + 1}`);
      out = { ...lift(out), v: n + 1 };
    }
    return out;
  };
}

/** The application's upcaster: every stored event's data passes through it before a fold. */
export const upcast: Upcast = makeUpcast(EVENT_VERSIONS);

/** A stored event with its data lifted to the current shape (the same object when already current). */
export function upcastEvent<E extends { type: string; data: unknown }>(e: E): E {
  const data = upcast(e.type, e.data);
  return data === e.data ? e : { ...e, data };
}
