/**
 * The live feeds (API.md "Live feeds"), read with fetch so that a feed can carry the token in
 * `Authorization` (EventSource cannot send headers) and resume with `Last-Event-ID` after any
 * drop: the first connect gets `snapshot` (the whole view), then `change` messages (the changed
 * rows); a reconnect after id N gets every change after N, nothing lost or doubled. Backoff 1 s
 * doubling to 30 s. 401/403/404 close the feed (the view says why).
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { authHeaders } from './client';

export type FeedState = 'connecting' | 'open' | 'retrying' | 'closed';

export interface FeedHandlers<S, C> {
  onSnapshot(data: S, position: number): void;
  onChange(data: C, position: number): void;
  onClosed?(status: number): void;
}

/** Every open feed's state, for the status line. */
const states = new Map<number, FeedState>();
const listeners = new Set<() => void>();
let version = 0;
let nextFeed = 1;
function setState(id: number, s: FeedState | null): void {
  if (s === null) states.delete(id);
  else states.set(id, s);
  version++;
  for (const l of listeners) l();
}
/** The feeds' state taken together: retrying if any is, else connecting if any is, else open (or closed when none). */
export function overallState(): FeedState {
  const all = [...states.values()];
  if (all.includes('retrying')) return 'retrying';
  if (all.includes('connecting')) return 'connecting';
  if (all.includes('open')) return 'open';
  return 'closed';
}
export function useFeedsState(): FeedState {
  useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => version,
  );
  return overallState();
}

let lastPosition = 0;
/** The highest position any feed has seen (the status line shows it). */
export const seenPosition = () => lastPosition;

export function openFeed<S, C>(path: string, handlers: FeedHandlers<S, C>): () => void {
  const id = nextFeed++;
  const ctrl = new AbortController();
  let lastId: string | null = null;
  let delay = 1000;
  let stopped = false;
  setState(id, 'connecting');

  const dispatch = (event: string, data: string, eventId: string | null) => {
    if (eventId !== null) {
      lastId = eventId;
      lastPosition = Math.max(lastPosition, Number(eventId));
    }
    if (event !== 'snapshot' && event !== 'change') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return;
    }
    if (event === 'snapshot') handlers.onSnapshot(parsed as S, Number(eventId));
    else handlers.onChange(parsed as C, Number(eventId));
  };

  const run = async () => {
    while (!stopped) {
      try {
        const headers: Record<string, string> = { accept: 'text/event-stream', ...authHeaders() };
        if (lastId !== null) headers['last-event-id'] = lastId;
        const res = await fetch(path, { headers, signal: ctrl.signal, cache: 'no-store' });
        if (res.status === 401 || res.status === 403 || res.status === 404) {
          setState(id, 'closed');
          handlers.onClosed?.(res.status);
          return;
        }
        if (!res.ok || !res.body) throw new Error(`feed ${res.status}`);
        setState(id, 'open');
        delay = 1000;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        let event = 'message';
        let data: string[] = [];
        let eventId: string | null = null;
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let nl: number;
          while ((nl = buf.search(/\r\n|\n|\r/)) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + (buf.startsWith('\r\n', nl) ? 2 : 1));
            if (line === '') {
              if (data.length) dispatch(event, data.join('\n'), eventId);
              event = 'message';
              data = [];
              eventId = null;
              continue;
            }
            if (line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'event') event = val;
            else if (field === 'data') data.push(val);
            else if (field === 'id') eventId = val;
          }
        }
      } catch {
        if (stopped) return;
      }
      if (stopped) return;
      setState(id, 'retrying');
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30_000);
    }
  };
  void run();
  return () => {
    stopped = true;
    ctrl.abort();
    setState(id, null);
  };
}

/** A feed for the lifetime of a component (or of `path`: null closes it). Handlers may change freely. */
export function useFeed<S, C>(path: string | null, handlers: FeedHandlers<S, C>, key: unknown = null): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    if (!path) return;
    return openFeed<S, C>(path, {
      onSnapshot: (d, p) => ref.current.onSnapshot(d, p),
      onChange: (d, p) => ref.current.onChange(d, p),
      onClosed: (s) => ref.current.onClosed?.(s),
    });
  }, [path, key]);
}
