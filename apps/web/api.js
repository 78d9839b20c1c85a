// The public API, with the optional bearer token the user gave (kept in sessionStorage only).
//
// An unknown or expired token makes the API answer 401 even on public routes. So a 401 to a
// request that carried the token drops the token (the page says "ukjent token") and the request
// is sent again without it: the public views keep working with a mistyped or stale token.

const TOKEN_KEY = 'saksflyt.token';

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY) || '',
  set: (t) => (t ? sessionStorage.setItem(TOKEN_KEY, t) : sessionStorage.removeItem(TOKEN_KEY)),
};

const rejectedListeners = new Set();

/** `fn()` runs when the API refused the saved token (401); the token is already cleared then. */
export function onTokenRejected(fn) {
  rejectedListeners.add(fn);
}

/** The API answered 401 to `t`: forget it (once) and tell the page. */
export function rejectToken(t) {
  if (!t || token.get() !== t) return;
  token.set('');
  for (const fn of rejectedListeners) fn();
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

function headers(accept, t) {
  const out = { accept };
  if (t) out.authorization = `Bearer ${t}`;
  return out;
}

/** GET with the saved token; on 401 to the token, the token is dropped and the GET sent without it. */
async function get(url, accept) {
  const t = token.get();
  const res = await fetch(url, { headers: headers(accept, t) });
  if (res.status !== 401 || !t) return res;
  rejectToken(t);
  return fetch(url, { headers: headers(accept, '') });
}

/** Whether the API knows `t`: false on 401 (unknown or expired), true otherwise (also when it cannot tell). */
export async function checkToken(t) {
  try {
    const res = await fetch('/api/committees', { headers: headers('application/json', t) });
    return res.status !== 401;
  } catch {
    return true;
  }
}

/** GET a JSON view: `{ data, position }` (position: X-Saksflyt-Position, a number or null). */
export async function getJson(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const url = q.size ? `${path}?${q}` : path;
  const res = await get(url, 'application/json');
  const text = await res.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) throw new ApiError(res.status, body);
  const p = res.headers.get('x-saksflyt-position');
  return { data: body, position: p === null ? null : Number(p) };
}

/** A document (minutes as Markdown, HTML or PDF) fetched with Accept, as a blob URL to open. */
export async function documentUrl(path, accept) {
  const res = await get(path, accept);
  if (!res.ok) {
    let problem;
    try {
      problem = await res.json();
    } catch {
      problem = undefined;
    }
    throw new ApiError(res.status, problem);
  }
  const blob = await res.blob();
  // Markdown is shown as text in the browser.
  const typed = accept === 'text/markdown' ? new Blob([blob], { type: 'text/plain;charset=utf-8' }) : blob;
  return URL.createObjectURL(typed);
}
