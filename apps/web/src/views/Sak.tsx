/**
 * Sak: the case paper (from the case and its drafting/editing events), the timeline of events
 * (who, when, what changed), the case machine with the current state lit, and the allowed
 * commands (the API's `allowedCommands`) as buttons that open forms; the API's validation errors
 * show beside their fields. Live: the case's meeting feed (and the decisions feed) say when it
 * changed; the case is then read at that change's position.
 */
import { Button, Heading, Paragraph, Table, Tag } from '@digdir/designsystemet-react';
import { useRef, useState, type FormEvent } from 'react';
import { ApiError, authHeaders, getBlob, request, saveBlob } from '../api/client';
import { useCommittees, useGet } from '../api/hooks';
import { useFeed } from '../api/live';
import type { CaseDoc, Committee, DecisionRow, HistoryEntry, MeetingSummary, Minutes } from '../api/types';
import { useAuth } from '../auth';
import { caseCommandSpec, CommandForm, paperItemValues } from '../components/commands';
import { CaseDecisionDetails, committeeMemberOptions, presentMemberOptions, voterOptions, WrittenProcedurePanel } from '../components/decisions';
import { MachineDiagram } from '../components/MachineDiagram';
import { CaseStateTag, Loading, ProblemAlert } from '../components/ui';
import { formatTime, useI18n, type Key } from '../i18n';
import { go, href } from '../router';

const PAPER_FIELDS = ['purpose', 'background', 'caseOfficer', 'responsible'] as const;

function paperOf(history: HistoryEntry[]): Record<string, unknown> {
  const paper: Record<string, unknown> = {};
  for (const h of history) if (h.type === 'CaseDrafted' || h.type === 'CasePaperEdited') Object.assign(paper, h.data);
  return paper;
}

type Attachment = CaseDoc['attachments'][number];

/** Vedlegg: the case's attachments (download with the token), and upload/remove while the paper may change. */
function Attachments({ caseId, list, editable, onChanged }: { caseId: string; list: Attachment[]; editable: boolean; onChanged(position: number): void }) {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<unknown>(null);
  const base = `/api/cases/${encodeURIComponent(caseId)}/attachments`;
  const upload = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setError(null);
    try {
      const res = await fetch(`${base}?filename=${encodeURIComponent(file.name)}`, {
        method: 'POST',
        headers: { 'content-type': file.type || 'application/octet-stream', accept: 'application/json', ...authHeaders() },
        body: file,
      });
      const body = await res.json();
      if (!res.ok) throw new ApiError({ title: res.statusText, status: res.status, ...body });
      setFile(null);
      onChanged(Number(body.position));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-labelledby="attachments-h">
      <h2 id="attachments-h">{t('attachments')}</h2>
      {list.length === 0 ? <Paragraph>{t('none')}</Paragraph> : null}
      <ul className="attachments">
        {list.map((a) => (
          <li key={a.id} data-attachment={a.id}>
            {a.filename} ({t('bytes', { n: a.size })}){' '}
            <Button variant="tertiary" data-size="sm" onClick={() => getBlob(`${base}/${encodeURIComponent(a.id)}`, '*/*').then((b) => saveBlob(b, a.filename), setError)}>
              {t('download')} <span className="visually-hidden">{a.filename}</span>
            </Button>
            {editable ? (
              <Button
                variant="tertiary"
                data-size="sm"
                data-color="danger"
                onClick={() => request<{ position: number }>('DELETE', `${base}/${encodeURIComponent(a.id)}`).then((r) => onChanged(r.data.position), setError)}
              >
                {t('remove')} <span className="visually-hidden">{a.filename}</span>
              </Button>
            ) : null}
          </li>
        ))}
      </ul>
      {editable ? (
        <form onSubmit={upload} className="command-form" id="attach">
          <label htmlFor="attach-file">{t('attachFile')}</label>
          <input id="attach-file" type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          <Button type="submit" disabled={!file}>
            {t('upload')}
          </Button>
        </form>
      ) : null}
      <ProblemAlert error={error} />
    </section>
  );
}

