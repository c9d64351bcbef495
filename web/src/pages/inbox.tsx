import { useState } from 'react';
import { get, post, query } from '../api.js';
import { Badge, ErrorNote, Loadable, Pager, Section } from '../components.js';
import { asString, items, type Json } from '../data.js';
import { useAction, usePolled } from '../hooks.js';
import { useI18n } from '../i18n.js';
import { navigate } from '../router.js';
import type { SessionInfo } from '../session.js';
import { formatDateTime } from '../time.js';

const PAGE = 20;

export function InboxPage({ onlyUnread }: { session: SessionInfo; onlyUnread: boolean }) {
  const { t, locale } = useI18n();
  const [page, setPage] = useState(0);
  const path = `/api/notifications${query({ unread: onlyUnread ? 'true' : undefined, limit: PAGE + 1, offset: page * PAGE })}`;
  const inbox = usePolled(() => get<Json>(path), path);
  const mark = useAction();
  return (
    <Section title={t('inbox')} actions={
      <label className="inline">
        <input type="checkbox" checked={onlyUnread} onChange={(event) => { setPage(0); navigate(event.target.checked ? '/inbox?unread=1' : '/inbox'); }} />
        {t('only_unread')}
      </label>
    }>
      <Loadable state={inbox} empty={(data) => items(data).length === 0}>
        {(data) => {
          const rows = items(data);
          return (
            <>
              <ul className="inbox">
                {rows.slice(0, PAGE).map((item) => {
                  const unread = !item.readAt;
                  return (
                    <li key={String(item.id)} className={unread ? 'unread' : undefined}>
                      <div className="task-head">
                        <Badge tone={unread ? 'info' : 'muted'}>{unread ? t('unread') : t('read')}</Badge>
                        <strong>{String(item.subject ?? item.kind ?? '')}</strong>
                        <span className="muted">{formatDateTime(asString(item.createdAt), locale)}</span>
                      </div>
                      <p className="body">{String(item.bodyText ?? item.body ?? '')}</p>
                      {unread ? (
                        <button type="button" disabled={mark.running}
                          onClick={() => void mark.run(() => post(`/api/notifications/${encodeURIComponent(String(item.id))}/read`)).then((done) => done && inbox.reload())}>
                          {t('mark_read')}
                        </button>
                      ) : null}
                    </li>
                  );
                })}
              </ul>
              <ErrorNote error={mark.error} />
              <Pager page={page} hasMore={rows.length > PAGE} onPage={setPage} />
            </>
          );
        }}
      </Loadable>
    </Section>
  );
}
