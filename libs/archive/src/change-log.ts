/**
 * The change log (endringslogg): one entry per field a fact changed, computed as the difference
 * between a unit's view before and after the event (the views are mappings of the workflow's
 * records, see units.ts); position, event id, time and actor are the event's.
 */
import type { RecordedEvent } from '@saksflyt/event-store';
import type { ArchiveChange, ArchiveUnitKind } from './model.js';

/** Change-log text of a field value: strings as they are, arrays and objects as JSON, absent as null. */
export function fieldText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** The fields that differ, in the order of the fields before, then the new ones. */
export function diffFields(before: Record<string, unknown> | undefined, next: Record<string, unknown>): { field: string; previous: string | null; next: string | null }[] {
  const out: { field: string; previous: string | null; next: string | null }[] = [];
  const fields = new Set<string>([...Object.keys(before ?? {}), ...Object.keys(next)]);
  for (const field of fields) {
    const p = fieldText(before?.[field]);
    const n = fieldText(next[field]);
    if (p !== n) out.push({ field, previous: p, next: n });
  }
  return out;
}

export class ChangeLog {
  /** The entries, when no sink takes them. */
  readonly entries: ArchiveChange[] = [];
  /** Entries made (kept or given to the sink). */
  count = 0;
  /** Events of the archived units (each counted once, whether or not it changed a field). */
  events = 0;

  /** `sink`: each entry goes to it as it is made and is not kept (the streamed deposit). */
  constructor(private readonly sink?: (c: ArchiveChange) => void) {}

  /** Logs the event's changes to one unit (`before` undefined: every field is new). */
  record(e: RecordedEvent, kind: ArchiveUnitKind, id: string, before: Record<string, unknown> | undefined, next: Record<string, unknown>): void {
    this.events++;
    for (const d of diffFields(before, next)) {
      this.count++;
      const entry: ArchiveChange = {
        position: Number(e.position),
        eventId: e.id,
        at: e.metadata.at,
        actor: e.metadata.actor,
        unit: { kind, id },
        event: e.type,
        field: d.field,
        previous: d.previous,
        next: d.next,
      };
      if (this.sink) this.sink(entry);
      else this.entries.push(entry);
    }
  }
}