export function Sak({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const auth = useAuth();
  const path = `/api/cases/${encodeURIComponent(id)}`;
  const c = useGet<CaseDoc>(path);
  const history = useGet<HistoryEntry[]>(auth.signedIn ? `${path}/history` : null);
  const committees = useCommittees();
  const doc = c.data;
  const meetings = useGet<MeetingSummary[]>(doc && auth.signedIn ? `/api/committees/${encodeURIComponent(doc.committee)}/meetings` : null);
  const [open, setOpen] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const lastRow = useRef<string | null>(null);
  // the meeting's minutes (its attendance: who may vote and dissent) and the committee (written procedure: its members dissent)
  const [minutes, setMinutes] = useState<Minutes | null>(null);
  const committeeDoc = useGet<Committee>(doc && auth.signedIn ? `/api/committees/${encodeURIComponent(doc.committee)}` : null);
  const reload = (p: number) => {
    void c.reload(p);
    void history.reload(p);
  };
  useFeed<Minutes | null, Minutes | null>(doc?.meetingId ? `/api/live/meetings/${encodeURIComponent(doc.meetingId)}` : null, {
    onSnapshot: (m) => {
      setMinutes(m);
      lastRow.current = JSON.stringify(m?.cases.find((x) => x.caseId === id) ?? null);
    },
    onChange: (m, p) => {
      setMinutes(m);
      // only when this case's row in the minutes changed
      const row = JSON.stringify(m?.cases.find((x) => x.caseId === id) ?? null);
      if (row !== lastRow.current) reload(p);
      lastRow.current = row;
    },
  });
  useFeed<DecisionRow[], DecisionRow[]>('/api/live/decisions', {
    onSnapshot: () => {},
    onChange: (rows, p) => {
      if (rows.some((r) => r.caseId === id)) reload(p);
    },
  });
  if (c.error) return <ProblemAlert error={c.error} />;
  if (!doc) return <Loading />;
  const paper = paperOf(history.data ?? []);
  const etag = c.answer?.etag ?? null;
  // planned meetings take the case on their agenda; noticed and in-session ones as a late case (tilleggssak)
  const lateIds = new Set((meetings.data ?? []).filter((m) => m.state === 'noticed' || m.state === 'in_session').map((m) => m.id));
  const meetingOptions = (meetings.data ?? [])
    .filter((m) => m.state === 'planned' || lateIds.has(m.id))
    .map((m) => {
      const label = `${t('meetingN', { n: m.number })} (${m.date})`;
      return { value: m.id, label: lateIds.has(m.id) ? t('lateOption', { label }) : label };
    });
  // refer goes to another committee (the API refuses its own)
  const committeeOptions = committees.filter((x) => x.code !== doc.committee).map((x) => ({ value: x.code, label: `${x.code} – ${x.name}` }));
  const commands = doc.allowedCommands ?? [];
  const written = !doc.meetingId && !!doc.writtenProcedure;
  const items = (doc.items ?? []).map((it) => ({ label: it.label, title: it.title }));
  const itemInitial = Object.fromEntries((doc.items ?? []).map((it, i) => [`items[${i}].resolution`, it.proposedResolution ?? '']));
  return (
    <>
      <Heading level={1} tabIndex={-1}>
        {doc.number ? `${t('caseN', { n: String(doc.number) })}: ` : ''}
        {doc.title}
      </Heading>
      <Paragraph>
        <CaseStateTag state={doc.state} /> · {t(`caseType.${doc.type}` as Key)} · {doc.committee}
        {doc.meetingId ? (
          <>
            {' '}
            · <a href={href({ view: 'mote', id: doc.meetingId })}>{t('meeting')}</a>
          </>
        ) : null}
        {doc.recorded ? ` · ${t('recorded')}` : ''}
        {doc.exemption ? (
          <>
            {' '}
            <Tag data-color="warning">
              {t('exemptTag')} ({doc.exemption.basis})
            </Tag>
          </>
        ) : null}
      </Paragraph>
      {note ? (
        <p role="status" className="note">
          {note}
        </p>
      ) : null}
      <section aria-labelledby="paper-h">
        <h2 id="paper-h">{t('paper')}</h2>
        <dl className="paper">
          <dt>{t('proposedResolution')}</dt>
          <dd>{doc.proposedResolution || t('dash')}</dd>
          {doc.resolution ? (
            <>
              <dt>{t('resolution')}</dt>
              <dd className="resolution">{String(doc.resolution)}</dd>
            </>
          ) : null}
          {PAPER_FIELDS.filter((f) => paper[f]).map((f) => (
            <div key={f}>
              <dt>{t(f)}</dt>
              <dd>{String(paper[f])}</dd>
            </div>
          ))}
          {Array.isArray(paper.projectIds) && paper.projectIds.length ? (
            <>
              <dt>{t('projects')}</dt>
              <dd>{(paper.projectIds as string[]).join(', ')}</dd>
            </>
          ) : null}
          <dt>{t('matter')}</dt>
          <dd>{doc.matterId}</dd>
        </dl>
        <CaseDecisionDetails doc={doc} />
      </section>
      {doc.writtenProcedure ? (
        <WrittenProcedurePanel
          caseId={id}
          wp={doc.writtenProcedure}
          canAnswer={auth.signedIn && !commands.includes('endorse') && !commands.includes('note')}
          onAnswered={(p) => reload(p)}
        />
      ) : null}
      <Attachments
        caseId={id}
        list={doc.attachments}
        editable={auth.signedIn && commands.includes('edit')}
        onChanged={(p) => reload(p)}
      />
      <section aria-labelledby="commands-h">
        <h2 id="commands-h">{t('commands')}</h2>
        {commands.length === 0 || !auth.signedIn ? <Paragraph>{t('noCommands')}</Paragraph> : null}
        {auth.signedIn ? (
          <div className="buttons" role="group" aria-label={t('commands')}>
            {commands.map((cmd) => (
              <Button key={cmd} variant={open === cmd ? 'primary' : 'secondary'} aria-expanded={open === cmd} data-command-button={cmd} onClick={() => setOpen(open === cmd ? null : cmd)}>
                {t(`cmd.${cmd}` as Key)}
              </Button>
            ))}
          </div>
        ) : null}
        {open ? (
          <CommandForm
            key={open}
            spec={caseCommandSpec(open, {
              meetings: meetingOptions,
              committees: committeeOptions,
              typeLabel: (v) => t(`caseType.${v}` as Key),
              items,
              members: written ? committeeMemberOptions(committeeDoc.data) : presentMemberOptions(minutes),
              voters: voterOptions(minutes),
              referFromDiscussion: doc.state === 'discussion',
            })}
            path={open === 'edit' ? path : `${path}/${open}`}
            method={open === 'edit' ? 'PATCH' : 'POST'}
            ifMatch={etag}
            transform={open === 'schedule' ? (b) => (lateIds.has(String(b.meetingId)) ? { ...b, late: true } : b) : undefined}
            initial={
              open === 'endorse' || open === 'note'
                ? { resolution: doc.proposedResolution, ...itemInitial }
                : open === 'edit'
                  ? { title: doc.title, proposedResolution: doc.proposedResolution, purpose: String(paper.purpose ?? ''), background: String(paper.background ?? ''), ...paperItemValues('items', doc.items) }
                  : undefined
            }
            onCancel={() => setOpen(null)}
            onDone={(a) => {
              setOpen(null);
              setNote(`${t('done')}: ${t(`cmd.${open}` as Key)}`);
              if (a.data.referredCaseId) go({ view: 'sak', id: a.data.referredCaseId });
              else reload(a.data.position);
            }}
          />
        ) : null}
      </section>
      <section aria-labelledby="machine-h">
        <h2 id="machine-h">{t('machine')}</h2>
        <MachineDiagram current={doc.state} allowed={commands} />
      </section>
      <section aria-labelledby="history-h">
        <h2 id="history-h">{t('history')}</h2>
        {!auth.signedIn ? <Paragraph>{t('needsSignIn')}</Paragraph> : null}
        {history.error instanceof ApiError ? <ProblemAlert error={history.error} /> : null}
        {history.data ? (
          <div className="table-scroll" tabIndex={0} role="region" aria-label={t('history')}>
            <Table data-size="sm" className="history">
              <Table.Head>
                <Table.Row>
                  <Table.HeaderCell>{t('at')}</Table.HeaderCell>
                  <Table.HeaderCell>{t('event')}</Table.HeaderCell>
                  <Table.HeaderCell>{t('actor')}</Table.HeaderCell>
                  <Table.HeaderCell>{t('position', { p: '' }).trim()}</Table.HeaderCell>
                  <Table.HeaderCell>Data</Table.HeaderCell>
                </Table.Row>
              </Table.Head>
              <Table.Body>
                {history.data.map((h) => (
                  <Table.Row key={h.position} data-event={h.type}>
                    <Table.Cell>{formatTime(h.at, lang)}</Table.Cell>
                    <Table.Cell>{h.type}</Table.Cell>
                    <Table.Cell>{h.actor}</Table.Cell>
                    <Table.Cell>{h.position}</Table.Cell>
                    <Table.Cell>
                      <code className="data">{JSON.stringify(Object.fromEntries(Object.entries(h.data as Record<string, unknown>).filter(([k]) => k !== 'v')))}</code>
                    </Table.Cell>
                  </Table.Row>
                ))}
              </Table.Body>
            </Table>
          </div>
        ) : null}
      </section>
    </>
  );
}
