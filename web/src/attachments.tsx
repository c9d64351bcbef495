import { useId, useRef, useState } from 'react';
import { api, unwrap, uploadFiles, type Answer, type UploadPath } from './api/client.js';
import { ErrorNote } from './components.js';
import { type Polled, useAction, usePolled } from './hooks.js';
import { useI18n } from './i18n.js';

// Evidence files of one owner (a plan task, a rollout milestone, a venture project, a case):
// images as thumbnails of their download, other files as links, an upload field for roles that
// may attach, and a remove button beside each file for them.

type Attachment = Answer<'/api/attachments'>['items'][number];
type OwnerKind = Attachment['ownerKind'];

export function contentUrl(attachmentId: string): string {
  return `/api/attachments/${encodeURIComponent(attachmentId)}/content`;
}

interface OwnerProps {
  ownerKind: OwnerKind;
  ownerId: string;
  /** The upload route's concrete path and its template (for the answer's type). */
  upload?: { path: string; route: UploadPath };
  canAttach: boolean;
}

/** The files of one owner, loaded by itself. */
export function Attachments(props: OwnerProps) {
  const { ownerKind, ownerId } = props;
  const list = usePolled(() => unwrap(api.GET('/api/attachments', { params: { query: { ownerKind, ownerId } } })), `attachments:${ownerKind}:${ownerId}`, 30_000);
  return <AttachmentList {...props} list={list} />;
}

/** Every attachment of one kind in a community, loaded once for a page that shows many owners. */
export function useCommunityAttachments(ownerKind: OwnerKind, communityId: string): Polled<{ items: Attachment[] }> {
  return usePolled(() => unwrap(api.GET('/api/attachments', { params: { query: { ownerKind, communityId } } })), `attachments:${ownerKind}@${communityId}`, 30_000);
}

/** The files of one owner, from a list loaded for many owners. */
export function AttachmentList({ ownerKind, ownerId, upload, canAttach, list }: OwnerProps & { list: Polled<{ items: Attachment[] }> }) {
  const { t } = useI18n();
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const send = useAction();
  const remove = useAction();
  const items = (list.data?.items ?? []).filter((item) => item.ownerKind === ownerKind && item.ownerId === ownerId);

  const onFiles = async (files: FileList | null) => {
    if (!upload || !files || files.length === 0) return;
    const done = await send.run(() => uploadFiles(upload.path, upload.route, [...files]));
    if (input.current) input.current.value = '';
    if (done) list.reload();
  };

  return (
    <div className="attachments" data-owner={`${ownerKind}:${ownerId}`}>
      <h4>{t('attachments')}</h4>
      <ErrorNote error={list.error} onRetry={list.reload} />
      {items.length === 0 ? <p className="muted">{t('no_files')}</p> : (
        <ul className="files">
          {items.map((item: Attachment) => (
            <li key={item.id} data-attachment={item.id}>
              {item.mediaType.startsWith('image/')
                ? <a href={contentUrl(item.id)} target="_blank" rel="noreferrer"><img className="thumb" src={contentUrl(item.id)} alt={item.fileName} loading="lazy" /></a>
                : null}
              <a href={contentUrl(item.id)} download={item.fileName}>{item.fileName}</a>
              <span className="muted"> {Math.max(1, Math.round(item.sizeBytes / 1024))} KB</span>
              {canAttach ? (
                <button type="button" className="link" disabled={remove.running}
                  onClick={() => void remove.run(() => unwrap(api.POST('/api/attachments/{attachmentId}/remove', { params: { path: { attachmentId: item.id } } }))).then((ok) => ok && list.reload())}>
                  {t('remove_file')}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <ErrorNote error={remove.error} />
      {canAttach && upload ? (
        <div className="attach">
          <label htmlFor={inputId}>{t('attach_files')}</label>
          <input id={inputId} ref={input} type="file" multiple accept="image/*,application/pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx" disabled={send.running}
            aria-describedby={`${inputId}-hint`} onChange={(event) => void onFiles(event.target.files)} />
          <span id={`${inputId}-hint`} className="muted">{send.running ? t('attaching') : t('attach_hint')}</span>
          <ErrorNote error={send.error} />
        </div>
      ) : null}
    </div>
  );
}

/** A button that shows one owner's files when pressed: for lists with many owners, loaded on demand. */
export function AttachmentsToggle(props: OwnerProps) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <div className="attachments-toggle">
      <button type="button" className="link" aria-expanded={open} onClick={() => setOpen((value) => !value)}>{t('attachments')}</button>
      {open ? <Attachments {...props} /> : null}
    </div>
  );
}
