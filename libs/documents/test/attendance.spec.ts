/**
 * Attendance as the real records list it (../shared/seeds/002_*): the notice's Medlemmer, Vara and
 * Observatører; the minutes' Medlemmer til stede (remote ones marked), Forfall, Vara til stede
 * ("vara for" the member stood in for), Observatører, Gjester and the secretariat's staff; and
 * follow-ups with their owner and due date.
 */
import { describe, expect, it } from '@jest/globals';
import { renderMinutesHtml, renderMinutesMarkdown, renderNoticeMarkdown, type MemberEntry, type MinutesDocument } from '../src/index.js';

const members: MemberEntry[] = [
  { name: 'Christine Bergland', organisation: 'Direktoratet for e-helse', role: 'chair' },
  { name: 'Cathrine Lofthus', organisation: 'Helse Sør-Øst RHF', role: 'member' },
  { name: 'Stig Slørdahl', organisation: 'Helse Midt-Norge RHF', role: 'member' },
  { name: 'Kari Vara', organisation: 'Helse Sør-Øst RHF', role: 'deputy', deputyFor: { name: 'Cathrine Lofthus', organisation: 'Helse Sør-Øst RHF' } },
  { name: 'Håkon Grimstad', organisation: 'Norsk Helsenett SF', role: 'observer' },
];
const header = { number: '8/2018', date: '2018-12-06', startTime: '10:00', endTime: '15:00', place: 'Radisson Blu Gardermoen' };
const committee = { code: 'NEHS', name: 'Nasjonalt e-helsestyre' };

const rows = (md: string) => md.replace(/\\(.)/g, '$1').split('\n').filter((l) => l.startsWith('| **'));

describe('attendance in the notice and the minutes', () => {
  it('the notice: Medlemmer (chair and members), Vara with whom they stand in for, Observatører', () => {
    expect(rows(renderNoticeMarkdown({ committee, meeting: header, members, cases: [], builtAtPosition: 9 })).slice(4)).toEqual([
      '| **Medlemmer** | Christine Bergland (Direktoratet for e-helse)<br>Cathrine Lofthus (Helse Sør-Øst RHF)<br>Stig Slørdahl (Helse Midt-Norge RHF) |',
      '| **Vara** | Kari Vara (Helse Sør-Øst RHF), vara for Cathrine Lofthus (Helse Sør-Øst RHF) |',
      '| **Observatører** | Håkon Grimstad (Norsk Helsenett SF) |',
    ]);
  });

  it('the minutes: present (remote marked), Forfall, the deputy standing in under Vara, observers, guests, staff; follow-ups with owner and due', () => {
    const doc: MinutesDocument = {
      committee,
      meeting: header,
      members,
      attendance: {
        present: [
          { name: 'Christine Bergland', organisation: 'Direktoratet for e-helse' },
          { name: 'Stig Slørdahl', organisation: 'Helse Midt-Norge RHF', remote: true },
          { name: 'Kari Vara', organisation: 'Helse Sør-Øst RHF', standingInFor: { name: 'Cathrine Lofthus', organisation: 'Helse Sør-Øst RHF' } },
          { name: 'Håkon Grimstad', organisation: 'Norsk Helsenett SF' },
        ],
        absent: ['Cathrine Lofthus'],
        guests: ['Erik M. Hansen'],
        secretariat: ['Karl Vestli', 'Bodil Rabben'],
      },
      status: 'draft',
      cases: [
        {
          number: '49/18',
          title: 'Endring av mandat og medlemmer',
          type: 'orientation',
          points: [],
          followUps: ['Settes på agendaen', { text: 'Direktoratet for e-helse vil oppdatere mandatet.', owner: 'Direktoratet for e-helse', due: '2019-01-15' }],
        },
      ],
      builtAtPosition: 12,
    };
    const md = renderMinutesMarkdown(doc);
    expect(rows(md).slice(4)).toEqual([
      '| **Medlemmer** (til stede) | Christine Bergland (Direktoratet for e-helse)<br>Stig Slørdahl (Helse Midt-Norge RHF) (digitalt) |',
      '| **Forfall** | Cathrine Lofthus (Helse Sør-Øst RHF) |',
      '| **Vara** (til stede) | Kari Vara (Helse Sør-Øst RHF), vara for Cathrine Lofthus (Helse Sør-Øst RHF) |',
      '| **Observatører** | Håkon Grimstad (Norsk Helsenett SF) |',
      '| **Gjester** | Erik M. Hansen |',
      '| **Fra sekretariatet** | Karl Vestli<br>Bodil Rabben |',
    ]);
    expect(md.replace(/\\(.)/g, '$1')).toContain('Direktoratet for e-helse vil oppdatere mandatet. (ansvarlig: Direktoratet for e-helse, frist 15. januar 2019)');
    expect(renderMinutesHtml(doc)).toContain('vara for Cathrine Lofthus (Helse Sør-Øst RHF)');
  });
});
