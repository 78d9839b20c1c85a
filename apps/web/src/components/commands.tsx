/**
 * The case commands as forms: one table of the fields each command's body has (the DTOs of
 * apps/api/src/cases), and one form that sends it and shows the API's validation errors beside
 * the fields, or the refusal (409 with what is allowed now, 412, …) above them. Used by the Sak
 * view (every allowed command) and by møtemodus (the meeting's commands in agenda order).
 */
import { Button, Fieldset } from '@digdir/designsystemet-react';
import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, request, type Answer } from '../api/client';
import type { FollowUpInput } from '../api/types';
import { useT, type Key } from '../i18n';
import { lines, ProblemAlert, SelectField, TextField } from './ui';

export type FieldSpec =
  | { name: string; label: Key; kind: 'text' | 'multiline' | 'date' | 'time'; required?: boolean }
  | { name: string; label: Key; kind: 'lines' }
  /** follow-ups, each `{ text, owner?, due? }`: rows of three fields, `name[i].text` … (the API's error fields) */
  | { name: string; label: Key; kind: 'followups' }
  | { name: string; label: Key; kind: 'select'; options: { value: string; label: string }[]; required?: boolean }
  /** the paper's numbered sub-items, each `{ label, title, proposedResolution? }`: rows `items[i].label` … */
  | { name: string; label: Key; kind: 'paperItems' }
  /** the per-item vedtak on endorse/note: one field per sub-item of the paper, `items[i].resolution` */
  | { name: string; label: Key; kind: 'itemResolutions'; items: { label: string; title: string }[] }
  /** dissens: rows of a member (present ones) and the text, `dissent[i].memberId` / `.text` */
  | { name: string; label: Key; kind: 'dissent'; members: { value: string; label: string }[] }
  /** votering: per entitled voter for / against / abstained / no vote; sent as `{ for, against, abstained }` */
  | { name: string; label: Key; kind: 'votes'; voters: { value: string; label: string }[] };

export interface CommandSpec {
  /** POST /api/cases/{id}/{command}, or PATCH for `edit`. */
  command: string;
  label: Key;
  fields: FieldSpec[];
  tone?: 'primary' | 'secondary' | 'danger';
}

export const CASE_TYPE_VALUES = ['approval', 'orientation', 'endorsement', 'discussion'] as const;

