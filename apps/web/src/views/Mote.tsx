/**
 * Møte: the agenda, the notice (issue it; download the PDF, open the HTML), and, in session,
 * møtemodus for the secretary: attendance, then per case in agenda order present → record the
 * discussion and follow-ups → endorse / note, postpone, withdraw (N / P move between cases);
 * adjourn; the minutes as they are written, live over /api/live/meetings/{id} (each message is
 * the minutes JSON: it replaces the shown minutes). Approving the previous minutes is the
 * standard approval item: endorse it here like any case.
 * Also: the meeting's kind, format and days; *Endre møtet* (PATCH, while planned or noticed: after
 * notice the changes are a changed notice, *Endret innkalling*, listed here) and *Avlys møtet*
 * with a reason; attendance with deputies standing in (vara for …), remote members (digitalt),
 * staff present (sekretariat) and guests; the approval item names the meeting whose minutes it
 * approves and may approve them with corrections (*Godkjent med merknader*).
 */
import { Alert, Button, Heading, Paragraph, Tag } from '@digdir/designsystemet-react';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { get, getBlob, openBlob, post, request, saveBlob } from '../api/client';
import { useCommittees, useGet } from '../api/hooks';
import { useFeed } from '../api/live';
import type { CaseDoc, Committee, MeetingDoc, Minutes, MinutesCase } from '../api/types';
import { useAuth } from '../auth';
import { caseCommandSpec, CommandForm } from '../components/commands';
import { DissentView, ItemsView, presentMemberOptions, voterOptions, VotesView } from '../components/decisions';
import { CaseStateTag, Loading, MeetingStateTag, ProblemAlert } from '../components/ui';
import { meetingWhen } from './Arshjul';
import { Attendance, ChangeMeetingForm, Changes } from './MeetingForms';
import { formatDate, useI18n, type Key } from '../i18n';
import { href } from '../router';

const DONE = new Set(['endorsement', 'orientation', 'withdrawn', 'draft']);
const MODE_COMMANDS = ['present', 'record-discussion', 'endorse', 'note', 'postpone', 'withdraw', 'unschedule', 'refer', 'vote'];

function Documents({ meeting, kind }: { meeting: MeetingDoc; kind: 'notice' | 'minutes' }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const base = `/api/meetings/${encodeURIComponent(meeting.id)}/${kind}`;
  const file = `${kind === 'notice' ? 'innkalling' : 'referat'}-${meeting.committee}-${meeting.number.replace('/', '-')}`;
  const run = (f: () => Promise<void>) => () => f().catch(setError);
  return (
    <div className="buttons docs" data-docs={kind}>
      <Button variant="secondary" data-size="sm" onClick={run(async () => saveBlob(await getBlob(base, 'application/pdf'), `${file}.pdf`))}>
        {t('downloadPdf')} ({t(kind === 'notice' ? 'notice' : 'minutes')})
      </Button>
      <Button variant="secondary" data-size="sm" onClick={run(async () => openBlob(await getBlob(base, 'text/html')))}>
        {t('openHtml')} ({t(kind === 'notice' ? 'notice' : 'minutes')})
      </Button>
      <ProblemAlert error={error} />
    </div>
  );
}

