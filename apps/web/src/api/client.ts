/**
 * The one HTTP client: JSON in and out, the bearer token from the sign-in (never in a URL),
 * problem JSON (RFC 9457) turned into ApiError with its field errors, the position of an answer
 * (`X-Saksflyt-Position` on reads, `position` in a write's body) for reading views at it.
 */
export interface FieldError {
  field: string;
  message: string;
}
export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  allowedCommands?: string[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
  get status(): number {
    return this.problem.status;
  }
  /** The message for one field (`errors[].field`), for showing beside it. */
  field(name: string): string | undefined {
    const hits = (this.problem.errors ?? []).filter((e) => e.field === name || e.field.startsWith(name + '.') || e.field.startsWith(name + '['));
    return hits.length ? hits.map((e) => e.message).join('; ') : undefined;
  }
}

export interface Answer<T> {
  status: number;
  data: T;
  /** The global position the answer reflects (reads), or the write's `position`. */
  position: number | null;
  etag: string | null;
  headers: Headers;
}

type TokenSource = () => string | null;
let tokenOf: TokenSource = () => null;
let onUnauthorized: () => void = () => {};

/** Called once by the sign-in: where the token comes from, and what a 401 to it does. */
export function configureClient(source: TokenSource, unauthorized: () => void): void {
  tokenOf = source;
  onUnauthorized = unauthorized;
}

export function authHeaders(): Record<string, string> {
  const token = tokenOf();
  return token ? { authorization: `Bearer ${token}` } : {};
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

export async function request<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  opts: { json?: unknown; query?: Query; ifMatch?: string | null; accept?: string } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: opts.accept ?? 'application/json', ...authHeaders() };
  if (opts.json !== undefined) headers['content-type'] = 'application/json';
  if (opts.ifMatch) headers['if-match'] = opts.ifMatch;
  const res = await fetch(withQuery(path, opts.query), { method, headers, body: opts.json === undefined ? undefined : JSON.stringify(opts.json) });
  const type = res.headers.get('content-type') ?? '';
  if (!res.ok) {
    let problem: Problem = { title: res.statusText || 'Error', status: res.status };
    if (type.includes('json')) {
      try {
        problem = { ...problem, ...(await res.json()) };
      } catch {
        /* not JSON after all */
      }
    }
    if (res.status === 401 && headers.authorization) onUnauthorized();
    throw new ApiError(problem);
  }
  const data = (type.includes('json') ? await res.json() : await res.blob()) as T;
  const header = res.headers.get('x-saksflyt-position');
  const bodyPosition = data && typeof data === 'object' && 'position' in (data as object) ? Number((data as unknown as { position: unknown }).position) : null;
  return {
    status: res.status,
    data,
    position: method === 'GET' ? (header !== null ? Number(header) : bodyPosition) : bodyPosition ?? (header !== null ? Number(header) : null),
    etag: res.headers.get('etag'),
    headers: res.headers,
  };
}

export const get = <T>(path: string, query?: Query) => request<T>('GET', path, { query });
export const post = <T>(path: string, json: unknown = {}, ifMatch?: string | null) => request<T>('POST', path, { json, ifMatch });

/** A document (notice, minutes, export) as a Blob, with the token, by `Accept`. */
export async function getBlob(path: string, accept: string, query?: Query): Promise<Blob> {
  const res = await request<Blob>('GET', path, { accept, query });
  return res.data instanceof Blob ? res.data : new Blob([JSON.stringify(res.data, null, 2)], { type: 'application/json' });
}

/** Saves a Blob as a file (a download, never a URL with the token). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Opens a Blob (an HTML document) in a new tab. */
export function openBlob(blob: Blob): void {
  const url = URL.createObjectURL(blob);
  window.open(url, '_blank', 'noopener');
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