export function caseCommandSpec(
  command: string,
  ctx: {
    meetings?: { value: string; label: string }[];
    committees?: { value: string; label: string }[];
    typeLabel?: (t: string) => string;
    minutesApproval?: boolean;
    /** the paper's sub-items (per-item vedtak on endorse/note) */
    items?: { label: string; title: string }[];
    /** who may dissent (present members; in a written procedure the committee's members) */
    members?: { value: string; label: string }[];
    /** who may vote (present and entitled: members, deputies standing in) */
    voters?: { value: string; label: string }[];
    /** refer from discussion: a reason is required */
    referFromDiscussion?: boolean;
  },
): CommandSpec {
  const decisionExtras: FieldSpec[] = [
    ...(ctx.items?.length ? [{ name: 'items', label: 'itemResolutions' as Key, kind: 'itemResolutions' as const, items: ctx.items }] : []),
    ...(ctx.members?.length ? [{ name: 'dissent', label: 'dissentLabel' as Key, kind: 'dissent' as const, members: ctx.members }] : []),
  ];
  const types = CASE_TYPE_VALUES.map((v) => ({ value: v, label: ctx.typeLabel ? ctx.typeLabel(v) : v }));
  switch (command) {
    case 'schedule':
      return { command, label: 'cmd.schedule', fields: [{ name: 'meetingId', label: 'meetingId', kind: 'select', options: ctx.meetings ?? [], required: true }] };
    case 'present':
      return { command, label: 'cmd.present', fields: [{ name: 'presenter', label: 'presenter', kind: 'text', required: true }], tone: 'primary' };
    case 'record-discussion':
      return {
        command,
        label: 'cmd.record-discussion',
        fields: [
          { name: 'summary', label: 'summary', kind: 'multiline' },
          { name: 'points', label: 'points', kind: 'lines' },
          { name: 'followUps', label: 'followUps', kind: 'followups' },
        ],
      };
    case 'endorse':
      // the approval of minutes: approved as they are, or with corrections (godkjent med merknader)
      if (ctx.minutesApproval)
        return {
          command,
          label: 'cmd.endorse',
          fields: [
            { name: 'resolution', label: 'resolution', kind: 'multiline', required: true },
            { name: 'corrections', label: 'corrections', kind: 'multiline' },
          ],
          tone: 'primary',
        };
      return {
        command,
        label: 'cmd.endorse',
        fields: [
          { name: 'resolution', label: 'resolution', kind: 'multiline', required: true },
          { name: 'conditions', label: 'conditions', kind: 'multiline' },
          ...decisionExtras,
        ],
        tone: 'primary',
      };
    case 'note':
      return {
        command,
        label: 'cmd.note',
        fields: [
          { name: 'resolution', label: 'resolution', kind: 'multiline', required: true },
          { name: 'input', label: 'input', kind: 'lines' },
          ...decisionExtras,
        ],
      };
    case 'vote':
      return { command, label: 'cmd.vote', fields: [{ name: 'votes', label: 'votesLabel', kind: 'votes', voters: ctx.voters ?? [] }], tone: 'primary' };
    case 'written-procedure':
      return { command, label: 'cmd.written-procedure', fields: [{ name: 'deadline', label: 'deadline', kind: 'date', required: true }] };
    case 'refer':
      return {
        command,
        label: 'cmd.refer',
        fields: [
          { name: 'toCommittee', label: 'toCommittee', kind: 'select', options: ctx.committees ?? [], required: true },
          { name: 'type', label: 'type', kind: 'select', options: types, required: true },
          { name: 'reason', label: 'reason', kind: 'multiline', required: ctx.referFromDiscussion },
        ],
      };
    case 'edit':
      return {
        command,
        label: 'cmd.edit',
        fields: [
          { name: 'title', label: 'title', kind: 'text' },
          { name: 'proposedResolution', label: 'proposedResolution', kind: 'multiline' },
          { name: 'purpose', label: 'purpose', kind: 'multiline' },
          { name: 'background', label: 'background', kind: 'multiline' },
          { name: 'items', label: 'paperItems', kind: 'paperItems' },
        ],
      };
    case 'amend':
      return {
        command,
        label: 'cmd.amend',
        fields: [
          { name: 'reason', label: 'reason', kind: 'multiline', required: true },
          { name: 'resolution', label: 'resolution', kind: 'multiline' },
          { name: 'conditions', label: 'conditions', kind: 'multiline' },
          { name: 'summary', label: 'summary', kind: 'multiline' },
          { name: 'points', label: 'points', kind: 'lines' },
          { name: 'input', label: 'input', kind: 'lines' },
        ],
      };
    case 'unschedule':
    case 'postpone':
    case 'withdraw':
      return { command, label: `cmd.${command}` as Key, fields: [{ name: 'reason', label: 'reason', kind: 'multiline', required: true }], tone: command === 'withdraw' ? 'danger' : 'secondary' };
    default:
      // a command added to the API later: a form without fields until its row is added here
      return { command, label: `cmd.${command}` as Key, fields: [] };
  }
}

const followUpRows = (values: Record<string, string>, name: string) => Number(values[`${name}#`] ?? '1');

/** A form's values (keyed by the API's error field names, `name[i].sub`), their setter and the API's answer. */
interface FormState {
  values: Record<string, string>;
  set(v: Record<string, string>): void;
  error: ApiError | null;
}

/** One field bound to the form's values under `k` (its name: the API names its error by it). */
function Bound({ form, k, label, fallback = '', ...rest }: { form: FormState; k: string; label: string; fallback?: string; multiline?: boolean; type?: 'text' | 'date'; options?: { value: string; label: string }[] }) {
  const common = { label, name: k, value: form.values[k] ?? fallback, error: form.error, onChange: (v: string) => form.set({ ...form.values, [k]: v }) };
  return rest.options ? <SelectField {...common} options={rest.options} /> : <TextField {...common} multiline={rest.multiline} type={rest.type} />;
}

const ADD: Record<'follow-up' | 'paper-item' | 'dissent', { data: string; label: Key }> = {
  'follow-up': { data: 'data-add-follow-up', label: 'addFollowUp' },
  'paper-item': { data: 'data-add-item', label: 'addItem' },
  dissent: { data: 'data-add-dissent', label: 'addDissent' },
};

/** Repeated rows of fields (`name[0].…`, `name[1].…`), one more row on demand. */
function RowsField({ name, legend, form, kind, row }: { name: string; legend: string; form: FormState; kind: keyof typeof ADD; row(key: (sub: string) => string, i: number): ReactNode }) {
  const t = useT();
  const n = followUpRows(form.values, name);
  return (
    <Fieldset data-field={name}>
      <Fieldset.Legend>{legend}</Fieldset.Legend>
      {Array.from({ length: n }, (_, i) => (
        <div className="follow-up-row" key={i} {...{ [`data-${kind}`]: i }}>
          {row((sub) => `${name}[${i}].${sub}`, i)}
        </div>
      ))}
      <Button type="button" variant="tertiary" data-size="sm" {...{ [ADD[kind].data]: true }} onClick={() => form.set({ ...form.values, [`${name}#`]: String(n + 1) })}>
        {t(ADD[kind].label)}
      </Button>
    </Fieldset>
  );
}

