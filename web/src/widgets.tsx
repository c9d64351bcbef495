import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { api, unwrap, type Query } from './api/client.js';
import { FieldError } from './components.js';
import { usePolled } from './hooks.js';
import { useI18n } from './i18n.js';

type WorkerPosition = NonNullable<Query<'/api/workers'>['position']>;

// Small pieces the plan, rollout and venture pages share: links people typed (opened safely), a
// confirmation that names the consequence before a change that cannot be taken back, and a
// disclosure that opens a form in place.

/** Only http(s) URLs become links; anything else (javascript:, data:, a typo) shows as text. */
export function safeHref(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Evidence links: each opens in a new tab without handing the opener or the referrer to the other site. */
export function EvidenceLinks({ links }: { links: readonly string[] | undefined | null }) {
  if (!links || links.length === 0) return null;
  return (
    <ul className="links">
      {links.map((link, index) => {
        const href = safeHref(link);
        return <li key={`${index}-${link}`}>{href ? <a href={href} target="_blank" rel="noopener noreferrer">{link}</a> : <span>{link}</span>}</li>;
      })}
    </ul>
  );
}

/** Links typed one per line (or separated by spaces): the http(s) ones, for an evidence body. */
export function linksFrom(text: string): string[] {
  return text.split(/\s+/).map((part) => part.trim()).filter((part) => part !== '' && safeHref(part) !== undefined);
}

/** Words typed that are not http(s) links: named next to the field instead of dropped silently. */
export function notLinksIn(text: string): string[] {
  return text.split(/\s+/).map((part) => part.trim()).filter((part) => part !== '' && safeHref(part) === undefined);
}

/** A native <dialog> shown modally while `open` (focus moves in and stays, Escape closes) and closed otherwise. */
export function useModal(open: boolean) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return ref;
}

/**
 * A modal confirmation (the native <dialog>): says what will happen, and runs `onConfirm` only when
 * the person confirms. Escape or the cancel button closes it with nothing done.
 */
export function ConfirmDialog({ open, title, children, confirmLabel, danger, busy, onConfirm, onClose }: {
  open: boolean; title: string; children: ReactNode; confirmLabel: string; danger?: boolean; busy?: boolean; onConfirm(): void; onClose(): void;
}) {
  const { t } = useI18n();
  const ref = useModal(open);
  const titleId = useId();
  return (
    <dialog ref={ref} className="confirm" aria-labelledby={titleId} onClose={onClose} onCancel={onClose}>
      <h2 id={titleId}>{title}</h2>
      <div className="confirm-body">{children}</div>
      <div className="buttons">
        <button type="button" className={danger ? 'danger' : 'primary'} disabled={busy} onClick={onConfirm}>{confirmLabel}</button>
        <button type="button" onClick={onClose}>{t('cancel')}</button>
      </div>
    </dialog>
  );
}

/** A button that shows a form below it; `children` gets a `close` to call once the form is done. */
export function Disclosure({ label, children, className }: { label: string; children: (close: () => void) => ReactNode; className?: string }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <div className={className ?? 'disclosure'}>
      <button type="button" aria-expanded={open} aria-controls={id} onClick={() => setOpen((value) => !value)}>{label}</button>
      {open ? <div id={id}>{children(() => setOpen(false))}</div> : null}
    </div>
  );
}

/**
 * A searchable worker picker: type a name or an id, pick from the matches the list offers. The
 * list holds the workers the caller may see (one page of the worker list, filtered in the browser).
 */
export function WorkerPicker({ id, label, value, onChange, position, error, required }: {
  id: string; label: string; value: string; onChange(value: string): void; position?: WorkerPosition; error?: string; required?: boolean;
}) {
  const workers = usePolled(() => unwrap(api.GET('/api/workers', { params: { query: { limit: 500, ...(position ? { position } : {}) } } })), `workers:${position ?? ''}`, 120_000);
  const listId = `${id}-list`;
  const known = workers.data?.items.find((worker) => worker.id === value);
  return (
    <label>
      {label}
      <input id={id} name={id} type="search" list={listId} value={value} required={required} autoComplete="off" onChange={(event) => onChange(event.target.value.trim())}
        aria-invalid={error ? true : undefined} aria-describedby={`${id}-who ${id}-error`} />
      <datalist id={listId}>
        {(workers.data?.items ?? []).filter((worker) => worker.active).map((worker) => <option key={worker.id} value={worker.id}>{worker.name}</option>)}
      </datalist>
      <span id={`${id}-who`} className="muted">{known ? known.name : ''}</span>
      <FieldError id={`${id}-error`} message={error} />
    </label>
  );
}