/** One case in møtemodus: its allowed commands (from the API), each a form. */
function CasePanel({ item, approves, minutes, onDone }: { item: MinutesCase; approves?: ReactNode; minutes: Minutes | null; onDone(position: number, finished: boolean): void }) {
  const { t } = useI18n();
  const committees = useCommittees();
  const [doc, setDoc] = useState<CaseDoc | null>(null);
  const [etag, setEtag] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(
    async (minPosition?: number) => {
      try {
        const a = await get<CaseDoc>(`/api/cases/${encodeURIComponent(item.caseId)}`, minPosition ? { minPosition } : undefined);
        setDoc(a.data);
        setEtag(a.etag);
      } catch (e) {
        setError(e);
      }
    },
    [item.caseId],
  );
  useEffect(() => {
    void load();
    setOpen(null);
  }, [load, item.state]);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [item.caseId]);
  const allowed = (doc?.allowedCommands ?? []).filter((c) => MODE_COMMANDS.includes(c));
  return (
    <section className="case-panel" aria-labelledby="current-case-h" data-case={item.caseId}>
      <Heading level={3} id="current-case-h" ref={heading} tabIndex={-1}>
        {t('currentCase')}: {item.number ? t('caseN', { n: item.number }) : ''} {item.title}
      </Heading>
      <Paragraph>
        <CaseStateTag state={item.state} /> · {t(`caseType.${item.type}` as Key)} · <a href={href({ view: 'sak', id: item.caseId })}>{t('openCase')}</a>
      </Paragraph>
      {approves ? <Paragraph className="approves">{approves}</Paragraph> : null}
      <Paragraph>
        <strong>{t('proposedResolution')}:</strong> {item.proposedResolution || t('dash')}
      </Paragraph>
      {item.items?.length ? <ItemsView items={item.items} /> : null}
      {doc?.votes ? <VotesView votes={doc.votes} /> : null}
      <ProblemAlert error={error} />
      <div className="buttons" role="group" aria-label={t('commands')}>
        {allowed.map((c) => (
          <Button key={c} variant={open === c ? 'primary' : 'secondary'} aria-expanded={open === c} data-command-button={c} onClick={() => setOpen(open === c ? null : c)}>
            {t(`cmd.${c}` as Key)}
          </Button>
        ))}
      </div>
      {doc && allowed.length === 0 ? <Paragraph>{t('noCommands')}</Paragraph> : null}
      {open ? (
        <CommandForm
          key={open}
          spec={caseCommandSpec(open, {
            typeLabel: (v) => t(`caseType.${v}` as Key),
            committees: committees.filter((x) => x.code !== minutes?.committee).map((x) => ({ value: x.code, label: `${x.code} – ${x.name}` })),
            minutesApproval: item.standardItem === 'minutes-approval',
            items: (doc?.items ?? []).map((it) => ({ label: it.label, title: it.title })),
            members: item.standardItem ? [] : presentMemberOptions(minutes),
            voters: voterOptions(minutes),
            referFromDiscussion: item.state === 'discussion',
          })}
          path={`/api/cases/${encodeURIComponent(item.caseId)}/${open}`}
          ifMatch={etag}
          initial={
            open === 'endorse' || open === 'note'
              ? { resolution: item.proposedResolution, ...Object.fromEntries((doc?.items ?? []).map((it, i) => [`items[${i}].resolution`, it.proposedResolution ?? ''])) }
              : open === 'record-discussion'
                ? { summary: item.summary ?? '' }
                : undefined
          }
          onCancel={() => setOpen(null)}
          onDone={(a) => {
            setOpen(null);
            void load(a.data.position);
            onDone(a.data.position, DONE.has(a.data.state));
          }}
        />
      ) : null}
    </section>
  );
}

