/**
 * A minimal server-sent events client over node:http (one connection each, no agent pooling), for
 * the live-feed tests and the SSE bench. Parses `id:`, `event:`, `data:` lines per the SSE spec;
 * counts comment lines (heartbeats). Not used by the server.
 */
import http from 'node:http';

export interface SseMessage {
  id: string | null;
  event: string;
  data: string;
  /** performance.now() when the message's blank line arrived. */
  at: number;
}

export interface SseClient {
  status: Promise<number>;
  messages: SseMessage[];
  comments: number;
  /** Resolves once the response has ended or the connection is closed. */
  closed: Promise<void>;
  /** Resolves with the first message (from now on or already received) matching `pred`. */
  waitFor(pred: (m: SseMessage) => boolean, timeoutMs?: number): Promise<SseMessage>;
  close(): void;
  /** Stops reading from the socket (the server's writes pile up), or starts again. */
  pause(): void;
  resume(): void;
  onMessage?: (m: SseMessage) => void;
}

export function connectSse(url: string, headers: Record<string, string> = {}): SseClient {
  const messages: SseMessage[] = [];
  const waiters: Array<{ pred: (m: SseMessage) => boolean; resolve: (m: SseMessage) => void }> = [];
  let resolveStatus!: (s: number) => void;
  let resolveClosed!: () => void;
  const status = new Promise<number>((r) => (resolveStatus = r));
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let buf = '';
  let id: string | null = null;
  let event = '';
  let data: string[] = [];
  let res: http.IncomingMessage | null = null;
  const client: SseClient = {
    status,
    messages,
    comments: 0,
    closed,
    waitFor(pred, timeoutMs = 10_000) {
      const found = messages.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = {
          pred,
          resolve: (m: SseMessage) => {
            clearTimeout(t);
            resolve(m);
          },
        };
        const t = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`no matching SSE message within ${timeoutMs} ms (${messages.length} received)`));
        }, timeoutMs);
        waiters.push(w);
      });
    },
    close() {
      req.destroy();
    },
    pause() {
      res?.pause();
    },
    resume() {
      res?.resume();
    },
  };
  const dispatch = () => {
    if (data.length === 0 && event === '') return;
    const m: SseMessage = { id, event: event || 'message', data: data.join('\n'), at: performance.now() };
    event = '';
    data = [];
    messages.push(m);
    client.onMessage?.(m);
    for (let i = waiters.length - 1; i >= 0; i--)
      if (waiters[i]!.pred(m)) {
        const [w] = waiters.splice(i, 1);
        w!.resolve(m);
      }
  };
  const line = (l: string) => {
    if (l === '') return dispatch();
    if (l.startsWith(':')) {
      client.comments++;
      return;
    }
    const i = l.indexOf(':');
    const field = i < 0 ? l : l.slice(0, i);
    let value = i < 0 ? '' : l.slice(i + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  };
  const req = http.get(url, { agent: false, headers: { accept: 'text/event-stream', ...headers } }, (r) => {
    res = r;
    resolveStatus(r.statusCode ?? 0);
    r.setEncoding('utf8');
    r.on('data', (chunk: string) => {
      // lines can be megabytes long: look for line ends only in the new chunk
      let start = 0;
      let nl: number;
      while ((nl = chunk.indexOf('\n', start)) >= 0) {
        const l = (buf + chunk.slice(start, nl)).replace(/\r$/, '');
        buf = '';
        start = nl + 1;
        line(l);
      }
      buf += chunk.slice(start);
    });
    r.on('end', () => resolveClosed());
    r.on('close', () => resolveClosed());
    r.on('error', () => resolveClosed());
  });
  req.on('error', () => {
    resolveStatus(0);
    resolveClosed();
  });
  return client;
}
