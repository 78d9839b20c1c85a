// Live feeds (API.md "Live feeds"): server-sent events. `event: snapshot` carries the whole view,
// `event: change` the changed rows; `id:` is the global position. Public feeds use EventSource,
// which reconnects by itself and sends `Last-Event-ID`, so the server resumes without loss (and is
// reopened with `?lastEventId=` when it gives up after an HTTP error).
// EventSource cannot send an Authorization header, so a feed that needs the user's token (a
// meeting's draft minutes) is read with fetch instead, reconnecting the same way.

/** States: 'connecting' (kobler til), 'open' (tilkoblet), 'retrying' (frakoblet, prøver igjen), 'closed' (frakoblet). */
export function openFeed(url, { token = '', onSnapshot, onChange, onState, onUnauthorized }) {
  return token ? fetchFeed(url, token, { onSnapshot, onChange, onState, onUnauthorized }) : eventSourceFeed(url, { onSnapshot, onChange, onState });
}

function dispatch(handlers, type, data, id) {
  let parsed;
  try {
    parsed = JSON.parse(data);
  } catch {
    return;
  }
  const position = id === '' || id === undefined ? null : Number(id);
  if (type === 'snapshot') handlers.onSnapshot?.(parsed, position);
  else if (type === 'change') handlers.onChange?.(parsed, position);
}

const MAX_BACKOFF_MS = 30_000;

/** `url` with `?lastEventId=` (the server reads it on a first connect, where EventSource sends no header). */
function resumeUrl(url, lastId) {
  return lastId ? `${url}${url.includes('?') ? '&' : '?'}lastEventId=${encodeURIComponent(lastId)}` : url;
}

// EventSource reconnects by itself after a dropped stream, but gives up for good ("CLOSED") on an
// HTTP error (a 5xx/503 from the server or a proxy). Then a new one is opened after a backoff
// (1 s, doubling up to 30 s), resuming after the last id seen (`?lastEventId=`), so nothing is lost.
function eventSourceFeed(url, handlers) {
  let es = null;
  let lastId = '';
  let stopped = false;
  let backoff = 1000;
  let timer = null;
  const on = (type) => (e) => {
    if (e.lastEventId) lastId = e.lastEventId;
    dispatch(handlers, type, e.data, e.lastEventId);
  };
  const connect = () => {
    timer = null;
    if (stopped) return;
    const current = new EventSource(resumeUrl(url, lastId));
    es = current;
    current.onopen = () => {
      backoff = 1000;
      handlers.onState?.('open');
    };
    current.onerror = () => {
      if (stopped || es !== current) return;
      handlers.onState?.('retrying');
      if (current.readyState !== EventSource.CLOSED) return; // the browser retries by itself
      current.close();
      timer = setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    };
    current.addEventListener('snapshot', on('snapshot'));
    current.addEventListener('change', on('change'));
  };
  handlers.onState?.('connecting');
  connect();
  return {
    close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      es?.close();
    },
  };
}

function fetchFeed(url, token, handlers) {
  const abort = new AbortController();
  let lastId = '';
  let retry = 1000;
  let stopped = false;

  async function once() {
    const headers = { accept: 'text/event-stream', authorization: `Bearer ${token}` };
    if (lastId) headers['last-event-id'] = lastId;
    const res = await fetch(url, { headers, signal: abort.signal, cache: 'no-store' });
    // 401 with a token: the API does not know it (unknown or expired); the page drops it.
    if (res.status === 401) {
      handlers.onUnauthorized?.();
      return 'fatal';
    }
    if (res.status === 400 || res.status === 403 || res.status === 404) return 'fatal';
    if (!res.ok || !res.body) return 'retry';
    handlers.onState?.('open');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    let event = { type: 'message', data: [], id: null };
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return 'retry';
      buf += value;
      const lines = buf.split(/\r\n|\r|\n/);
      buf = lines.pop() ?? '';
      for (const line of lines) {
        if (line === '') {
          if (event.id !== null) lastId = event.id;
          if (event.data.length) dispatch(handlers, event.type, event.data.join('\n'), lastId);
          event = { type: 'message', data: [], id: null };
          continue;
        }
        if (line.startsWith(':')) continue;
        const i = line.indexOf(':');
        const field = i < 0 ? line : line.slice(0, i);
        const val = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
        if (field === 'data') event.data.push(val);
        else if (field === 'event') event.type = val;
        else if (field === 'id') event.id = val;
        else if (field === 'retry' && /^\d+$/.test(val)) retry = Number(val);
      }
    }
  }

  (async () => {
    handlers.onState?.('connecting');
    while (!stopped) {
      let outcome;
      try {
        outcome = await once();
      } catch {
        outcome = 'retry';
      }
      if (stopped) return;
      if (outcome === 'fatal') return handlers.onState?.('closed');
      handlers.onState?.('retrying');
      await new Promise((r) => setTimeout(r, retry));
    }
  })();

  return {
    close() {
      stopped = true;
      abort.abort();
    },
  };
}
