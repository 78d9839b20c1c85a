/**
 * Drafts and exempt papers leak on no route, feed or document, over one real server with the
 * tokens file and OIDC side by side (access-callers.ts). The test writes, in NEHS:
 * - a draft case (not on any agenda) and a draft case scheduled on a planned meeting, each with an
 *   attachment, every text of them marked with a unique string;
 * - a case exempt from public access (offl. § 14) with an attachment, taken through notice, a
 *   meeting (presenter, discussion, points, follow-up) and the approval of its minutes, so that
 *   everything about it that can be public is; its paper, discussion and attachment are marked.
 * Then EVERY GET row of the access matrix (apps/api/src/access/matrix.ts: query variants, every
 * record of the test in each path parameter, every format the OpenAPI document gives the route,
 * the live feeds both as a snapshot and replayed from the start with `Last-Event-ID`) is read by
 * each caller the table does not entitle (no token; a member and a secretariat of NUIT; each by
 * the tokens file and by OIDC): no marked string anywhere, in JSON, Markdown, HTML, PDF text or
 * the feed's frames. The entitled (NEHS's member and secretariat, an auditor, an admin, both
 * ways) find every marked string, so the search is able to find what it looks for.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { flat, pdfText } from '../../../libs/documents/test/pdf-text.js';
import { ROUTES, openApiPath, type Caller } from '../src/access/matrix.js';
import { pool, startAccessServer, type AccessServer, type Source } from './access-callers.js';
import { ADMIN, ok } from './workflow-helpers.js';

/** What only the entitled may read. One word each (so no renderer breaks or escapes it). */
const DRAFT = {
  title: 'UTKASTTITTELQ1',
  background: 'UTKASTBAKGRUNNQ2',
  proposedResolution: 'UTKASTFORSLAGQ3',
  filename: 'UTKASTVEDLEGGQ4.txt',
  bytes: 'UTKASTINNHOLDQ5',
};
const SCHEDULED = {
  title: 'PLANLAGTTITTELQ6',
  purpose: 'PLANLAGTFORMALQ7',
  filename: 'PLANLAGTVEDLEGGQ8.txt',
  bytes: 'PLANLAGTINNHOLDQ9',
};
const EXEMPT = {
  proposedResolution: 'UNNTATTFORSLAGX1',
  background: 'UNNTATTBAKGRUNNX2',
  purpose: 'UNNTATTFORMALX3',
  responsible: 'UNNTATTANSVARLIGX4',
  caseOfficer: 'UNNTATTSAKSBEHANDLERX5',
  presenter: 'UNNTATTPRESENTERTX6',
  summary: 'UNNTATTDROFTINGX7',
  point: 'UNNTATTINNSPILLX8',
  followUp: 'UNNTATTOPPFOLGINGX9',
  filename: 'UNNTATTVEDLEGGX10.txt',
  bytes: 'UNNTATTINNHOLDX11',
};
const SECRETS = [...Object.values(DRAFT), ...Object.values(SCHEDULED), ...Object.values(EXEMPT)];
/** What stays public about the exempt case (positive control for the public's reads). */
const PUBLIC = { title: 'Offentlig tittel på unntatt sak', resolution: 'Offentlig vedtak om unntatt sak.' };

const DOCUMENT_FORMATS = ['application/json', 'text/markdown', 'text/html', 'application/pdf'];
const UNENTITLED: readonly Caller[] = ['none', 'otherMember', 'otherSecretariat'];
/** The positive control: a member by both sources, the secretariat, an auditor and an admin by OIDC. */
const ENTITLED: readonly [Caller, Source][] = [['member', 'file'], ['member', 'oidc'], ['secretariat', 'file'], ['auditor', 'oidc'], ['admin', 'oidc']];

interface Read {
  reader: string;
  route: string;
  url: string;
  accept: string;
  status: number;
  text: string;
}