export function MinutesView({ minutes }: { minutes: Minutes }) {
  const { t, lang } = useI18n();
  const people = [...minutes.members, ...minutes.observers, ...(minutes.deputies ?? []), ...(minutes.attendance?.present ?? []), ...(minutes.attendance?.absent ?? [])];
  const nameOf = (id: string) => people.find((p) => p.id === id)?.name ?? id;
  return (
    <div className="minutes" data-status={minutes.status}>
      <Paragraph>
        <Tag data-color={minutes.status === 'approved' ? 'success' : 'warning'}>{t(`minutes.${minutes.status}` as Key)}</Tag>
        {minutes.approvedOn ? ` (${t('approvedOn', { d: formatDate(minutes.approvedOn, lang) })})` : null}
      </Paragraph>
      {minutes.approvedWithCorrections ? (
        <Paragraph className="approved-with-corrections">
          <strong>{t('approvedWithCorrections')}:</strong> {minutes.approvedWithCorrections}
        </Paragraph>
      ) : null}
      {minutes.attendance ? (
        <dl className="attendance">
          <dt>{t('present')}</dt>
          <dd data-attendance="present">
            {minutes.attendance.present
              .filter((m) => !m.standingInFor)
              .map((m) => `${m.name}${m.remote ? ` (${t('remote').toLowerCase()})` : ''}`)
              .join(', ') || t('none')}
          </dd>
          {minutes.attendance.present.some((m) => m.standingInFor) ? (
            <>
              <dt>{t('deputiesPresent')}</dt>
              <dd data-attendance="deputies">
                {minutes.attendance.present
                  .filter((m) => m.standingInFor)
                  .map((m) => `${m.name} (${t('standingInFor', { name: nameOf(m.standingInFor!) })})${m.remote ? ` (${t('remote').toLowerCase()})` : ''}`)
                  .join(', ')}
              </dd>
            </>
          ) : null}
          <dt>{t('absent')}</dt>
          <dd>{minutes.attendance.absent.map((m) => m.name).join(', ') || t('none')}</dd>
          {minutes.attendance.guests.length ? (
            <>
              <dt>{t('guests')}</dt>
              <dd>{minutes.attendance.guests.join(', ')}</dd>
            </>
          ) : null}
          {minutes.attendance.secretariat?.length ? (
            <>
              <dt>{t('secretariatPresent')}</dt>
              <dd data-attendance="secretariat">{minutes.attendance.secretariat.join(', ')}</dd>
            </>
          ) : null}
        </dl>
      ) : null}
      <ol className="minutes-cases">
        {minutes.cases.map((c) => (
          <li key={c.caseId} data-case={c.caseId}>
            <strong>
              {c.number ? t('caseN', { n: c.number }) : ''} {c.title}
            </strong>{' '}
            <CaseStateTag state={c.state} />
            {c.presenter ? <Paragraph data-size="sm">{t('presenter')}: {c.presenter}</Paragraph> : null}
            {c.summary ? (
              <Paragraph data-size="sm">
                {t('discussionLabel')}: {c.summary}
              </Paragraph>
            ) : null}
            {c.points.length ? (
              <ul>
                {c.points.map((p, i) => (
                  <li key={i}>{p}</li>
                ))}
              </ul>
            ) : null}
            {c.resolution ? (
              <Paragraph className="resolution">
                <strong>{t('resolution')}:</strong> {c.resolution}
                {c.conditions ? <em> {c.conditions}</em> : null}
              </Paragraph>
            ) : null}
            {(c.referrals ?? []).map((r, i) => (
              <Paragraph key={i} data-size="sm">
                <em>{t('referredTo', { c: r.committeeName && r.committeeName !== r.committee ? `${r.committee} (${r.committeeName})` : r.committee })}</em>
              </Paragraph>
            ))}
            {c.postponed ? (
              <Paragraph data-size="sm" className="mark">
                <em>{t('postponedMark')}:</em> {c.postponed.reason}
              </Paragraph>
            ) : null}
            {c.withdrawn ? (
              <Paragraph data-size="sm" className="mark">
                <em>{t('withdrawnMark')}:</em> {c.withdrawn.reason}
              </Paragraph>
            ) : null}
            {c.corrections ? (
              <Paragraph data-size="sm" className="corrections">
                <em>{t('corrections')}:</em> {c.corrections}
              </Paragraph>
            ) : null}
            {c.items?.length ? <ItemsView items={c.items} /> : null}
            {c.votes ? <VotesView votes={c.votes} /> : null}
            {c.dissent?.length ? <DissentView dissent={c.dissent} /> : null}
            {c.late ? (
              <Tag data-color="warning" data-size="sm">
                {t('late')}
              </Tag>
            ) : null}
            {c.followUps.length ? (
              <Paragraph data-size="sm">
                {t('followUpsLabel')}: {c.followUps.map((f) => f.text).join('; ')}
              </Paragraph>
            ) : null}
          </li>
        ))}
      </ol>
      {minutes.writtenProcedures?.length ? (
        <section aria-labelledby="written-minutes-h" data-written-minutes>
          <h3 id="written-minutes-h">{t('writtenInMinutes')}</h3>
          <ul>
            {minutes.writtenProcedures.map((w) => (
              <li key={w.caseId}>
                <a href={href({ view: 'sak', id: w.caseId })}>
                  {w.number ? t('caseN', { n: w.number }) : ''} {w.title}
                </a>{' '}
                ({w.concludedOn}) · {t('writtenTally', { a: w.tally.agree, d: w.tally.disagree })}
                <Paragraph data-size="sm" className="resolution">
                  <strong>{t('resolution')}:</strong> {w.resolution}
                </Paragraph>
                {w.dissent?.length ? <DissentView dissent={w.dissent} /> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

export function Mote({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const auth = useAuth();
  const meeting = useGet<MeetingDoc>(`/api/meetings/${encodeURIComponent(id)}`);
  const m = meeting.data;
  const committee = useGet<Committee>(m ? `/api/committees/${encodeURIComponent(m.committee)}` : null);
  const [minutes, setMinutes] = useState<Minutes | null>(null);
  const [currentId, setCurrentId] = useState<string | null>(null);
  const [advance, setAdvance] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState('');
  const knownState = useRef<string | null>(null);
  knownState.current = m?.state ?? null;
  useFeed<Minutes | null, Minutes | null>(m ? `/api/live/meetings/${encodeURIComponent(id)}` : null, {
    onSnapshot: (d) => setMinutes(d),
    onChange: (d, position) => {
      setMinutes(d);
      // the meeting's own state changed (by this page or another): its allowed commands with it
      if (d && d.state !== knownState.current) void meeting.reload(position);
    },
  }, auth.session);
  const cases: MinutesCase[] = minutes?.cases ?? [];
  const inSession = m?.state === 'in_session';
  const firstOpen = cases.find((c) => !DONE.has(c.state))?.caseId ?? cases[0]?.caseId ?? null;
  // møtemodus starts at the first case not yet dealt with, and moves on to it when a case is done
  useEffect(() => {
    if (!inSession || !cases.length) return;
    const cur = cases.find((c) => c.caseId === currentId);
    if (!cur || (advance && DONE.has(cur.state))) {
      setCurrentId(firstOpen);
      setAdvance(false);
    }
  }, [inSession, cases, currentId, advance, firstOpen]);
  const current = Math.max(0, cases.findIndex((c) => c.caseId === currentId));
  const setCurrent = (i: number) => setCurrentId(cases[Math.max(0, Math.min(cases.length - 1, i))]?.caseId ?? null);
  // N / P: next / previous case in møtemodus, when the focus is not in a field
  const nav = useRef(setCurrent);
  nav.current = setCurrent;
  const cur = useRef(current);
  cur.current = current;
  useEffect(() => {
    if (!inSession) return;
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement;
      if (e.ctrlKey || e.metaKey || e.altKey || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) || el.isContentEditable) return;
      if (e.key === 'n' || e.key === 'N') nav.current(cur.current + 1);
      if (e.key === 'p' || e.key === 'P') nav.current(cur.current - 1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [inSession]);
  if (meeting.error) return <ProblemAlert error={meeting.error} />;
  if (!m) return <Loading />;
  const allowed = m.allowedCommands ?? [];
  const command = async (c: 'notice' | 'adjourn') => {
    setError(null);
    try {
      const a = await post<{ position: number }>(`/api/meetings/${encodeURIComponent(id)}/${c}`, {}, `"${m.revision}"`);
      await meeting.reload(a.data.position);
    } catch (e) {
      setError(e);
    }
  };
  // before notice the meeting's own agenda (it is what a reorder answers); from notice on the minutes, live
  const agenda: { caseId: string; number: string | null; title: string; state: string; standardItem?: string | null; late?: boolean }[] =
    m.state !== 'planned' && minutes
      ? minutes.cases.map((c) => ({ caseId: c.caseId, number: c.number, title: c.title, state: c.state, standardItem: c.standardItem, late: c.late }))
      : m.agenda.map((a) => ({ ...a, number: a.number ?? null }));
  const canReorder = auth.signedIn && allowed.includes('reorder-agenda');
  const substantive = agenda.filter((a) => !a.standardItem).map((a) => a.caseId);
  const move = async (caseId: string, by: -1 | 1) => {
    const order = [...substantive];
    const i = order.indexOf(caseId);
    const j = i + by;
    if (i < 0 || j < 0 || j >= order.length) return;
    [order[i], order[j]] = [order[j]!, order[i]!];
    setError(null);
    try {
      const a = await request<MeetingDoc>('PUT', `/api/meetings/${encodeURIComponent(id)}/agenda`, { json: { order }, ifMatch: `"${m.revision}"` });
      meeting.setAnswer(a);
      // the focus stays with the moved case's button
      requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-move="${caseId}:${by}"]`)?.focus());
    } catch (e) {
      setError(e);
    }
  };
  const item = cases[current];
  // a minutes-approval item names the meeting whose minutes it approves (its agenda row; its title gives the date)
  const targets = new Map(m.agenda.filter((a) => a.approvesMinutesOf).map((a) => [a.caseId, a.approvesMinutesOf!]));
  const approvesOf = (caseId: string): ReactNode => {
    const target = targets.get(caseId);
    if (!target) return null;
    const d = target === m.previousMeetingId && m.previousMeetingDate ? formatDate(m.previousMeetingDate, lang) : target;
    return (
      <a href={href({ view: 'mote', id: target })} data-approves={target}>
        {t('approvesMinutesOf', { d })}
      </a>
    );
  };
  return (
    <>
      <Heading level={1} tabIndex={-1}>
        {t('meetingN', { n: m.number })} – {m.committee}
      </Heading>
      <Paragraph className="meeting-when">
        {meetingWhen(m, lang)} · {m.place} · <MeetingStateTag state={m.state} />
      </Paragraph>
      <Paragraph data-size="sm" className="meeting-kind">
        {t(`meetingKind.${m.kind}` as Key)} · {t(`meetingFormat.${m.format}` as Key)}
      </Paragraph>
      {m.state === 'cancelled' ? (
        <Alert data-color="danger" className="cancelled-reason">
          {t('cancelledBecause', { r: m.cancelledReason ?? t('dash') })}
        </Alert>
      ) : null}
      {message ? (
        <Alert data-color="success" role="status">
          {message}
        </Alert>
      ) : null}
      <ProblemAlert error={error} />
      <div className="buttons" role="group" aria-label={t('commands')}>
        {allowed.includes('notice') ? <Button onClick={() => command('notice')}>{t('issueNotice')}</Button> : null}
        {allowed.includes('adjourn') ? (
          <Button onClick={() => command('adjourn')} data-color="danger">
            {t('adjourn')}
          </Button>
        ) : null}
      </div>
      {auth.signedIn ? (
        <ChangeMeetingForm
          key={m.revision}
          meeting={m}
          onDone={(p, what) => {
            setMessage(t(what === 'changed' ? 'meetingChanged' : 'meetingCancelled'));
            void meeting.reload(p);
          }}
        />
      ) : null}
      <Changes changes={m.changes ?? []} />
      <section aria-labelledby="agenda-h">
        <h2 id="agenda-h">{t('agenda')}</h2>
        {agenda.length === 0 && m.state === 'planned' && !auth.signedIn ? <Paragraph>{t('noticeFirst')}</Paragraph> : null}
        <ol className="agenda">
          {agenda.map((a, i) => (
            <li key={a.caseId} data-case={a.caseId} aria-current={inSession && i === current ? 'step' : undefined}>
              {inSession && auth.signedIn ? (
                <button type="button" className="linklike" onClick={() => setCurrent(i)}>
                  {a.number ? t('caseN', { n: a.number }) : ''} {a.title}
                </button>
              ) : (
                <a href={href({ view: 'sak', id: a.caseId })}>
                  {a.number ? t('caseN', { n: a.number }) : ''} {a.title}
                </a>
              )}{' '}
              <CaseStateTag state={a.state} />
              {approvesOf(a.caseId) ? <span className="approves"> {approvesOf(a.caseId)}</span> : null}
              {a.late ? (
                <Tag data-color="warning" data-size="sm">
                  {t('late')}
                </Tag>
              ) : null}
              {canReorder && !a.standardItem ? (
                <span className="reorder">
                  <Button variant="tertiary" data-size="sm" data-move={`${a.caseId}:-1`} disabled={substantive.indexOf(a.caseId) === 0} aria-label={t('moveUp', { title: a.title })} onClick={() => move(a.caseId, -1)}>
                    ↑
                  </Button>
                  <Button variant="tertiary" data-size="sm" data-move={`${a.caseId}:1`} disabled={substantive.indexOf(a.caseId) === substantive.length - 1} aria-label={t('moveDown', { title: a.title })} onClick={() => move(a.caseId, 1)}>
                    ↓
                  </Button>
                </span>
              ) : null}
            </li>
          ))}
        </ol>
      </section>
      {m.state !== 'planned' ? (
        <section aria-labelledby="notice-h">
          <h2 id="notice-h">{t('notice')}</h2>
          <Documents meeting={m} kind="notice" />
        </section>
      ) : null}
      {auth.signedIn && allowed.includes('open') ? (
        <section aria-labelledby="attendance-h">
          <h2 id="attendance-h">{t('attendance')}</h2>
          <Attendance meeting={m} committee={committee.data} onDone={(p) => void meeting.reload(p)} />
        </section>
      ) : null}
      {inSession && auth.signedIn && item ? (
        <section aria-labelledby="mode-h" className="meeting-mode">
          <h2 id="mode-h">{t('meetingMode')}</h2>
          <Paragraph data-size="sm">{t('meetingModeHelp')}</Paragraph>
          <div className="buttons">
            <Button variant="tertiary" disabled={current === 0} onClick={() => setCurrent(current - 1)}>
              {t('prevCase')}
            </Button>
            <Button variant="tertiary" disabled={current >= cases.length - 1} onClick={() => setCurrent(current + 1)}>
              {t('nextCase')}
            </Button>
          </div>
          <CasePanel
            key={item.caseId}
            item={item}
            minutes={minutes}
            approves={approvesOf(item.caseId)}
            onDone={(position, finished) => {
              void meeting.reload(position);
              if (finished) setAdvance(true);
            }}
          />
        </section>
      ) : null}
      {minutes && m.state !== 'planned' ? (
        <section aria-labelledby="minutes-h">
          <h2 id="minutes-h">{t('minutes')}</h2>
          <Documents meeting={m} kind="minutes" />
          <MinutesView minutes={minutes} />
        </section>
      ) : null}
    </>
  );
}
