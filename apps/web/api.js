// The public API, with the optional bearer token the user gave (kept in sessionStorage only).

const TOKEN_KEY = 'saksflyt.token';

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY) || '',
  set: (t) => (t ? sessionStorage.setItem(TOKEN_KEY, t) : sessionStorage.removeItem(TOKEN_KEY)),
};

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

function headers(accept) {
  const out = { accept };
  const t = token.get();
  if (t) out.authorization = `Bearer ${t}`;
  return out;
}

/** GET a JSON view: `{ data, position }` (position: X-Saksflyt-Position, a number or null). */
export async function getJson(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const url = q.size ? `${path}?${q}` : path;
  const res = await fetch(url, { headers: headers('application/json') });
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
  const res = await fetch(path, { headers: headers(accept) });
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
