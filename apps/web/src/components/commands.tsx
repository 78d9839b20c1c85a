/**
 * The case commands as forms: one table of the fields each command's body has (the DTOs of
 * apps/api/src/cases), and one form that sends it and shows the API's validation errors beside
 * the fields, or the refusal (409 with what is allowed now, 412, …) above them. Used by the Sak
 * view (every allowed command) and by møtemodus (the meeting's commands in agenda order).
 */
import { Button } from '@digdir/designsystemet-react';
import { useState, type FormEvent } from 'react';
import { ApiError, request, type Answer } from '../api/client';
import { useT, type Key } from '../i18n';
import { lines, ProblemAlert, SelectField, TextField } from './ui';

export type FieldSpec =
  | { name: string; label: Key; kind: 'text' | 'multiline' | 'date' | 'time'; required?: boolean }
  | { name: string; label: Key; kind: 'lines' }
  | { name: string; label: Key; kind: 'select'; options: { value: string; label: string }[]; required?: boolean };

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
  ctx: { meetings?: { value: string; label: string }[]; committees?: { value: string; label: string }[]; typeLabel?: (t: string) => string },
): CommandSpec {
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
          { name: 'followUps', label: 'followUps', kind: 'lines' },
        ],
      };
    case 'endorse':
      return {
        command,
        label: 'cmd.endorse',
        fields: [
          { name: 'resolution', label: 'resolution', kind: 'multiline', required: true },
          { name: 'conditions', label: 'conditions', kind: 'multiline' },
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
        ],
      };
    case 'refer':
      return {
        command,
        label: 'cmd.refer',
        fields: [
          { name: 'toCommittee', label: 'toCommittee', kind: 'select', options: ctx.committees ?? [], required: true },
          { name: 'type', label: 'type', kind: 'select', options: types, required: true },
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

function bodyOf(spec: CommandSpec, values: Record<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of spec.fields) {
    // a select shows its first option until one is chosen: that is the value sent
    const v = values[f.name] ?? (f.kind === 'select' ? (f.options[0]?.value ?? '') : '');
    if (f.kind === 'lines') {
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
  return (
    <form className="command-form" data-command={spec.command} onSubmit={submit} noValidate>
      <ProblemAlert error={error} />
      {spec.fields.map((f, i) =>
        f.kind === 'select' ? (
          <SelectField key={f.name} label={t(f.label)} name={f.name} value={values[f.name] ?? ''} options={f.options} error={apiError} onChange={(v) => setValues({ ...values, [f.name]: v })} />
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
