/**
 * What a committee decides beyond "endorse" or "note" (API.md "Votes, dissent, sub-items,
 * referral" and "Written procedure"), as the Sak page and møtemodus show it: the vote (tally and
 * names), dissent, the paper's sub-items with their vedtak, the cited sub-items, the referral
 * (*Oversendt fra*), and the written procedure (status, answers and tally, a member's answer).
 * Who may vote or dissent is read from the meeting's attendance; the API decides (400 naming each
 * voter it refuses), the page only offers the present ones.
 */
import { Button, Fieldset, Paragraph, Radio } from '@digdir/designsystemet-react';
import { useState, type FormEvent } from 'react';
import { ApiError, post } from '../api/client';
import type { CaseDoc, Committee, Minutes, MinutesMember, Schemas } from '../api/types';
import { formatTime, useI18n } from '../i18n';
import { href } from '../router';
import { ProblemAlert, TextField } from './ui';

type Named = Schemas['NamedMemberDoc'];
type Option = { value: string; label: string };

const nameOf = (m: { name: string; organisation: string }) => (m.organisation ? `${m.name} (${m.organisation})` : m.name);

/** Present and entitled to vote: a chair or member, or a deputy standing in for an absent member. */
export function voterOptions(minutes: Minutes | null | undefined): Option[] {
  const present = minutes?.attendance?.present ?? [];
  return present.filter((m: MinutesMember) => m.role === 'chair' || m.role === 'member' || m.standingInFor).map((m) => ({ value: m.id, label: nameOf(m) }));
}

/** Who may dissent in a meeting: the members present (deputies standing in included). */
export const presentMemberOptions = voterOptions;

/** Who may dissent in a written procedure: the committee's chair and members (and deputies). */
export function committeeMemberOptions(committee: Committee | null | undefined): Option[] {
  return (committee?.members ?? []).filter((m) => m.role !== 'observer').map((m) => ({ value: m.id, label: nameOf(m) }));
}

function Names({ list }: { list: Named[] }) {
  const { t } = useI18n();
  return <>{list.length ? list.map((m) => nameOf(m) + (m.standingInFor ? ` (${t('standingInFor', { name: m.standingInFor })})` : '')).join(', ') : t('none')}</>;
}

/** Votering: "For (2): …", "Mot (1): …", "Avstår (0)". */
export function VotesView({ votes }: { votes: Schemas['VotesDoc'] }) {
  const { t } = useI18n();
  return (
    <div className="votes" data-votes>
      <strong>{t('voting')}</strong>
      <ul>
        <li data-vote="for">
          {t('votingFor', { n: votes.tally.for })}: <Names list={votes.for} />
        </li>
        <li data-vote="against">
          {t('votingAgainst', { n: votes.tally.against })}: <Names list={votes.against} />
        </li>
        <li data-vote="abstained">
          {t('votingAbstained', { n: votes.tally.abstained })}: <Names list={votes.abstained} />
        </li>
      </ul>
    </div>
  );
}

