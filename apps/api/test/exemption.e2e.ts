/**
 * Exemption from public access (unntatt offentlighet) on every read path, over a real server:
 * a case with `exemption: { basis: "offl. § 14" }`, its paper, discussion, follow-up and
 * attachment marked with unique strings, taken through notice, a meeting and the approval of its
 * minutes (so that everything about it that can be public is). Then EVERY GET route of the app,
 * enumerated from the OpenAPI document (a new route is covered without touching this test, or
 * fails it until its path parameters have a value here), is read as the public and as a member of
 * another committee, in JSON and in every document format, live feeds included: no exempt text
 * and no attachment bytes anywhere, while the number, title and vedtak are there. A member of the
 * committee reads them all.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { flat, pdfText } from '../../../libs/documents/test/pdf-text.js';
import type { Server } from './harness.js';
import { ADMIN, AUDITOR, MEMBER, OTHER, SEC, fields, ok, refused, startWorkflowServer } from './workflow-helpers.js';

const SECRET = {
  proposedResolution: 'HEMMELIG-FORSLAG-7781',
  background: 'HEMMELIG-BAKGRUNN-7782',
  purpose: 'HEMMELIG-FORMAL-7783',
  responsible: 'HEMMELIG-ANSVARLIG-7784',
  caseOfficer: 'HEMMELIG-SAKSBEHANDLER-7785',
  presenter: 'HEMMELIG-PRESENTERT-7786',
  summary: 'HEMMELIG-DROFTING-7787',
  point: 'HEMMELIG-INNSPILL-7788',
  followUp: 'HEMMELIG-OPPFOLGING-7789',
  filename: 'HEMMELIG-VEDLEGG-7790.txt',
  bytes: 'HEMMELIG-INNHOLD-7791',
  // a case of the same committee decided by written procedure, exempt too: its paper, attachment and the members' comments
  writtenProposal: 'HEMMELIG-SKRIFTLIG-FORSLAG-7792',
  writtenBackground: 'HEMMELIG-SKRIFTLIG-BAKGRUNN-7793',
  writtenFilename: 'HEMMELIG-SKRIFTLIG-VEDLEGG-7794.txt',
  writtenBytes: 'HEMMELIG-SKRIFTLIG-INNHOLD-7795',
  comment: 'HEMMELIG-KOMMENTAR-7796',
};
const PUBLIC = {
  title: 'Anskaffelse av nasjonal løsning',
  resolution: 'Nasjonalt e-helsestyre slutter seg til anbefalingen.',
  writtenTitle: 'Høring: sikkerhetsarkitektur for helsenettet',
  writtenResolution: 'NEHS slutter seg til høringssvaret om sikkerhetsarkitektur.',
};
const YEAR = Number(new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo', year: 'numeric' }).format(new Date()));
const SECRETS = Object.values(SECRET);
const ACCEPTS = ['application/json', 'text/markdown', 'text/html', 'application/pdf', 'text/event-stream'];

type Probe = { route: string; url: string; accept: string; status: number; text: string };

describe('exemption from public access on every read path', () => {
  let s: Server;
  const id = { meeting1: '', meeting2: '', meeting3: '', exempt: '', written: '', open: '', matter: '', att: '', writtenAtt: '', member: '', project: 'exempt-project' };

  async function drive(meetingId: string, decide: (c: { caseId: string; type: string; standardItem?: string }) => Promise<void>) {
    const m = (await ok(s, 'GET', `/api/meetings/${meetingId}`, { token: SEC })).json;
    for (const c of m.agenda) await decide(c);
  }
  const present = (caseId: string, presenter = 'Sekretariatet') => ok(s, 'POST', `/api/cases/${caseId}/present`, { token: SEC, json: { presenter } });
  const endorse = (caseId: string, resolution = 'Godkjent.') => ok(s, 'POST', `/api/cases/${caseId}/endorse`, { token: SEC, json: { resolution } });
  const note = (caseId: string) => ok(s, 'POST', `/api/cases/${caseId}/note`, { token: SEC, json: { resolution: 'Tatt til orientering.' } });

  beforeAll(async () => {
    s = await startWorkflowServer();
    await ok(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NEHS', name: 'Nasjonalt e-helsestyre' } }, 201);
    await ok(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NUIT', name: 'Nasjonalt utvalg for IT-prioritering' } }, 201);
    id.member = (await ok(s, 'POST', '/api/committees/NEHS/members', { token: ADMIN, json: { name: 'Bjørn Guldvog', organisation: 'Helsedirektoratet', role: 'chair', userId: 'u-member-nehs' } }, 201)).json.id;
    await ok(s, 'POST', '/api/portfolio/projects', { token: SEC, json: { id: id.project, name: 'Prosjekt', owner: 'Direktoratet' } }, 201);
    id.meeting1 = (await ok(s, 'POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date: '2018-12-06', place: 'Oslo' } }, 201)).json.id;
    const exempt = await ok(s, 'POST', '/api/cases', {
      token: SEC,
      json: {
        committee: 'NEHS',
        title: PUBLIC.title,
        type: 'endorsement',
        proposedResolution: SECRET.proposedResolution,
        background: SECRET.background,
        purpose: SECRET.purpose,
        responsible: SECRET.responsible,
        caseOfficer: SECRET.caseOfficer,
        projectIds: [id.project],
        exemption: { basis: 'offl. § 14' },
      },
    }, 201);
    id.exempt = exempt.json.id;
    id.matter = exempt.json.matterId ?? (await ok(s, 'GET', `/api/cases/${id.exempt}`, { token: SEC })).json.matterId;
    id.att = (await ok(s, 'POST', `/api/cases/${id.exempt}/attachments?filename=${SECRET.filename}`, { token: SEC, body: Buffer.from(SECRET.bytes), headers: { 'content-type': 'text/plain' } }, 201)).json.id;
    id.open = (await ok(s, 'POST', '/api/cases', { token: SEC, json: { committee: 'NEHS', title: 'Åpen sak', type: 'discussion', proposedResolution: 'Åpent forslag.' } }, 201)).json.id;
    for (const c of [id.exempt, id.open]) await ok(s, 'POST', `/api/cases/${c}/schedule`, { token: SEC, json: { meetingId: id.meeting1 } });
    await ok(s, 'POST', `/api/meetings/${id.meeting1}/notice`, { token: SEC });
    await ok(s, 'POST', `/api/meetings/${id.meeting1}/open`, { token: SEC, json: { present: [id.member] } });
    await drive(id.meeting1, async (c) => {
      if (c.caseId === id.exempt) {
        await present(c.caseId, SECRET.presenter);
        await ok(s, 'POST', `/api/cases/${c.caseId}/record-discussion`, { token: SEC, json: { summary: SECRET.summary, points: [SECRET.point], followUps: [SECRET.followUp] } });
        await endorse(c.caseId, PUBLIC.resolution);
      } else {
        await present(c.caseId);
        if (c.type === 'orientation') await note(c.caseId);
        else await endorse(c.caseId);
      }
    });
    await ok(s, 'POST', `/api/meetings/${id.meeting1}/adjourn`, { token: SEC });
    // an exempt case decided by written procedure (with an attachment and a member's comment), concluded today
    id.written = (await ok(s, 'POST', '/api/cases', {
      token: SEC,
      json: { committee: 'NEHS', title: PUBLIC.writtenTitle, type: 'endorsement', proposedResolution: SECRET.writtenProposal, background: SECRET.writtenBackground, exemption: { basis: 'offl. § 14' } },
    }, 201)).json.id;
    id.writtenAtt = (await ok(s, 'POST', `/api/cases/${id.written}/attachments?filename=${SECRET.writtenFilename}`, { token: SEC, body: Buffer.from(SECRET.writtenBytes), headers: { 'content-type': 'text/plain' } }, 201)).json.id;
    await ok(s, 'POST', `/api/cases/${id.written}/written-procedure`, { token: SEC, json: { deadline: `${YEAR + 1}-01-31` } });
    await ok(s, 'POST', `/api/cases/${id.written}/written-procedure/responses`, { token: MEMBER, json: { answer: 'agree', comment: SECRET.comment } });
    await endorse(id.written, PUBLIC.writtenResolution);
    // the next meeting (after the conclusion: its minutes list the written procedure) approves meeting 1's minutes and is held;
    // the one after approves its minutes: everything about meetings 1 and 2 that can be public, is
    id.meeting2 = (await ok(s, 'POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date: `${YEAR + 1}-02-07`, place: 'Oslo' } }, 201)).json.id;
    await ok(s, 'POST', `/api/meetings/${id.meeting2}/notice`, { token: SEC });
    await ok(s, 'POST', `/api/meetings/${id.meeting2}/open`, { token: SEC, json: { present: [id.member] } });
    await drive(id.meeting2, async (c) => {
      await present(c.caseId);
      if (c.type === 'orientation') await note(c.caseId);
      else await endorse(c.caseId);
    });
    await ok(s, 'POST', `/api/meetings/${id.meeting2}/adjourn`, { token: SEC });
    id.meeting3 = (await ok(s, 'POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date: `${YEAR + 1}-03-07`, place: 'Oslo' } }, 201)).json.id;
    await ok(s, 'POST', `/api/meetings/${id.meeting3}/notice`, { token: SEC });
    await ok(s, 'POST', `/api/meetings/${id.meeting3}/open`, { token: SEC, json: { present: [id.member] } });
    let last = 0;
    await drive(id.meeting3, async (c) => {
      if (c.standardItem !== 'minutes-approval') return;
      await present(c.caseId);
      last = (await endorse(c.caseId)).json.position;
    });
    const m1 = (await ok(s, 'GET', `/api/meetings/${id.meeting1}/minutes?minPosition=${last}`, {})).json;
    expect(m1.status).toBe('approved');
    const m2 = (await ok(s, 'GET', `/api/meetings/${id.meeting2}/minutes`, {})).json;
    expect(m2).toMatchObject({ status: 'approved', writtenProcedures: [{ caseId: id.written, resolution: PUBLIC.writtenResolution }] });
  });
  afterAll(async () => {
    await s?.close();
  });

  /**
   * A path template of the OpenAPI document filled with this test's records: once with the case
   * decided in meeting 1 (and its attachment), once with the case decided by written procedure (and
   * its attachment, and meeting 2, whose minutes list it). Unknown parameters fail loudly.
   */
  function fill(path: string): string[] {
    const sets = [
      { caseId: id.exempt, attId: id.att, meetingId: id.meeting1 },
      { caseId: id.written, attId: id.writtenAtt, meetingId: id.meeting2 },
    ];
    const urls = sets.map((set) =>
      path.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => {
        if (name === 'id') {
          if (path.startsWith('/api/cases/')) return set.caseId;
          if (path.startsWith('/api/meetings/') || path.startsWith('/api/live/meetings/')) return set.meetingId;
          if (path.startsWith('/api/portfolio/projects/')) return id.project;
          if (path.startsWith('/api/committees/')) return id.member;
        }
        const value = ({ code: 'NEHS', year: String(set.meetingId === id.meeting1 ? 2018 : YEAR + 1), matterId: id.matter, memberId: id.member, ...set } as Record<string, string>)[name];
        if (value === undefined) throw new Error(`exemption.e2e: give the path parameter {${name}} of ${path} a value (so the route is read too)`);
        return value;
      }),
    );
    return [...new Set(urls)];
  }

  /** The answer's text: JSON/Markdown/HTML as text, a PDF through pdf.js, an SSE feed up to its first message. */
  async function read(url: string, accept: string, token?: string): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = { accept };
    if (token) headers.authorization = `Bearer ${token}`;
    const ac = new AbortController();
    const res = await fetch(s.url + url, { headers, signal: ac.signal });
    const type = res.headers.get('content-type') ?? '';
    if (type.startsWith('text/event-stream')) {
      const reader = res.body!.getReader();
      let text = '';
      const dec = new TextDecoder();
      while (!/\nevent: (snapshot|change)\ndata: .*\n\n/s.test(text)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += dec.decode(value, { stream: true });
      }
      ac.abort();
      return { status: res.status, text };
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    if (type.startsWith('application/pdf') && res.status === 200) return { status: res.status, text: flat((await pdfText(bytes)).pages.join('\n')) };
    return { status: res.status, text: bytes.toString('utf8') };
  }

  async function everyRoute(token?: string): Promise<Probe[]> {
    const doc = (await ok(s, 'GET', '/api/docs-json', {})).json as { paths: Record<string, Record<string, unknown>> };
    const asks: { route: string; url: string; accept: string }[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!ops.get) continue;
      // every format any route gives (a route that has not got one answers 406 or its JSON)
      for (const url of fill(path)) for (const accept of ACCEPTS) asks.push({ route: `GET ${path}`, url, accept });
    }
    // a few at a time (the reads are independent), in the order asked
    const out: Probe[] = new Array(asks.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < asks.length; i = next++) out[i] = { ...asks[i]!, ...(await read(asks[i]!.url, asks[i]!.accept, token)) };
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    return out;
  }

  const leaks = (probes: Probe[]) => probes.flatMap((p) => SECRETS.filter((x) => p.text.includes(x)).map((x) => `${p.route} (${p.accept}) → ${p.status}: ${x}`));

  it('the public reads every GET route and finds no exempt paper, discussion or attachment; number, title and vedtak are public', async () => {
    const probes = await everyRoute();
    expect(probes.length).toBeGreaterThan(20);
    // the routes that show the case at all
    const routes = new Set(probes.map((p) => p.route));
    for (const r of ['GET /api/cases/{id}', 'GET /api/meetings/{id}/minutes', 'GET /api/meetings/{id}/notice', 'GET /api/live/meetings/{id}', 'GET /api/cases/{id}/attachments/{attId}', 'GET /api/followups', 'GET /api/decisions'])
      expect([r, routes.has(r)]).toEqual([r, true]);
    expect(leaks(probes)).toEqual([]);
    const kase = (await ok(s, 'GET', `/api/cases/${id.exempt}`, {})).json;
    expect(kase).toMatchObject({ number: expect.stringMatching(/\/18$/), title: PUBLIC.title, resolution: PUBLIC.resolution, exemption: { basis: 'offl. § 14' }, proposedResolution: null, background: null, discussion: [], attachments: [], presenter: null });
    const minutes = probes.find((p) => p.route === 'GET /api/meetings/{id}/minutes' && p.accept === 'text/markdown')!;
    expect(minutes.status).toBe(200);
    expect(minutes.text.replace(/\\(.)/g, '$1')).toContain(PUBLIC.resolution);
    expect(minutes.text.replace(/\\(.)/g, '$1')).toContain('Unntatt offentlighet: offl. § 14');
    // the written procedure: number, title, vedtak, who answered what are public; the comment is not
    const written = (await ok(s, 'GET', `/api/cases/${id.written}`, {})).json;
    expect(written).toMatchObject({ title: PUBLIC.writtenTitle, resolution: PUBLIC.writtenResolution, proposedResolution: null, background: null, attachments: [] });
    expect(written.writtenProcedure).toMatchObject({ tally: { agree: 1, disagree: 0 }, answers: [{ memberId: id.member, answer: 'agree', comment: null }] });
    const row = ((await ok(s, 'GET', '/api/decisions?committee=NEHS', {})).json as any[]).find((r) => r.caseId === id.written);
    expect(row).toMatchObject({ writtenProcedure: true, resolution: PUBLIC.writtenResolution, exemption: { basis: 'offl. § 14' }, writtenProcedureOutcome: { tally: { agree: 1, disagree: 0 }, answers: [{ memberId: id.member, comment: null }] } });
    const m2 = probes.find((p) => p.route === 'GET /api/meetings/{id}/minutes' && p.url.includes(id.meeting2) && p.accept === 'text/markdown')!;
    expect(m2.status).toBe(200);
    expect(m2.text.replace(/\\(.)/g, '$1')).toContain('Saker behandlet ved skriftlig behandling');
    expect(m2.text.replace(/\\(.)/g, '$1')).toContain(PUBLIC.writtenResolution);
    const m2pdf = probes.find((p) => p.route === 'GET /api/meetings/{id}/minutes' && p.url.includes(id.meeting2) && p.accept === 'application/pdf')!;
    expect([m2pdf.status, m2pdf.text.includes('skriftlig behandling')]).toEqual([200, true]);
    await refused(s, 401, 'GET', `/api/cases/${id.written}/attachments/${id.writtenAtt}`);
    // the bytes: refused to the public (401) and to another committee's member (403)
    await refused(s, 401, 'GET', `/api/cases/${id.exempt}/attachments/${id.att}`);
    await refused(s, 403, 'GET', `/api/cases/${id.exempt}/attachments/${id.att}`, { token: OTHER });
  });

  it('a member of another committee finds nothing exempt either', async () => {
    expect(leaks(await everyRoute(OTHER))).toEqual([]);
  });

  it('a member of the committee (and an auditor) reads the paper, the discussion and the attachment', async () => {
    const probes = await everyRoute(MEMBER);
    const seen = new Set(probes.flatMap((p) => SECRETS.filter((x) => p.text.includes(x))));
    expect(SECRETS.filter((x) => !seen.has(x))).toEqual([]);
    const kase = (await ok(s, 'GET', `/api/cases/${id.exempt}`, { token: MEMBER })).json;
    expect(kase).toMatchObject({ proposedResolution: SECRET.proposedResolution, background: SECRET.background, presenter: SECRET.presenter, attachments: [{ filename: SECRET.filename }] });
    expect((await s.req('GET', `/api/cases/${id.exempt}/attachments/${id.att}`, { token: AUDITOR })).text).toBe(SECRET.bytes);
    const written = (await ok(s, 'GET', `/api/cases/${id.written}`, { token: MEMBER })).json;
    expect(written.writtenProcedure.answers).toMatchObject([{ memberId: id.member, answer: 'agree', comment: SECRET.comment }]);
    const m2 = (await ok(s, 'GET', `/api/meetings/${id.meeting2}/minutes`, { token: MEMBER })).json;
    expect(m2.writtenProcedures[0].answers).toMatchObject([{ comment: SECRET.comment }]);
    const notice = (await read(`/api/meetings/${id.meeting1}/notice`, 'text/markdown', MEMBER)).text.replace(/\\(.)/g, '$1');
    expect(notice).toContain(`Vedlegg 1: ${SECRET.filename}`);
  });

  it('a referral carries the exemption with the copied paper into the other committee', async () => {
    const r = await ok(s, 'POST', `/api/cases/${id.exempt}/refer`, { token: SEC, json: { toCommittee: 'NUIT', type: 'discussion' } });
    const referred = (await ok(s, 'GET', `/api/cases/${r.json.referredCaseId}`, { token: OTHER })).json;
    expect(referred).toMatchObject({ committee: 'NUIT', exemption: { basis: 'offl. § 14' }, background: SECRET.background });
    // NUIT's member reads NUIT's copy (above); NEHS's member may not read NUIT's draft at all
    await refused(s, 403, 'GET', `/api/cases/${r.json.referredCaseId}`, { token: MEMBER });
  });

  it('the basis must be a legal reference; PATCH sets or lifts it (null)', async () => {
    for (const basis of ['hemmelig', '§ 14', 'offl. 14', 'offl. § 14\nnoe mer', 7]) {
      const p = await refused(s, 400, 'POST', '/api/cases', { token: SEC, json: { committee: 'NEHS', title: 'T', type: 'discussion', proposedResolution: '', exemption: { basis } } });
      expect([basis, fields(p)]).toEqual([basis, ['exemption.basis']]);
    }
    const extra = await refused(s, 400, 'POST', '/api/cases', { token: SEC, json: { committee: 'NEHS', title: 'T', type: 'discussion', proposedResolution: '', exemption: { basis: 'offl. § 14', why: 'x' } } });
    expect(fields(extra)).toEqual(['exemption.why']);
    const c = (await ok(s, 'POST', '/api/cases', { token: SEC, json: { committee: 'NEHS', title: 'T', type: 'discussion', proposedResolution: 'P', exemption: { basis: 'offl. § 13 første ledd, jf. fvl. § 13 første ledd nr. 1' } } }, 201)).json.id;
    expect((await ok(s, 'GET', `/api/cases/${c}`, { token: SEC })).json.exemption).toEqual({ basis: 'offl. § 13 første ledd, jf. fvl. § 13 første ledd nr. 1' });
    await ok(s, 'PATCH', `/api/cases/${c}`, { token: SEC, json: { exemption: null } });
    expect((await ok(s, 'GET', `/api/cases/${c}`, { token: SEC })).json.exemption).toBeNull();
    await ok(s, 'PATCH', `/api/cases/${c}`, { token: SEC, json: { exemption: { basis: 'offentleglova § 15 andre ledd' } } });
    expect((await ok(s, 'GET', `/api/cases/${c}`, { token: SEC })).json.exemption).toEqual({ basis: 'offentleglova § 15 andre ledd' });
  });
});
