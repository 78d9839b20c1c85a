/**
 * Numbered sub-items over HTTP (issue 11 item 3), on the real records: the importer brings NEHS
 * 50/18 in with its four sub-items (labels as written: "Nr. 1", "NR. 2", "NR. 3", "NR. 4"); the
 * register finds it by `q=50/18 NR. 2`; a later paper cites "50/18 NR. 2" in `meetsFollowUps`
 * (resolved to the cited case; an unknown sub-item is 400, nothing written); a new case with
 * sub-items gets a per-item vedtak, shown in its notice and minutes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { openSqliteStore } from '@saksflyt/event-store';
import { importRecords, loadRecordFile, recordFilesInOrder } from '@saksflyt/records';
import { startServer, tempDir, type Server } from './harness.js';
import { fields, ok, refused } from './workflow-helpers.js';

const RECORDS_DIR = path.join(process.cwd(), 'fixtures', 'records');
const SEC = 'tok-secretariat-nehs';

async function md(s: Server, p: string): Promise<string> {
  const res = await fetch(s.url + p, { headers: { accept: 'text/markdown', authorization: `Bearer ${SEC}` } });
  expect(res.status).toBe(200);
  return res.text();
}

describe('numbered sub-items over HTTP (the real NEHS 50/18)', () => {
  let s: Server;
  let c50 = '';

  beforeAll(async () => {
    const dataDir = tempDir('saksflyt-items-');
    const files = recordFilesInOrder(RECORDS_DIR)
      .map(loadRecordFile)
      .filter((f) => f.id === 'nehs-2018-2019');
    const store = await openSqliteStore({ file: path.join(dataDir, 'saksflyt.db') });
    try {
      await importRecords(store, files);
    } finally {
      await store.close();
    }
    s = await startServer({ dataDir });
    const meetings = (await ok(s, 'GET', '/api/committees/NEHS/meetings', { token: SEC })).json as { id: string; number: string }[];
    const m8 = meetings.find((m) => m.number === '8/2018')!;
    const agenda = (await ok(s, 'GET', `/api/meetings/${m8.id}`, {})).json.agenda as { caseId: string; number: string }[];
    c50 = agenda.find((a) => a.number === '50/18')!.caseId;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('imports 50/18 with its four sub-items, labels as the records write them', async () => {
    const v = (await ok(s, 'GET', `/api/cases/${c50}`, {})).json;
    expect(v.items.map((i: { label: string }) => i.label)).toEqual(['Nr. 1', 'NR. 2', 'NR. 3', 'NR. 4']);
    expect(v.items[1].title).toMatch(/tjenesteleverandør/i);
    const minutes = (await ok(s, 'GET', `/api/meetings/${v.meetingId}/minutes`, { token: SEC })).json;
    expect(minutes.cases.find((c: { caseId: string }) => c.caseId === c50).items).toHaveLength(4);
    expect(await md(s, `/api/meetings/${v.meetingId}/minutes`)).toContain(`NR. 2`);
  });

  it('the register finds 50/18 by "50/18 NR. 2" (any case), and not by a sub-item it does not have', async () => {
    for (const q of ['50/18 NR. 2', '50/18 nr. 2', '50/18  NR.  2']) {
      const rows = (await ok(s, 'GET', `/api/decisions?q=${encodeURIComponent(q)}`, {})).json as { caseId: string; number: string; items?: unknown[] }[];
      expect([q, rows.map((r) => r.number)]).toEqual([q, ['50/18']]);
      expect(rows[0]!.items).toHaveLength(4);
    }
    expect((await ok(s, 'GET', `/api/decisions?q=${encodeURIComponent('50/18 NR. 7')}`, {})).json).toEqual([]);
  });

  it('a later paper cites "50/18 NR. 2" in meetsFollowUps (resolved); an unknown sub-item or case is 400 and writes nothing', async () => {
    const bad = await refused(s, 400, 'POST', '/api/cases', {
      token: SEC,
      json: { committee: 'NEHS', title: 'Nasjonal tjenesteleverandør', type: 'orientation', proposedResolution: '', meetsFollowUps: ['50/18 NR. 2', '50/18 NR. 7', 'NUIT 50/18 NR. 2'] },
    });
    expect(fields(bad)).toEqual(['meetsFollowUps.1', 'meetsFollowUps.2']);
    expect(bad.errors[0].message).toMatch(/sub-item citation/);
    const created = await ok(s, 'POST', '/api/cases', {
      token: SEC,
      json: { committee: 'NEHS', title: 'Nasjonal tjenesteleverandør', type: 'orientation', proposedResolution: '', meetsFollowUps: ['50/18 NR. 2', 'NEHS 50/18 nr. 3'] },
    }, 201);
    const v = (await ok(s, 'GET', `/api/cases/${created.json.id}`, { token: SEC })).json;
    expect(v.meetsFollowUps).toEqual(['50/18 NR. 2', 'NEHS 50/18 nr. 3']);
    expect(v.citedItems).toEqual([
      { citation: '50/18 NR. 2', caseId: c50, committee: 'NEHS', number: '50/18', label: 'NR. 2', title: expect.stringMatching(/tjenesteleverandør/i) },
      { citation: 'NEHS 50/18 nr. 3', caseId: c50, committee: 'NEHS', number: '50/18', label: 'NR. 3', title: expect.any(String) },
    ]);
    // PATCH is checked the same way
    const rev = v.revision;
    expect(fields(await refused(s, 400, 'PATCH', `/api/cases/${created.json.id}`, { token: SEC, json: { meetsFollowUps: ['50/18 NR. 5'] } }))).toEqual(['meetsFollowUps.0']);
    expect((await ok(s, 'GET', `/api/cases/${created.json.id}`, { token: SEC })).json.revision).toBe(rev);
  });

  it('a new case with sub-items: notice shows them, a per-item vedtak (unknown label 400), minutes show it, and it is citable', async () => {
    const meeting = (await ok(s, 'POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date: '2019-06-13', place: 'Oslo' } }, 201)).json.id;
    const id = (
      await ok(s, 'POST', '/api/cases', {
        token: SEC,
        json: { committee: 'NEHS', title: 'Orientering fra Direktoratet for e-helse', type: 'orientation', proposedResolution: 'Tas til orientering.', items: [{ label: 'NR. 1', title: 'Statsbudsjettet 2020' }] },
      }, 201)
    ).json.id;
    expect(fields(await refused(s, 400, 'PATCH', `/api/cases/${id}`, { token: SEC, json: { items: [{ label: 'NR. 1', title: 'A' }, { label: 'nr. 1', title: 'B' }] } }))).toEqual(['items.1.label']);
    await ok(s, 'PATCH', `/api/cases/${id}`, {
      token: SEC,
      json: { items: [{ label: 'NR. 1', title: 'Statsbudsjettet 2020' }, { label: 'NR. 2', title: 'Nasjonal tjenesteleverandør', proposedResolution: 'NEHS slutter seg til planen.' }] },
    });
    await ok(s, 'POST', `/api/cases/${id}/schedule`, { token: SEC, json: { meetingId: meeting } });
    await ok(s, 'POST', `/api/meetings/${meeting}/notice`, { token: SEC });
    const notice = await md(s, `/api/meetings/${meeting}/notice`);
    expect(notice).toContain('Nasjonal tjenesteleverandør');
    expect(notice).toContain('NEHS slutter seg til planen.');
    await ok(s, 'POST', `/api/meetings/${meeting}/open`, { token: SEC, json: { present: [] } });
    await ok(s, 'POST', `/api/cases/${id}/present`, { token: SEC, json: { presenter: 'Karl Vestli' } });
    const rev = (await ok(s, 'GET', `/api/cases/${id}`, { token: SEC })).json.revision;
    const unknown = await refused(s, 400, 'POST', `/api/cases/${id}/note`, { token: SEC, json: { resolution: 'Tatt til orientering.', items: [{ label: 'NR. 3', resolution: 'x' }] } });
    expect(fields(unknown)).toEqual(['items.0.label']);
    expect(unknown.errors[0].message).toBe('the case has no sub-item NR. 3 (it has NR. 1, NR. 2)');
    expect((await ok(s, 'GET', `/api/cases/${id}`, { token: SEC })).json.revision).toBe(rev);
    await ok(s, 'POST', `/api/cases/${id}/note`, { token: SEC, json: { resolution: 'Tatt til orientering.', items: [{ label: 'nr. 2', resolution: 'NEHS slutter seg til planen for NR. 2.' }] } });
    const v = (await ok(s, 'GET', `/api/cases/${id}`, { token: SEC })).json;
    expect(v.itemResolutions).toEqual([{ label: 'NR. 2', resolution: 'NEHS slutter seg til planen for NR. 2.' }]);
    const minutes = (await ok(s, 'GET', `/api/meetings/${meeting}/minutes`, { token: SEC })).json;
    expect(minutes.cases.find((c: { caseId: string }) => c.caseId === id).items).toEqual([
      { label: 'NR. 1', title: 'Statsbudsjettet 2020' },
      { label: 'NR. 2', title: 'Nasjonal tjenesteleverandør', proposedResolution: 'NEHS slutter seg til planen.', resolution: 'NEHS slutter seg til planen for NR. 2.' },
    ]);
    expect(await md(s, `/api/meetings/${meeting}/minutes`)).toContain('NEHS slutter seg til planen for NR. 2.');
    const later = await ok(s, 'POST', '/api/cases', { token: SEC, json: { committee: 'NEHS', title: 'Oppfølging', type: 'orientation', proposedResolution: '', meetsFollowUps: [`${v.number} NR. 2`] } }, 201);
    expect((await ok(s, 'GET', `/api/cases/${later.json.id}`, { token: SEC })).json.citedItems[0]).toMatchObject({ caseId: id, label: 'NR. 2' });
  });
});
