/**
 * Oppfølging: the follow-ups promised in minutes, open ones by default. Live over
 * /api/live/followups (with the token: what GET /api/followups gives the caller): the snapshot is
 * the list, each change carries the follow-ups that changed (promised, met by a decided case,
 * closed), which replace their rows or go in last; the page's own *Lukk* arrives the same way. Each row shows its owner, due date and
 * *Forfalt* when it is open past its due date; the secretariat closes one no case will meet with
 * *Lukk* and a reason (POST /api/followups/{id}/close), shown on the row as *Lukket: …*.
 */
import { Button, Heading, Paragraph, Switch, Tag } from '@digdir/designsystemet-react';
import { useState, type FormEvent } from 'react';
import { ApiError, post } from '../api/client';
import { useFeed } from '../api/live';
import type { CloseFollowUp, FollowUp, FollowUpWriteResult } from '../api/types';
import { useAuth } from '../auth';
import { DataTable } from '../components/DataTable';
import { Loading, ProblemAlert, TextField } from '../components/ui';
import { formatDate, useI18n } from '../i18n';
import { href } from '../router';

function CloseForm({ row, onDone, onCancel }: { row: FollowUp; onDone(): void; onCancel(): void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const body: CloseFollowUp = { reason };
    try {
      await post<FollowUpWriteResult>(`/api/followups/${encodeURIComponent(row.id)}/close`, body);
      onDone();
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <form onSubmit={submit} className="command-form" id="close-follow-up" data-follow-up={row.id} noValidate aria-label={t('closeFollowUpOf', { text: row.text })}>
      <ProblemAlert error={error} />
      <TextField label={t('closeReason')} name="reason" multiline required autoFocus value={reason} error={error instanceof ApiError ? error : null} onChange={setReason} />
      <div className="buttons">
        <Button type="submit">{t('closeFollowUp')}</Button>
        <Button type="button" variant="tertiary" onClick={onCancel}>
          {t('cancel')}
        </Button>
      </div>
    </form>
  );
}

/** A change's follow-ups into the list: each replaces its row (by id); a new one goes last (oldest promise first). */
export function mergeFollowUps(rows: FollowUp[], changed: FollowUp[]): FollowUp[] {
  const out = [...rows];
  for (const c of changed) {
    const i = out.findIndex((r) => r.id === c.id);
    if (i >= 0) out[i] = c;
    else out.push(c);
  }
  return out;
}

export function Oppfolging() {
  const { t, lang } = useI18n();
  const [onlyOpen, setOnlyOpen] = useState(true);
  const auth = useAuth();
  const [all, setAll] = useState<FollowUp[] | null>(null);
  useFeed<FollowUp[], FollowUp[]>(
    '/api/live/followups',
    {
      onSnapshot: (rows) => setAll(rows),
      onChange: (changed) => setAll((prev) => mergeFollowUps(prev ?? [], changed)),
    },
    auth.session,
  );
  const rows = all && (onlyOpen ? all.filter((f) => f.open) : all);
  const [closing, setClosing] = useState<string | null>(null);
  const closingRow = rows?.find((r) => r.id === closing) ?? null;
  return (
    <>
      <Heading level={1} tabIndex={-1}>
        {t('view.oppfolging')}
      </Heading>
      <Paragraph>{t('oppfolgingIntro')}</Paragraph>
      <Switch label={t('onlyOpen')} checked={onlyOpen} onChange={(e) => setOnlyOpen(e.target.checked)} />
      {closingRow ? (
        <CloseForm
          key={closingRow.id}
          row={closingRow}
          onCancel={() => setClosing(null)}
          onDone={() => setClosing(null)}
        />
      ) : null}
      {!rows ? (
        <Loading />
      ) : rows.length === 0 ? (
        <Paragraph>{t('none')}</Paragraph>
      ) : (
        <DataTable
          rows={rows}
          rowKey={(f) => f.id}
          label={t('view.oppfolging')}
          className="followups"
          columns={[
            { header: 'text', cell: (f) => f.text },
            { header: 'committee', cell: (f) => f.committee },
            { header: 'view.sak', cell: (f) => <a href={href({ view: 'sak', id: f.caseId })}>{t('openCase')}</a> },
            { header: 'owner', cell: (f) => f.owner ?? t('dash') },
            { header: 'due', cell: (f) => (f.due ? formatDate(f.due, lang) : t('dash')) },
            {
              header: 'state',
              cell: (f) => (
                <>
                  {f.open ? (
                    f.overdue ? (
                      <Tag data-color="danger" data-overdue="true">
                        {t('overdue')}
                      </Tag>
                    ) : (
                      <Tag data-color="warning">{t('open')}</Tag>
                    )
                  ) : f.closed ? (
                    <Tag data-color="neutral" data-closed="true">
                      {t('closed')}
                    </Tag>
                  ) : (
                    <Tag data-color="success">{t('met')}</Tag>
                  )}
                  {f.closed ? <span className="closed-reason"> {t('closedBecause', { r: f.closed.reason })}</span> : null}
                  {f.open && auth.signedIn ? (
                    <>
                      {' '}
                      <Button variant="tertiary" data-size="sm" data-close={f.id} aria-label={t('closeFollowUpOf', { text: f.text })} aria-expanded={closing === f.id} onClick={() => setClosing(closing === f.id ? null : f.id)}>
                        {t('closeFollowUp')}
                      </Button>
                    </>
                  ) : null}
                  {f.metBy ? (
                    <>
                      {' '}
                      <a href={href({ view: 'sak', id: f.metBy })}>{t('openCase')}</a>
                    </>
                  ) : null}
                </>
              ),
            },
          ]}
        />
      )}
    </>
  );
}
