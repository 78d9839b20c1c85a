/**
 * Medlemmer: a committee's members with their role (leder, medlem, observatør, vara for …) and
 * term; the admin and the committee's secretariat add a member (role, deputyFor, from/to) and end
 * a membership (DELETE). The API's 400 field errors show beside their fields; a 409 (the same
 * person twice among the active members) beside the name. Former members are listed below.
 * The secretariat links a seat to the login its member signs in with (`PATCH … { userId }`, the
 * form `#link-login` under the table) and unlinks it; a 409 (another seat has that login) shows
 * beside the field. The sign-in column shows when signed in (the read carries `userId` only for
 * the committee's own readers).
 */
import { Alert, Button, Heading, Paragraph, Table } from '@digdir/designsystemet-react';
import { useState, type FormEvent } from 'react';
import { ApiError, post, request } from '../api/client';
import { useCommitteeChoice, useCommittees, useGet } from '../api/hooks';
import type { AddMember, Committee, LinkMemberLogin, Member, MemberRole, WriteResult } from '../api/types';
import { useAuth } from '../auth';
import { Loading, ProblemAlert, SelectField, TextField } from '../components/ui';
import { formatDate, useI18n, type Key } from '../i18n';

const ROLES: MemberRole[] = ['chair', 'member', 'observer', 'deputy'];

/** A 409 has no field: it is about the person, so it is shown beside the name. */
function withConflictOnName(e: Error | null): ApiError | null {
  if (!(e instanceof ApiError)) return null;
  if (e.status !== 409) return e;
  // a second seat for a sign-in identity ("user … signs in as …") is about the user id; the same person twice, about the name
  const field = /^user .* signs in as /.test(e.problem.detail ?? '') ? 'userId' : 'name';
  return new ApiError({ ...e.problem, errors: [...(e.problem.errors ?? []), { field, message: e.problem.detail ?? e.problem.title }] });
}

function AddMemberForm({ committee, onDone }: { committee: Committee; onDone(position: number, name: string): void }) {
  const { t } = useI18n();
  const [v, setV] = useState<{ name: string; organisation: string; role: MemberRole; deputyFor: string; from: string; to: string; userId: string }>({ name: '', organisation: '', role: 'member', deputyFor: '', from: '', to: '', userId: '' });
  const [error, setError] = useState<Error | null>(null);
  const regular = committee.members.filter((m) => m.role !== 'deputy');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const body: AddMember = { name: v.name, organisation: v.organisation, role: v.role };
    if (v.role === 'deputy' && v.deputyFor) body.deputyFor = v.deputyFor;
    if (v.from) body.from = v.from;
    if (v.to) body.to = v.to;
    if (v.userId.trim()) body.userId = v.userId.trim();
    try {
      const a = await post<WriteResult>(`/api/committees/${encodeURIComponent(committee.code)}/members`, body);
      onDone(a.data.position, v.name);
      setV({ name: '', organisation: '', role: 'member', deputyFor: '', from: '', to: '', userId: '' });
    } catch (err) {
      setError(err as Error);
    }
  };
  const apiError = withConflictOnName(error);
  return (
    <form onSubmit={submit} className="command-form" id="add-member" noValidate>
      <ProblemAlert error={error} />
      <TextField label={t('name')} name="name" required value={v.name} error={apiError} onChange={(name) => setV({ ...v, name })} />
      <TextField label={t('organisation')} name="organisation" required value={v.organisation} error={apiError} onChange={(organisation) => setV({ ...v, organisation })} />
      <SelectField label={t('role')} name="role" value={v.role} error={apiError} onChange={(role) => setV({ ...v, role: role as MemberRole })} options={ROLES.map((r) => ({ value: r, label: t(`role.${r}` as Key) }))} />
      {v.role === 'deputy' ? (
        <SelectField
          label={t('deputyFor')}
          name="deputyFor"
          value={v.deputyFor}
          error={apiError}
          onChange={(deputyFor) => setV({ ...v, deputyFor })}
          options={[{ value: '', label: t('dash') }, ...regular.map((m) => ({ value: m.id, label: `${m.name} (${m.organisation})` }))]}
        />
      ) : null}
      <TextField label={t('termFrom')} name="from" type="date" value={v.from} error={apiError} onChange={(from) => setV({ ...v, from })} />
      <TextField label={t('termTo')} name="to" type="date" value={v.to} error={apiError} onChange={(to) => setV({ ...v, to })} />
      <TextField label={t('memberUserId')} name="userId" description={t('memberUserIdHelp')} value={v.userId} error={apiError} onChange={(userId) => setV({ ...v, userId })} />
      <Button type="submit">{t('addMember')}</Button>
    </form>
  );
}

