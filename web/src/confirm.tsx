import { type ReactNode, useId, useRef, useState } from 'react';
import type { ApiError } from './api/client.js';
import { ErrorNote } from './components.js';
import { FieldError, useFieldErrors } from './errors.js';
import { useI18n } from './i18n.js';
import { linksFrom, useModal } from './widgets.js';

// Consequential actions ask first. The dialog says what will happen (who is told, what closes),
// takes the reason or the evidence the record keeps, and runs the action only on confirmation. It
// is a native <dialog> opened modally: focus moves into it and stays there, Escape cancels, and
// focus returns to the button that opened it.

export interface ConfirmInput {
  reason: string;
  /** Links given as evidence, one per line; only http(s) ones are kept. */
  links: string[];
}

export interface ConfirmProps {
  /** The button that opens the dialog. */
  label: string;
  /** The dialog's heading: the action, as a question or a verb phrase. */
  title: string;
  /** What happens when confirmed: who is told, what closes, whether it can be undone. */
  consequence: ReactNode;
  /** Ask for a reason (kept on the record, sent to the people affected). */
  reason?: { label: string; required: boolean; field?: string };
  /** Ask for links as evidence. */
  links?: { label: string };
  confirmLabel: string;
  tone?: 'danger' | 'primary';
  disabled?: boolean;
  /** Runs the action; resolves true when it succeeded (the dialog closes), false to keep it open. */
  onConfirm(input: ConfirmInput): Promise<boolean>;
  /** The action's error, shown inside the dialog next to the reason when it concerns it. */
  error?: ApiError;
  running?: boolean;
}

export function ConfirmAction(props: ConfirmProps) {
  const { t } = useI18n();
  const opener = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState(false);
  const dialog = useModal(open);
  const [reason, setReason] = useState('');
  const [links, setLinks] = useState('');
  const [missing, setMissing] = useState(false);
  const id = useId();
  const reasonField = props.reason?.field ?? 'reason';
  const fields = useFieldErrors(props.error, [reasonField, 'links', 'evidence']);

  const close = () => {
    setOpen(false);
    setMissing(false);
    opener.current?.focus();
  };

  const submit = async () => {
    if (props.reason?.required && !reason.trim()) {
      setMissing(true);
      return;
    }
    const done = await props.onConfirm({ reason: reason.trim(), links: linksFrom(links) });
    if (done) {
      setReason('');
      setLinks('');
      close();
    }
  };

  const reasonError = missing ? t('confirm_reason_required') : fields.message(reasonField);
  return (
    <>
      <button ref={opener} type="button" className={props.tone === 'danger' ? 'danger' : undefined} disabled={props.disabled} aria-haspopup="dialog"
        onClick={() => setOpen(true)}>
        {props.label}
      </button>
      <dialog ref={dialog} className="confirm" aria-labelledby={`${id}-title`} aria-describedby={`${id}-consequence`} onClose={() => open && close()}>
        <form method="dialog" onSubmit={(event) => { event.preventDefault(); void submit(); }} noValidate>
          <h2 id={`${id}-title`}>{props.title}</h2>
          <div id={`${id}-consequence`} className="consequence">{props.consequence}</div>
          {props.reason ? (
            <label>
              {props.reason.label}
              <textarea rows={3} value={reason} onChange={(event) => { setReason(event.target.value); setMissing(false); }}
                required={props.reason.required} aria-invalid={reasonError ? true : undefined} aria-describedby={reasonError ? `${id}-reason-error` : undefined} autoFocus />
              <FieldError id={`${id}-reason-error`} message={reasonError} />
            </label>
          ) : null}
          {props.links ? (
            <label>
              {props.links.label}
              <textarea rows={2} value={links} onChange={(event) => setLinks(event.target.value)} placeholder="https://" inputMode="url"
                aria-invalid={fields.message('links') ? true : undefined} aria-describedby={fields.message('links') ? `${id}-links-error` : undefined} />
              <FieldError id={`${id}-links-error`} message={fields.message('links')} />
            </label>
          ) : null}
          {props.error && !fields.message(reasonField) && !fields.message('links') ? <ErrorNote error={props.error} withFields /> : null}
          <div className="buttons">
            <button type="submit" className={props.tone === 'danger' ? 'danger solid' : 'primary'} disabled={props.running}>{props.confirmLabel}</button>
            <button type="button" onClick={close}>{t('cancel_action')}</button>
          </div>
        </form>
      </dialog>
    </>
  );
}