describe('drafts and exempt papers leak on no route, feed or document', () => {
  let s: AccessServer;
  let firstPosition = '';
  const id = {
    member: '',
    meetings: [] as string[],
    cases: [] as string[],
    attachments: [] as [string, string][],
    matters: [] as string[],
    project: 'leak-project',
  };
  let doc: { paths: Record<string, Record<string, any>> };

  beforeAll(async () => {
    s = await startAccessServer();
    const sec = s.token('secretariat', 'NEHS', 'file')!;
    firstPosition = String((await ok(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NEHS', name: 'Nasjonalt e-helsestyre' } }, 201)).json.position);
    await ok(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NUIT', name: 'Nasjonalt utvalg for IT-prioritering' } }, 201);
    id.member = (await ok(s, 'POST', '/api/committees/NEHS/members', { token: ADMIN, json: { name: 'Bjørn Guldvog', organisation: 'Helsedirektoratet', role: 'chair' } }, 201)).json.id;
    await ok(s, 'POST', '/api/portfolio/projects', { token: sec, json: { id: id.project, name: 'Prosjekt', owner: 'Direktoratet' } }, 201);
    const post = (path: string, json?: unknown, status = 200) => ok(s, 'POST', path, { token: sec, ...(json !== undefined ? { json } : {}) }, status);
    const plan = async (date: string) => (await post('/api/committees/NEHS/meetings', { date, place: 'Oslo' }, 201)).json.id as string;
    const create = async (json: Record<string, unknown>) => {
      const caseId = (await post('/api/cases', { committee: 'NEHS', type: 'endorsement', ...json }, 201)).json.id as string;
      id.cases.push(caseId);
      id.matters.push((await ok(s, 'GET', `/api/cases/${caseId}`, { token: sec })).json.matterId);
      return caseId;
    };
    const attach = async (caseId: string, filename: string, bytes: string) => {
      const attId = (await ok(s, 'POST', `/api/cases/${caseId}/attachments?filename=${filename}`, { token: sec, body: bytes, headers: { 'content-type': 'text/plain' } }, 201)).json.id as string;
      id.attachments.push([caseId, attId]);
    };
    const agenda = async (meetingId: string) => (await ok(s, 'GET', `/api/meetings/${meetingId}`, { token: sec })).json.agenda as { caseId: string; type: string; standardItem?: string }[];

    // the exempt case, decided in meeting 1, whose minutes meeting 2 approves
    const m1 = await plan('2019-01-10');
    const exempt = await create({
      title: PUBLIC.title,
      proposedResolution: EXEMPT.proposedResolution,
      background: EXEMPT.background,
      purpose: EXEMPT.purpose,
      responsible: EXEMPT.responsible,
      caseOfficer: EXEMPT.caseOfficer,
      projectIds: [id.project],
      exemption: { basis: 'offl. § 14' },
    });
    await attach(exempt, EXEMPT.filename, EXEMPT.bytes);
    await post(`/api/cases/${exempt}/schedule`, { meetingId: m1 });
    await post(`/api/meetings/${m1}/notice`);
    await post(`/api/meetings/${m1}/open`, { present: [id.member] });
    for (const c of await agenda(m1)) {
      if (c.caseId === exempt) {
        await post(`/api/cases/${exempt}/present`, { presenter: EXEMPT.presenter });
        await post(`/api/cases/${exempt}/record-discussion`, { summary: EXEMPT.summary, points: [EXEMPT.point], followUps: [EXEMPT.followUp] });
        await post(`/api/cases/${exempt}/endorse`, { resolution: PUBLIC.resolution });
        continue;
      }
      await post(`/api/cases/${c.caseId}/present`, { presenter: 'Sekretariatet' });
      if (c.type === 'orientation') await post(`/api/cases/${c.caseId}/note`, { resolution: 'Tatt til orientering.' });
      else await post(`/api/cases/${c.caseId}/endorse`, { resolution: 'Godkjent.' });
    }
    await post(`/api/meetings/${m1}/adjourn`);
    const m2 = await plan('2019-02-10');
    await post(`/api/meetings/${m2}/notice`);
    await post(`/api/meetings/${m2}/open`, { present: [id.member] });
    const approval = (await agenda(m2)).find((c) => c.standardItem === 'minutes-approval')!.caseId;
    await post(`/api/cases/${approval}/present`, { presenter: 'Leder' });
    const approved = (await post(`/api/cases/${approval}/endorse`, { resolution: 'Godkjent.' })).json.position;
    expect((await ok(s, 'GET', `/api/meetings/${m1}/minutes?minPosition=${approved}`, {})).json.status).toBe('approved');
    // a planned meeting with a draft case on its agenda, and a draft case on no agenda
    const planned = await plan('2019-03-10');
    const scheduled = await create({ title: SCHEDULED.title, purpose: SCHEDULED.purpose, proposedResolution: 'Forslag.', projectIds: [id.project] });
    await attach(scheduled, SCHEDULED.filename, SCHEDULED.bytes);
    await post(`/api/cases/${scheduled}/schedule`, { meetingId: planned });
    const draft = await create({ title: DRAFT.title, background: DRAFT.background, proposedResolution: DRAFT.proposedResolution, projectIds: [id.project] });
    await attach(draft, DRAFT.filename, DRAFT.bytes);
    id.meetings.push(m1, m2, planned);
    for (const m of [m1, m2]) for (const c of await agenda(m)) if (!id.cases.includes(c.caseId)) id.cases.push(c.caseId);
    doc = (await ok(s, 'GET', '/api/docs-json', {})).json;
  });
  afterAll(async () => {
    await s?.close();
  });

  /** Every URL of a GET row: each of the test's records in its path parameters, its query variant filled in. */
  function urls(path: string, query: Readonly<Record<string, string>> | undefined, position: string): string[] {
    let out = [path];
    const each = (name: string, values: string[]) => {
      out = out.flatMap((u) => (u.includes(`:${name}`) ? values.map((v) => u.replace(`:${name}`, v)) : [u]));
    };
    if (path.includes(':attId')) {
      out = id.attachments.map(([c, a]) => path.replace(':id', c).replace(':attId', a));
    }
    each('code', ['NEHS']);
    each('year', ['2019']);
    each('matterId', id.matters);
    if (path.startsWith('/api/cases/')) each('id', id.cases);
    if (path.startsWith('/api/meetings/') || path.startsWith('/api/live/meetings/')) each('id', id.meetings);
    const left = out.find((u) => /:[A-Za-z]/.test(u));
    if (left) throw new Error(`access-leaks: give the path parameter of ${path} the test's records (so the route is read too)`);
    const q = new URLSearchParams(Object.entries(query ?? {}).map(([k, v]): [string, string] => [k, v === ':position' ? position : v === ':time' ? new Date().toISOString() : v]));
    // a list of a committee: that committee's rows, and every committee's
    const lists = path === '/api/cases' || path === '/api/decisions' || path === '/api/audit/export' ? ['committee=NEHS', ''] : [''];
    return out.flatMap((u) => lists.map((l) => [u, [l, q.toString()].filter(Boolean).join('&')].filter(Boolean).join('?')));
  }

  /** The answer's text: JSON/Markdown/HTML/bytes as text, a PDF through pdf.js, a feed's frames until it is quiet. */
  async function read(url: string, accept: string, token: string | undefined, lastEventId?: string): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = { accept };
    if (token) headers.authorization = `Bearer ${token}`;
    if (lastEventId) headers['last-event-id'] = lastEventId;
    const ac = new AbortController();
    const res = await fetch(s.url + url, { headers, signal: ac.signal });
    const type = res.headers.get('content-type') ?? '';
    if (type.startsWith('text/event-stream')) {
      const reader = res.body!.getReader();
      const dec = new TextDecoder();
      let text = '';
      // a snapshot: up to its first message; a replay: until nothing came for a while
      for (;;) {
        const quiet = new Promise<'quiet'>((r) => setTimeout(() => r('quiet'), lastEventId ? 400 : 5000));
        const next = await Promise.race([reader.read(), quiet]);
        if (next === 'quiet' || next.done) break;
        text += dec.decode(next.value, { stream: true });
        if (!lastEventId && /\nevent: snapshot\ndata: .*\n\n/s.test(text)) break;
      }
      ac.abort();
      return { status: res.status, text };
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    if (type.startsWith('application/pdf') && res.status === 200) return { status: res.status, text: flat((await pdfText(bytes)).pages.join('\n')) };
    return { status: res.status, text: bytes.toString('utf8') };
  }

  /** Every GET row of the matrix, every record, every format its OpenAPI operation answers (feeds: snapshot and replay). */
  async function readEverything(reader: string, token: string | undefined): Promise<Read[]> {
    const position = String((await ok(s, 'GET', '/api/health', {})).json.store.headPosition);
    const jobs: { route: string; url: string; accept: string; lastEventId?: string }[] = [];
    for (const row of ROUTES.filter((r) => r.method === 'GET')) {
      const op = doc.paths[openApiPath(row.path)]!.get!;
      // a document: every format its answer names beside JSON; a live feed: its stream; else (a download too) as it comes
      const named = Object.keys(op.responses?.['200']?.content ?? {}).filter((t) => DOCUMENT_FORMATS.includes(t));
      const formats = row.path.startsWith('/api/live/') ? ['text/event-stream'] : named.includes('application/json') ? named : ['*/*'];
      const route = `GET ${row.path}${row.query ? `?${Object.keys(row.query).join('&')}` : ''}`;
      for (const url of urls(row.path, row.query, position)) {
        for (const accept of formats) {
          if (accept === 'text/event-stream') {
            jobs.push({ route, url, accept });
            jobs.push({ route: `${route} (replayed)`, url, accept, lastEventId: firstPosition });
          } else jobs.push({ route, url, accept });
        }
      }
    }
    return pool(jobs, 6, async (j) => ({ reader, route: j.route, url: j.url, accept: j.accept, ...(await read(j.url, j.accept, token, j.lastEventId)) }));
  }

  const found = (reads: Read[]) => reads.flatMap((r) => SECRETS.filter((x) => r.text.includes(x)).map((x) => `${r.reader} ${r.route} ${r.url} (${r.accept}) → ${r.status}: ${x}`));
  const readers = (callers: readonly Caller[]) => callers.flatMap((c) => (c === 'none' ? [['none', 'file']] : [[c, 'file'], [c, 'oidc']]) as [Caller, Source][]);

  it('no caller the table does not entitle (no token; NUIT member and secretariat; tokens file and OIDC) finds a draft or an exempt text anywhere', async () => {
    const leaks: string[] = [];
    let answered = 0;
    for (const [caller, source] of readers(UNENTITLED)) {
      const reads = await readEverything(`${caller}/${source}`, s.token(caller, 'NEHS', source));
      expect(reads.length).toBeGreaterThan(80);
      expect(reads.filter((r) => r.status >= 500).map((r) => `${r.route} ${r.url} → ${r.status}`)).toEqual([]);
      answered += reads.filter((r) => r.status === 200).length;
      leaks.push(...found(reads));
      if (caller === 'none') {
        // what is public about the exempt case is there (the reads answered with content)
        const minutes = reads.find((r) => r.route === 'GET /api/meetings/:id/minutes' && r.url.includes(id.meetings[0]!) && r.accept === 'text/markdown')!;
        expect(minutes.status).toBe(200);
        expect(minutes.text).toContain(PUBLIC.resolution);
        const pdf = reads.find((r) => r.route === 'GET /api/meetings/:id/minutes' && r.url.includes(id.meetings[0]!) && r.accept === 'application/pdf')!;
        expect(pdf.text).toContain(PUBLIC.title);
        const feed = reads.find((r) => r.route === 'GET /api/live/decisions (replayed)')!;
        expect(feed.text).toContain(PUBLIC.resolution);
      }
    }
    expect(leaks).toEqual([]);
    expect(answered).toBeGreaterThan(150);
  });

  it('the entitled (NEHS member by tokens file and OIDC, its secretariat, an auditor, an admin) find every marked text: the search finds what it looks for', async () => {
    const missing: string[] = [];
    for (const [caller, source] of ENTITLED) {
      const seen = new Set(found(await readEverything(`${caller}/${source}`, s.token(caller, 'NEHS', source))).map((l) => l.slice(l.lastIndexOf(': ') + 2)));
      missing.push(...SECRETS.filter((x) => !seen.has(x)).map((x) => `${caller}/${source}: ${x}`));
    }
    expect(missing).toEqual([]);
  });
});