/** Link a seat to a login (prefilled with the one it has); a 409 is about the user id. */
function LinkLoginForm({ committee, member, onDone, onCancel }: { committee: Committee; member: Member; onDone(position: number, userId: string): void; onCancel(): void }) {
  const { t } = useI18n();
  const [userId, setUserId] = useState(member.userId ?? '');
  const [error, setError] = useState<Error | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const body: LinkMemberLogin = { userId: userId.trim() };
    try {
      const a = await request<WriteResult>('PATCH', `/api/committees/${encodeURIComponent(committee.code)}/members/${encodeURIComponent(member.id)}`, { json: body });
      onDone(a.data.position, body.userId ?? '');
    } catch (err) {
      setError(err as Error);
    }
  };
  const apiError = error instanceof ApiError && error.status === 409 ? new ApiError({ ...error.problem, errors: [{ field: 'userId', message: error.problem.detail ?? error.problem.title }] }) : error instanceof ApiError ? error : null;
  return (
    <section aria-labelledby="link-login-h">
      <h3 id="link-login-h">{t('linkLoginFor', { name: member.name })}</h3>
      <form onSubmit={submit} className="command-form" id="link-login" data-member={member.id} noValidate>
        <ProblemAlert error={error} />
        <TextField label={t('memberUserId')} name="userId" required autoFocus description={t('linkLoginHelp', { name: member.name })} value={userId} error={apiError} onChange={setUserId} />
        <div className="buttons">
          <Button type="submit">{t('linkLogin')}</Button>
          <Button type="button" variant="tertiary" onClick={onCancel}>
            {t('cancel')}
          </Button>
        </div>
      </form>
    </section>
  );
}

function MembersTable({ members, all, onEnd, onLink, onUnlink, caption }: { members: Member[]; all: Member[]; onEnd?(m: Member): void; onLink?(m: Member): void; onUnlink?(m: Member): void; caption: string }) {
  const { t, lang } = useI18n();
  const roleOf = (m: Member) => {
    if (m.role !== 'deputy') return t(`role.${m.role}` as Key);
    const of = all.find((x) => x.id === m.deputyFor);
    return `${t('role.deputy')} – ${t('deputyForName', { name: of?.name ?? m.deputyFor ?? t('dash') })}`;
  };
  const term = (m: Member) => (m.from || m.to ? `${m.from ? formatDate(m.from, lang) : ''} – ${m.to ? formatDate(m.to, lang) : ''}` : t('dash'));
  // the sign-in column beside the commands (signed in); the read carries userId for the committee's own readers
  const showLogin = !!onLink;
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={caption}>
      <Table data-size="sm" className="members">
        <Table.Head>
          <Table.Row>
            <Table.HeaderCell>{t('name')}</Table.HeaderCell>
            <Table.HeaderCell>{t('organisation')}</Table.HeaderCell>
            <Table.HeaderCell>{t('role')}</Table.HeaderCell>
            <Table.HeaderCell>{t('term')}</Table.HeaderCell>
            {showLogin ? <Table.HeaderCell>{t('memberLogin')}</Table.HeaderCell> : null}
            {onEnd ? <Table.HeaderCell>{t('commands')}</Table.HeaderCell> : null}
          </Table.Row>
        </Table.Head>
        <Table.Body>
          {members.map((m) => (
            <Table.Row key={m.id} data-member={m.id} data-role={m.role}>
              <Table.Cell>{m.name}</Table.Cell>
              <Table.Cell>{m.organisation}</Table.Cell>
              <Table.Cell>{roleOf(m)}</Table.Cell>
              <Table.Cell>{term(m)}</Table.Cell>
              {showLogin ? <Table.Cell data-login={m.userId ?? ''}>{m.userId ? <code>{m.userId}</code> : t('notLinked')}</Table.Cell> : null}
              {onEnd ? (
                <Table.Cell>
                  {onLink ? (
                    <Button variant="tertiary" data-size="sm" data-link={m.id} aria-label={t('linkLoginOf', { name: m.name })} onClick={() => onLink(m)}>
                      {t('linkLogin')}
                    </Button>
                  ) : null}
                  {onUnlink && m.userId ? (
                    <Button variant="tertiary" data-size="sm" data-unlink={m.id} aria-label={t('unlinkLoginOf', { name: m.name })} onClick={() => onUnlink(m)}>
                      {t('unlinkLogin')}
                    </Button>
                  ) : null}
                  <Button variant="tertiary" data-size="sm" data-color="danger" data-end={m.id} aria-label={t('endMemberOf', { name: m.name })} onClick={() => onEnd(m)}>
                    {t('endMember')}
                  </Button>
                </Table.Cell>
              ) : null}
            </Table.Row>
          ))}
        </Table.Body>
      </Table>
    </div>
  );
}

