/**
 * The meeting page's forms for what happens around the agenda: attendance when the meeting opens
 * (members, deputies standing in, remote members, staff present, guests), *Endre møtet* (PATCH)
 * and *Avlys møtet* (cancel with a reason), and the list of changes (*Endret innkalling* after notice).
 */
import { Button, Checkbox, Fieldset, Paragraph } from '@digdir/designsystemet-react';
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, post, request } from '../api/client';
import type { CancelMeeting, ChangeMeeting, Committee, MeetingChange, MeetingDoc, MeetingWriteResult, Member, OpenMeeting } from '../api/types';
import { ProblemAlert, SelectField, TextField, lines } from '../components/ui';
import { formatDate, useI18n, type Key } from '../i18n';
import { MEETING_FORMATS } from './Arshjul';

/** A member's label: name (organisation), and for a deputy "vara for …", for an observer "Observatører". */
export function memberLabel(m: Member, all: Member[], t: (k: Key, v?: Record<string, string | number>) => string): string {
  const of = m.deputyFor ? all.find((x) => x.id === m.deputyFor) : undefined;
  const extra = m.role === 'observer' ? ` – ${t('role.observer')}` : m.role === 'deputy' ? ` – ${t('deputyForName', { name: of?.name ?? m.deputyFor ?? '' })}` : '';
  return `${m.name} (${m.organisation})${extra}`;
}

export function Attendance({ meeting, committee, onDone }: { meeting: MeetingDoc; committee: Committee | null; onDone(p: number): void }) {
  const { t } = useI18n();
  const members = committee?.members ?? [];
  const regular = members.filter((m) => m.role !== 'deputy');
  const deputies = members.filter((m) => m.role === 'deputy');
  // the members and observers present until the secretary unticks them; a deputy comes when ticked (standing in for an absent member)
  const initial = () => new Set(regular.map((m) => m.id));
  const [present, setPresent] = useState<Set<string>>(initial);
  const [remote, setRemote] = useState<Set<string>>(() => new Set());
  const [guests, setGuests] = useState('');
  const [staff, setStaff] = useState('');
  const [error, setError] = useState<Error | null>(null);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => setPresent(initial()), [committee]);
  const all = [...regular, ...deputies];
  const toggle = (set: Set<string>, id: string, on: boolean) => {
    const s = new Set(set);
    if (on) s.add(id);
    else s.delete(id);
    return s;
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const body: OpenMeeting = {
        present: all.filter((m) => present.has(m.id)).map((m) => m.id),
        absent: all.filter((m) => !present.has(m.id) && m.role !== 'deputy').map((m) => m.id),
        guests: lines(guests),
        secretariat: lines(staff),
        remote: all.filter((m) => present.has(m.id) && remote.has(m.id)).map((m) => m.id),
      };
      const a = await post<{ position: number }>(`/api/meetings/${encodeURIComponent(meeting.id)}/open`, body, meeting.revision !== undefined ? `"${meeting.revision}"` : null);
      onDone(a.data.position);
    } catch (err) {
      setError(err as Error);
    }
  };
  const apiError = error instanceof ApiError ? error : null;
  const row = (m: Member) => (
    <div key={m.id} className="attendee" data-member={m.id}>
      <Checkbox value={m.id} label={memberLabel(m, members, t)} checked={present.has(m.id)} onChange={(e) => setPresent(toggle(present, m.id, e.target.checked))} data-present={m.id} />
      {present.has(m.id) ? (
        <Checkbox value={`remote-${m.id}`} label={t('remoteOf', { name: m.name })} checked={remote.has(m.id)} onChange={(e) => setRemote(toggle(remote, m.id, e.target.checked))} data-remote={m.id} />
      ) : null}
    </div>
  );
  return (
    <form onSubmit={submit} className="command-form" id="attendance" noValidate>
      <ProblemAlert error={error} />
      <Fieldset data-field="present">
        <Fieldset.Legend>{t('present')}</Fieldset.Legend>
        {regular.map(row)}
      </Fieldset>
      {deputies.length ? (
        <Fieldset data-field="deputies">
          <Fieldset.Legend>{t('deputies')}</Fieldset.Legend>
          {deputies.map(row)}
        </Fieldset>
      ) : null}
      <TextField label={t('staffPresent')} name="secretariat" multiline value={staff} onChange={setStaff} error={apiError} />
      <TextField label={t('guests')} name="guests" multiline value={guests} onChange={setGuests} error={apiError} />
      <Button type="submit">{t('openTheMeeting')}</Button>
    </form>
  );
}

const CHANGE_FIELDS: Record<string, Key> = { date: 'date', endDate: 'endDate', startTime: 'startTime', endTime: 'endTime', place: 'place', format: 'format' };