/** Dissens: "Name (Organisation): text". */
export function DissentView({ dissent }: { dissent: Schemas['DissentDoc'][] }) {
  const { t } = useI18n();
  if (!dissent.length) return null;
  return (
    <div className="dissent" data-dissent-list>
      <strong>{t('dissentLabel')}</strong>
      <ul>
        {dissent.map((d) => (
          <li key={d.memberId}>
            {nameOf(d)}: {d.text}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The sub-items (NR. 1 …) with their proposal and, once decided, their vedtak. */
export function ItemsView({ items }: { items: { label: string; title: string; proposedResolution?: string; resolution?: string }[] }) {
  const { t } = useI18n();
  if (!items.length) return null;
  return (
    <div className="sub-items" data-items>
      <strong>{t('paperItems')}</strong>
      <ol>
        {items.map((it) => (
          <li key={it.label} data-item={it.label}>
            <strong>{it.label}</strong> {it.title}
            {it.proposedResolution ? (
              <div>
                {t('proposedResolution')}: {it.proposedResolution}
              </div>
            ) : null}
            {it.resolution ? (
              <div className="resolution">
                {t('resolution')}: {it.resolution}
              </div>
            ) : null}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** The case's decision extras: sub-items with their vedtak, cited sub-items, vote, dissent, referral. */
export function CaseDecisionDetails({ doc }: { doc: CaseDoc }) {
  const { t } = useI18n();
  const resolved = doc.itemResolutions ?? [];
  const items = (doc.items ?? []).map((it) => ({ ...it, resolution: resolved.find((r) => r.label === it.label)?.resolution }));
  const r = doc.referral;
  return (
    <>
      <ItemsView items={items} />
      {doc.citedItems?.length ? (
        <div data-cited-items>
          <strong>{t('citedItems')}</strong>
          <ul>
            {doc.citedItems.map((c) => (
              <li key={c.citation}>
                <a href={href({ view: 'sak', id: c.caseId })}>{c.citation}</a> {c.title}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {doc.votes ? <VotesView votes={doc.votes} /> : null}
      {doc.dissent?.length ? <DissentView dissent={doc.dissent} /> : null}
      {r ? (
        <div className="referral" data-referral>
          <strong>
            {t('referralFrom', { c: `${r.committee}${r.number ? ` ${r.number}` : ''}` })}
          </strong>{' '}
          (<a href={href({ view: 'sak', id: r.fromCaseId })}>{t('openCase')}</a>)
          <dl className="paper">
            {r.resolution ? (
              <>
                <dt>{t('resolution')}</dt>
                <dd>
                  {r.resolution}
                  {r.conditions ? <em> {r.conditions}</em> : null}
                </dd>
              </>
            ) : null}
            {r.input?.length ? (
              <>
                <dt>{t('input')}</dt>
                <dd>
                  <ul>
                    {r.input.map((x, i) => (
                      <li key={i}>{x}</li>
                    ))}
                  </ul>
                </dd>
              </>
            ) : null}
            {r.reason ? (
              <>
                <dt>{t('referralReason')}</dt>
                <dd>{r.reason}</dd>
              </>
            ) : null}
          </dl>
          {r.dissent?.length ? <DissentView dissent={r.dissent} /> : null}
        </div>
      ) : null}
    </>
  );
}

/** Skriftlig behandling on the case: deadline and state; answers and tally (the committee's); a member's answer. */
export function WrittenProcedurePanel({ caseId, wp, canAnswer, onAnswered }: { caseId: string; wp: Schemas['WrittenProcedureDoc']; canAnswer: boolean; onAnswered(position: number): void }) {
  const { t, lang } = useI18n();
  const [answer, setAnswer] = useState<'agree' | 'disagree' | ''>('');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSent(false);
    try {
      const body: Schemas['WrittenAnswerDto'] = { answer: answer as 'agree' | 'disagree', ...(comment.trim() ? { comment: comment.trim() } : {}) };
      const a = await post<{ position: number }>(`/api/cases/${encodeURIComponent(caseId)}/written-procedure/responses`, body);
      setSent(true);
      onAnswered(a.data.position);
    } catch (err) {
      setError(err);
    }
  };
  const apiError = error instanceof ApiError ? error : null;
  const open = !wp.concludedAt;
  return (
    <section aria-labelledby="written-h" data-written-procedure={open ? 'open' : 'concluded'}>
      <h2 id="written-h">{t('writtenProcedure')}</h2>
      <Paragraph>{open ? t('writtenOpen', { d: wp.deadline }) : t('writtenConcluded', { d: formatTime(wp.concludedAt!, lang) })}</Paragraph>
      {wp.tally ? <Paragraph data-written-tally>{t('writtenTally', { a: wp.tally.agree, d: wp.tally.disagree })}</Paragraph> : null}
      {wp.answers?.length ? (
        <>
          <h3>{t('writtenAnswers')}</h3>
          <ul data-written-answers>
            {wp.answers.map((a) => (
              <li key={a.memberId}>
                {nameOf(a)}: <strong>{t(`answer.${a.answer}`)}</strong>
                {a.comment ? ` – ${a.comment}` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {open && canAnswer ? (
        <form className="command-form" id="written-answer" onSubmit={submit} noValidate>
          <ProblemAlert error={error} />
          <Fieldset data-field="answer">
            <Fieldset.Legend>{t('answer')}</Fieldset.Legend>
            <Radio name="answer" value="agree" label={t('answer.agree')} checked={answer === 'agree'} onChange={() => setAnswer('agree')} />
            <Radio name="answer" value="disagree" label={t('answer.disagree')} checked={answer === 'disagree'} onChange={() => setAnswer('disagree')} />
            {apiError?.field('answer') ? <p className="field-error">{apiError.field('answer')}</p> : null}
          </Fieldset>
          <TextField label={t('comment')} name="comment" multiline value={comment} onChange={setComment} error={apiError} />
          <div className="buttons">
            <Button type="submit">{t('sendAnswer')}</Button>
          </div>
          {sent ? (
            <p role="status" className="note">
              {t('answerSent')}
            </p>
          ) : null}
        </form>
      ) : null}
    </section>
  );
}
