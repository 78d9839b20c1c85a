/** Upcasting on read: `data.v` honoured, older payloads lifted, newer ones refused; one table of event types. */
import { describe, expect, it } from '@jest/globals';
import {
  CASE_EVENT_TYPES,
  COMMITTEE_EVENT_TYPES,
  DOMAIN_EVENT_TYPES,
  EVENT_VERSIONS,
  MEETING_EVENT_TYPES,
  PROJECT_EVENT_TYPES,
  UnknownEventVersion,
  foldCaseRecord,
  makeUpcast,
  upcast,
  upcastEvent,
  type VersionTable,
} from '../src/index.js';

describe('upcast over the application table', () => {
  it('reads every type written today (v1) as it is: the same object', () => {
    const data = { v: 1, reason: 'r' };
    expect(upcast('CaseWithdrawn', data)).toBe(data);
    const e = { type: 'CaseWithdrawn', data };
    expect(upcastEvent(e)).toBe(e);
  });

  it('reads a payload without v as v1, and passes types it does not know unchanged', () => {
    const noV = { reason: 'r' };
    expect(upcast('CaseWithdrawn', noV)).toBe(noV);
    const foreign = { v: 7 };
    expect(upcast('$metadata', foreign)).toBe(foreign);
  });

  it('refuses a version newer than it knows, with a clear error, also inside a fold', () => {
    expect(() => upcast('CaseWithdrawn', { v: 2, reason: 'r' })).toThrow(UnknownEventVersion);
    expect(() => upcast('CaseWithdrawn', { v: 2, reason: 'r' })).toThrow('cannot read CaseWithdrawn v2 (this Saksflyt reads up to v1): it was written by a newer version; upgrade before reading this store');
    expect(() => upcast('CaseWithdrawn', { v: 'one' })).toThrow('data.v must be a non-negative integer');
    expect(() =>
      foldCaseRecord([
        { type: 'CaseDrafted', data: { v: 1, caseId: 'c', committee: 'NEHS', matterId: 'm', title: 't', type: 'approval', proposedResolution: '', projectIds: [], meetsFollowUps: [] } },
        { type: 'CaseWithdrawn', data: { v: 3, reason: 'r' } },
      ]),
    ).toThrow(UnknownEventVersion);
  });

  it('is the one list of event types per stream kind', () => {
    expect(CASE_EVENT_TYPES).toEqual(Object.keys(EVENT_VERSIONS.case));
    expect(MEETING_EVENT_TYPES).toEqual(Object.keys(EVENT_VERSIONS.meeting));
    expect(COMMITTEE_EVENT_TYPES).toEqual(Object.keys(EVENT_VERSIONS.committee));
    expect(PROJECT_EVENT_TYPES).toEqual(['ProjectRegistered', 'ProjectStatusReported']);
    expect(new Set(DOMAIN_EVENT_TYPES).size).toBe(DOMAIN_EVENT_TYPES.length);
    // every version below the current one that may be stored has its lift
    for (const types of Object.values(EVENT_VERSIONS)) for (const v of Object.values(types)) for (let n = 1; n < v.current; n++) expect(typeof (v.lifts as Record<number, unknown>)[n]).toBe('function');
  });
});

describe('the lifting mechanism (a synthetic schema history)', () => {
  // Suppose CaseWithdrawn had a legacy v0 `{ why }`, and a v2 that split the reason into a code and a text.
  const table: VersionTable = {
    case: {
      CaseWithdrawn: {
        current: 2,
        lifts: {
          0: (d) => ({ reason: d.why }),
          1: (d) => ({ code: 'other', text: d.reason }),
        },
      },
    },
  };
  const up = makeUpcast(table);

  it('lifts a legacy v0 through every step to the current shape, stamping each v', () => {
    expect(up('CaseWithdrawn', { v: 0, why: 'Trukket' })).toEqual({ v: 2, code: 'other', text: 'Trukket' });
  });

  it('lifts a v1 one step; the current version passes untouched', () => {
    expect(up('CaseWithdrawn', { v: 1, reason: 'Trukket' })).toEqual({ v: 2, code: 'other', text: 'Trukket' });
    const current = { v: 2, code: 'c', text: 't' };
    expect(up('CaseWithdrawn', current)).toBe(current);
  });

  it('does not change the stored object it lifts', () => {
    const stored = Object.freeze({ v: 1, reason: 'r' });
    up('CaseWithdrawn', stored);
    expect(stored).toEqual({ v: 1, reason: 'r' });
  });

  it('refuses a version with no lift, and a table naming a type twice', () => {
    const gap = makeUpcast({ case: { CaseWithdrawn: { current: 2, lifts: { 1: (d) => d } } } });
    expect(() => gap('CaseWithdrawn', { v: 0 })).toThrow('no upcaster from v0 to v1');
    expect(() => makeUpcast({ a: { X: { current: 1, lifts: {} } }, b: { X: { current: 1, lifts: {} } } })).toThrow('event type X is registered twice');
  });
});