/** Follow-ups as rows: text, owner (ansvarlig) and due date (frist). */
function FollowUpsField({ name, label, ...form }: { name: string; label: string } & FormState) {
  const t = useT();
  return (
    <RowsField name={name} legend={label} form={form} kind="follow-up" row={(k, i) => (
      <>
        <Bound form={form} k={k('text')} label={t('followUpText', { n: i + 1 })} />
        <Bound form={form} k={k('owner')} label={t('followUpOwner', { n: i + 1 })} />
        <Bound form={form} k={k('due')} label={t('followUpDue', { n: i + 1 })} type="date" />
      </>
    )} />
  );
}

/** The paper's sub-items as rows: label (NR. 1 …), title, proposed resolution. */
export function PaperItemsField({ name, label, ...form }: { name: string; label: string } & FormState) {
  const t = useT();
  return (
    <RowsField name={name} legend={label} form={form} kind="paper-item" row={(k, i) => (
      <>
        <Bound form={form} k={k('label')} label={t('itemLabel', { n: i + 1 })} fallback={`NR. ${i + 1}`} />
        <Bound form={form} k={k('title')} label={t('itemTitle', { n: i + 1 })} />
        <Bound form={form} k={k('proposedResolution')} label={t('itemProposal', { n: i + 1 })} multiline />
      </>
    )} />
  );
}

/** The paper's sub-items from the form's values (rows without a title are left out). */
export function paperItemsOf(values: Record<string, string>, name: string): { label: string; title: string; proposedResolution?: string }[] {
  const out: { label: string; title: string; proposedResolution?: string }[] = [];
  for (let i = 0; i < followUpRows(values, name); i++) {
    const title = (values[`${name}[${i}].title`] ?? '').trim();
    if (!title) continue;
    const proposal = (values[`${name}[${i}].proposedResolution`] ?? '').trim();
    out.push({ label: (values[`${name}[${i}].label`] ?? `NR. ${i + 1}`).trim(), title, ...(proposal ? { proposedResolution: proposal } : {}) });
  }
  return out;
}

/** The form values of a paper's sub-items (to edit them). */
export function paperItemValues(name: string, items: { label: string; title: string; proposedResolution?: string }[] | undefined): Record<string, string> {
  const v: Record<string, string> = {};
  (items ?? []).forEach((it, i) => {
    v[`${name}[${i}].label`] = it.label;
    v[`${name}[${i}].title`] = it.title;
    v[`${name}[${i}].proposedResolution`] = it.proposedResolution ?? '';
  });
  if (items?.length) v[`${name}#`] = String(items.length);
  return v;
}

const VOTE_CHOICES = ['', 'for', 'against', 'abstained'] as const;

function RowFields({ f, ...form }: { f: FieldSpec } & FormState) {
  const t = useT();
  if (f.kind === 'itemResolutions')
    return (
      <Fieldset data-field={f.name}>
        <Fieldset.Legend>{t(f.label)}</Fieldset.Legend>
        {f.items.map((it, i) => (
          <Bound key={it.label} form={form} k={`${f.name}[${i}].resolution`} label={`${t('resolution')} ${it.label}: ${it.title}`} multiline />
        ))}
      </Fieldset>
    );
  if (f.kind === 'dissent')
    return (
      <RowsField name={f.name} legend={t(f.label)} form={form} kind="dissent" row={(k, i) => (
        <>
          <Bound form={form} k={k('memberId')} label={t('dissentMember', { n: i + 1 })} options={[{ value: '', label: t('dash') }, ...f.members]} />
          <Bound form={form} k={k('text')} label={t('dissentText', { n: i + 1 })} multiline />
        </>
      )} />
    );
  if (f.kind === 'votes')
    return (
      <Fieldset data-field={f.name}>
        <Fieldset.Legend>{t(f.label)}</Fieldset.Legend>
        {f.voters.length === 0 ? <p>{t('noVoters')}</p> : null}
        {f.voters.map((v) => (
          <Bound key={v.value} form={form} k={`vote:${v.value}`} label={t('voteOf', { name: v.label })} options={VOTE_CHOICES.map((c) => ({ value: c, label: c ? t(`vote.${c}` as Key) : t('vote.none') }))} />
        ))}
      </Fieldset>
    );
  return null;
}