export function Medlemmer() {
  const { t } = useI18n();
  const auth = useAuth();
  const committees = useCommittees();
  const [code, setCode] = useCommitteeChoice(committees);
  const committee = useGet<Committee>(code ? `/api/committees/${encodeURIComponent(code)}` : null);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [linking, setLinking] = useState<Member | null>(null);
  const c = committee.data;
  const unlink = async (m: Member) => {
    setError(null);
    try {
      const body: LinkMemberLogin = { userId: null };
      const a = await request<WriteResult>('PATCH', `/api/committees/${encodeURIComponent(code)}/members/${encodeURIComponent(m.id)}`, { json: body });
      setMessage(t('loginUnlinked', { name: m.name }));
      if (linking?.id === m.id) setLinking(null);
      await committee.reload(a.data.position);
    } catch (e) {
      setError(e);
    }
  };
  const end = async (m: Member) => {
    setError(null);
    try {
      const a = await request<WriteResult>('DELETE', `/api/committees/${encodeURIComponent(code)}/members/${encodeURIComponent(m.id)}`);
      setMessage(t('memberEnded', { name: m.name }));
      await committee.reload(a.data.position);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <Heading level={1} tabIndex={-1}>
        {t('view.medlemmer')}
      </Heading>
      <Paragraph>{t('medlemmerIntro')}</Paragraph>
      <div className="filters">
        <SelectField label={t('committee')} name="committee" value={code} onChange={setCode} options={committees.map((x) => ({ value: x.code, label: `${x.code} – ${x.name}` }))} />
      </div>
      {message ? (
        <Alert data-color="success" role="status">
          {message}
        </Alert>
      ) : null}
      <ProblemAlert error={error ?? committee.error} />
      {!c ? (
        code ? <Loading /> : null
      ) : (
        <>
          <section aria-labelledby="members-h">
            <h2 id="members-h">{t('view.medlemmer')}</h2>
            {c.members.length ? (
              <MembersTable
                members={c.members}
                all={[...c.members, ...c.formerMembers]}
                onEnd={auth.signedIn ? end : undefined}
                onLink={auth.signedIn ? (m) => setLinking(m) : undefined}
                onUnlink={auth.signedIn ? unlink : undefined}
                caption={t('view.medlemmer')}
              />
            ) : (
              <Paragraph>{t('noMembers')}</Paragraph>
            )}
            {auth.signedIn && linking ? (
              <LinkLoginForm
                key={linking.id}
                committee={c}
                member={linking}
                onCancel={() => setLinking(null)}
                onDone={(p, userId) => {
                  setMessage(t('loginLinked', { name: linking.name, userId }));
                  setLinking(null);
                  void committee.reload(p);
                }}
              />
            ) : null}
          </section>
          {auth.signedIn ? (
            <section aria-labelledby="add-member-h">
              <h2 id="add-member-h">{t('addMember')}</h2>
              <AddMemberForm
                committee={c}
                onDone={(p, name) => {
                  setMessage(t('memberAdded', { name }));
                  void committee.reload(p);
                }}
              />
            </section>
          ) : null}
          {c.formerMembers.length ? (
            <section aria-labelledby="former-h">
              <h2 id="former-h">{t('formerMembers')}</h2>
              <MembersTable members={c.formerMembers} all={[...c.members, ...c.formerMembers]} caption={t('formerMembers')} />
            </section>
          ) : null}
        </>
      )}
    </>
  );
}
