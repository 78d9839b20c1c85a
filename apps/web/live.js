// Live feeds (API.md "Live feeds"): server-sent events. `event: snapshot` carries the whole view,
// `event: change` the changed rows; `id:` is the global position. Public feeds use EventSource,
// which reconnects by itself and sends `Last-Event-ID`, so the server resumes without loss.
// EventSource cannot send an Authorization header, so a feed that needs the user's token (a
// meeting's draft minutes) is read with fetch instead, reconnecting the same way.

/** States: 'connecting' (kobler til), 'open' (tilkoblet), 'retrying' (frakoblet, prøver igjen), 'closed' (frakoblet). */
export function openFeed(url, { token = '', onSnapshot, onChange, onState }) {
  return token ? fetchFeed(url, token, { onSnapshot, onChange, onState }) : eventSourceFeed(url, { onSnapshot, onChange, onState });
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

function eventSourceFeed(url, handlers) {
  const es = new EventSource(url);
  handlers.onState?.('connecting');
  es.onopen = () => handlers.onState?.('open');
  es.onerror = () => handlers.onState?.(es.readyState === EventSource.CLOSED ? 'closed' : 'retrying');
  es.addEventListener('snapshot', (e) => dispatch(handlers, 'snapshot', e.data, e.lastEventId));
  es.addEventListener('change', (e) => dispatch(handlers, 'change', e.data, e.lastEventId));
  return { close: () => es.close() };
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
    if (res.status === 400 || res.status === 401 || res.status === 403 || res.status === 404) return 'fatal';
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