function bodyOf(spec: CommandSpec, values: Record<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of spec.fields) {
    // a select shows its first option until one is chosen: that is the value sent
    const v = values[f.name] ?? (f.kind === 'select' ? (f.options[0]?.value ?? '') : '');
    if (f.kind === 'paperItems') {
      const items = paperItemsOf(values, f.name);
      if (items.length) body[f.name] = items;
    } else if (f.kind === 'itemResolutions') {
      const items = f.items.flatMap((it, i) => {
        const r = (values[`${f.name}[${i}].resolution`] ?? '').trim();
        return r ? [{ label: it.label, resolution: r }] : [];
      });
      if (items.length) body[f.name] = items;
    } else if (f.kind === 'dissent') {
      const rows: { memberId: string; text: string }[] = [];
      for (let i = 0; i < followUpRows(values, f.name); i++) {
        const memberId = values[`${f.name}[${i}].memberId`] ?? '';
        const text = (values[`${f.name}[${i}].text`] ?? '').trim();
        if (memberId || text) rows.push({ memberId, text });
      }
      if (rows.length) body[f.name] = rows;
    } else if (f.kind === 'votes') {
      const by = (c: string) => f.voters.filter((x) => values[`vote:${x.value}`] === c).map((x) => x.value);
      body.for = by('for');
      body.against = by('against');
      body.abstained = by('abstained');
    } else if (f.kind === 'followups') {
      const rows: (string | FollowUpInput)[] = [];
      for (let i = 0; i < followUpRows(values, f.name); i++) {
        const [text, owner, due] = (['text', 'owner', 'due'] as const).map((k) => (values[`${f.name}[${i}].${k}`] ?? '').trim());
        if (!text && !owner && !due) continue;
        rows.push(owner || due ? { text: text!, ...(owner ? { owner } : {}), ...(due ? { due } : {}) } : text!);
      }
      if (rows.length) body[f.name] = rows;
    } else if (f.kind === 'lines') {
      const l = lines(v);
      if (l.length) body[f.name] = l;
    } else if (v !== '' || ('required' in f && f.required)) body[f.name] = v;
  }
  return body;
}

export function CommandForm(props: {
  spec: CommandSpec;
  path: string;
  method?: 'POST' | 'PATCH';
  initial?: Record<string, string>;
  ifMatch?: string | null;
  onDone(answer: Answer<{ id: string; state: string; position: number; referredCaseId?: string }>): void;
  onCancel?(): void;
  idPrefix?: string;
  /** A last change of the body (e.g. `late: true` when the chosen meeting's agenda is frozen). */
  transform?(body: Record<string, unknown>): Record<string, unknown>;
}) {
  const t = useT();
  const { spec } = props;
  const [values, setValues] = useState<Record<string, string>>(() => {
    const init: Record<string, string> = { ...(props.initial ?? {}) };
    for (const f of spec.fields) if (f.kind === 'select' && init[f.name] === undefined && f.options[0]) init[f.name] = f.options[0].value;
    return init;
  });
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await request<{ id: string; state: string; position: number; referredCaseId?: string }>(props.method ?? 'POST', props.path, {
        json: props.transform ? props.transform(bodyOf(spec, values)) : bodyOf(spec, values),
        ifMatch: props.ifMatch,
      });
      props.onDone(answer);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const apiError = error instanceof ApiError ? error : null;
  const form: FormState = { values, set: setValues, error: apiError };
  return (
    <form className="command-form" data-command={spec.command} onSubmit={submit} noValidate>
      <ProblemAlert error={error} />
      {spec.fields.map((f, i) =>
        f.kind === 'followups' ? (
          <FollowUpsField key={f.name} name={f.name} label={t(f.label)} {...form} />
        ) : f.kind === 'paperItems' ? (
          <PaperItemsField key={f.name} name={f.name} label={t(f.label)} {...form} />
        ) : f.kind === 'itemResolutions' || f.kind === 'dissent' || f.kind === 'votes' ? (
          <RowFields key={f.name} f={f} {...form} />
        ) : f.kind === 'select' ? (
          <Bound key={f.name} form={form} k={f.name} label={t(f.label)} options={f.options} />
        ) : (
          <TextField
            key={f.name}
            label={t(f.label)}
            name={f.name}
            value={values[f.name] ?? ''}
            multiline={f.kind === 'multiline' || f.kind === 'lines'}
            type={f.kind === 'date' || f.kind === 'time' ? f.kind : 'text'}
            required={'required' in f ? f.required : undefined}
            error={apiError}
            autoFocus={i === 0}
            onChange={(v) => setValues({ ...values, [f.name]: v })}
          />
        ),
      )}
      <div className="buttons">
        <Button type="submit" variant={spec.tone === 'secondary' ? 'secondary' : 'primary'} data-color={spec.tone === 'danger' ? 'danger' : undefined} disabled={busy}>
          {t(spec.label)}
        </Button>
        {props.onCancel ? (
          <Button type="button" variant="tertiary" onClick={props.onCancel}>
            {t('cancel')}
          </Button>
        ) : null}
      </div>
    </form>
  );
}