/** *Endre møtet*: only the fields filled in are sent (PATCH); the API's errors beside them. */
export function ChangeMeetingForm({ meeting, onDone }: { meeting: MeetingDoc; onDone(p: number, what: 'changed' | 'cancelled'): void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState<'edit' | 'cancel' | null>(null);
  const [v, setV] = useState<Record<string, string>>({});
  const [reason, setReason] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const allowed = meeting.allowedCommands ?? [];
  const submitEdit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const body: ChangeMeeting = {};
    for (const k of Object.keys(CHANGE_FIELDS) as (keyof ChangeMeeting)[]) if (v[k]) (body as Record<string, string>)[k] = v[k]!;
    try {
      const a = await request<MeetingWriteResult>('PATCH', `/api/meetings/${encodeURIComponent(meeting.id)}`, { json: body, ifMatch: `"${meeting.revision}"` });
      setOpen(null);
      setV({});
      onDone(a.data.position, 'changed');
    } catch (err) {
      setError(err as Error);
    }
  };
  const submitCancel = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const body: CancelMeeting = { reason };
    try {
      const a = await post<MeetingWriteResult>(`/api/meetings/${encodeURIComponent(meeting.id)}/cancel`, body, `"${meeting.revision}"`);
      setOpen(null);
      onDone(a.data.position, 'cancelled');
    } catch (err) {
      setError(err as Error);
    }
  };
  const apiError = error instanceof ApiError ? error : null;
  if (!allowed.includes('edit') && !allowed.includes('cancel')) return null;
  return (
    <>
      <div className="buttons" role="group" aria-label={t('editMeeting')}>
        {allowed.includes('edit') ? (
          <Button variant={open === 'edit' ? 'primary' : 'secondary'} aria-expanded={open === 'edit'} id="edit-meeting-button" onClick={() => setOpen(open === 'edit' ? null : 'edit')}>
            {t('editMeeting')}
          </Button>
        ) : null}
        {allowed.includes('cancel') ? (
          <Button variant="secondary" data-color="danger" aria-expanded={open === 'cancel'} id="cancel-meeting-button" onClick={() => setOpen(open === 'cancel' ? null : 'cancel')}>
            {t('cancelMeeting')}
          </Button>
        ) : null}
      </div>
      {open === 'edit' ? (
        <form onSubmit={submitEdit} className="command-form" id="edit-meeting" noValidate>
          <ProblemAlert error={error} />
          <Paragraph data-size="sm">{t('editMeetingHelp')}</Paragraph>
          <TextField label={t('date')} name="date" type="date" value={v.date ?? ''} error={apiError} onChange={(x) => setV({ ...v, date: x })} />
          <TextField label={t('endDate')} name="endDate" type="date" value={v.endDate ?? ''} error={apiError} onChange={(x) => setV({ ...v, endDate: x })} />
          <TextField label={t('startTime')} name="startTime" type="time" value={v.startTime ?? ''} error={apiError} onChange={(x) => setV({ ...v, startTime: x })} />
          <TextField label={t('endTime')} name="endTime" type="time" value={v.endTime ?? ''} error={apiError} onChange={(x) => setV({ ...v, endTime: x })} />
          <TextField label={t('place')} name="place" value={v.place ?? ''} error={apiError} onChange={(x) => setV({ ...v, place: x })} />
          <SelectField
            label={t('format')}
            name="format"
            value={v.format ?? ''}
            error={apiError}
            onChange={(x) => setV({ ...v, format: x })}
            options={[{ value: '', label: t('dash') }, ...MEETING_FORMATS.map((x) => ({ value: x, label: t(`meetingFormat.${x}`) }))]}
          />
          <Button type="submit">{t('saveChanges')}</Button>
        </form>
      ) : null}
      {open === 'cancel' ? (
        <form onSubmit={submitCancel} className="command-form" id="cancel-meeting" noValidate>
          <ProblemAlert error={error} />
          <TextField label={t('reason')} name="reason" multiline required value={reason} error={apiError} onChange={setReason} />
          <Button type="submit" data-color="danger">
            {t('cancelMeeting')}
          </Button>
        </form>
      ) : null}
    </>
  );
}

/** The meeting's changes: after notice a changed notice (*Endret innkalling*), each field "before → after". */
export function Changes({ changes }: { changes: MeetingChange[] }) {
  const { t, lang } = useI18n();
  if (!changes.length) return null;
  const show = (field: string, x: string | undefined) => (x === undefined || x === null ? t('dash') : field === 'format' ? t(`meetingFormat.${x}` as Key) : /Date$|^date$/.test(field) ? formatDate(x, lang) : x);
  const after = changes.some((c) => c.afterNotice);
  return (
    <section aria-labelledby="changes-h" className="changes" data-changed-notice={after ? 'true' : 'false'}>
      <h2 id="changes-h">{after ? t('changedNotice') : t('meetingChanges')}</h2>
      <ul>
        {changes.map((c, i) => (
          <li key={i} data-after-notice={c.afterNotice ? 'true' : 'false'}>
            {!c.afterNotice ? <em>{t('changedBeforeNotice')}: </em> : null}
            {Object.keys(c.changes)
              .map((f) => `${t(CHANGE_FIELDS[f] ?? (f as Key))}: ${show(f, c.previous[f])} → ${show(f, c.changes[f])}`)
              .join('; ')}
            {c.at ? ` (${formatDate(c.at, lang)})` : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

