import { useState } from 'react';
import { api, unwrap } from '../api/client.js';
import { Badge, ErrorNote, Loadable, Pager, Section, When } from '../components.js';
import { useAction, usePolled } from '../hooks.js';
import { useI18n } from '../i18n.js';
import { navigate } from '../router.js';
import type { SessionInfo } from '../session.js';

const PAGE = 20;

export function InboxPage({ onlyUnread }: { session: SessionInfo; onlyUnread: boolean }) {
  const { t } = useI18n();
  const [page, setPage] = useState(0);
  const query = { unread: onlyUnread ? 'true' : undefined, limit: PAGE + 1, offset: page * PAGE } as const;
  const inbox = usePolled(() => unwrap(api.GET('/api/notifications', { params: { query } })), `inbox:${onlyUnread}:${page}`);
  const mark = useAction();
  return (
    <Section title={t('inbox')} actions={
      <label className="inline">
        <input type="checkbox" checked={onlyUnread} onChange={(event) => { setPage(0); navigate(event.target.checked ? '/inbox?unread=1' : '/inbox'); }} />
        {t('only_unread')}
      </label>
    }>
      <Loadable state={inbox} empty={(data) => data.items.length === 0}>
        {(data) => {
          const rows = data.items;
          return (
            <>
              <ul className="inbox">
                {rows.slice(0, PAGE).map((item) => {
                  const unread = !item.readAt;
                  return (
                    <li key={item.id} className={unread ? 'unread' : undefined}>
                      <div className="task-head">
                        <Badge tone={unread ? 'info' : 'muted'}>{unread ? t('unread') : t('read')}</Badge>
                        <strong>{item.subject}</strong>
                        <span className="muted"><When at={item.createdAt} /></span>
                      </div>
                      <p className="body">{item.bodyText}</p>
                      {unread ? (
                        <button type="button" disabled={mark.running}
                          onClick={() => void mark.run(() => unwrap(api.POST('/api/notifications/{notificationId}/read', { params: { path: { notificationId: item.id } } }))).then((done) => done && inbox.reload())}>
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
