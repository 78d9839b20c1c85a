/**
 * What a fold reads: a stored event (a `RecordedEvent`, or a history entry) or a decided candidate
 * event not stored yet. Only `type`, `data` and, where present, `metadata.at` / `metadata.actor`
 * are read; positions and ids stay the log's (a consumer that needs them walks the log itself).
 */
export interface Fact {
  type: string;
  data: unknown;
  metadata?: { at?: string; actor?: string } | null;
}

/** When and by whom a fact was recorded (`metadata.at`, `metadata.actor`); null for a candidate not stored yet. */
export interface Stamp {
  at: string | null;
  actor: string | null;
}

export function stampOf(e: { metadata?: { at?: string; actor?: string } | null }): Stamp {
  return { at: e.metadata?.at ?? null, actor: e.metadata?.actor ?? null };
}

/** A domain event as an evolve takes it: the event, optionally with the metadata it was stored with. */
export type Stamped<E> = E & { metadata?: { at?: string; actor?: string } | null };
