import { useState } from 'react';
import { api, unwrap, type Answer, type Query } from '../api/client.js';
import { Badge, Loadable, Pager, Section, When } from '../components.js';
import { usePolled } from '../hooks.js';
import { translateKey, useI18n } from '../i18n.js';
import { nameOf } from '../names.js';
import { linkProps } from '../router.js';
import { can, type SessionInfo } from '../session.js';

// Deliveries (e-mail, WeCom) to workers in scope that failed for good or are being retried, for
// admins and supervisors: when, the channel, the notification's kind, the recipient (the route
// gives their name to these roles), why in the reader's language, and the recorded error. No route
// retries a delivery, so none is offered: fixing the cause (an address, the SMTP settings) is what helps.

type Failure = Answer<'/api/notifications/failures'>['items'][number];
type Status = NonNullable<Query<'/api/notifications/failures'>['status']>;
type Channel = NonNullable<Query<'/api/notifications/failures'>['channel']>;

const PAGE = 20;
// Every read of this list is audited: it refreshes on request, not every few seconds.
const REFRESH_MS = 3_600_000;

export function FailuresPage({ session }: { session: SessionInfo }) {
  const { t } = useI18n();
  const [status, setStatus] = useState<Status>('failed');
  const [channel, setChannel] = useState<Channel | ''>('');
  const [page, setPage] = useState(0);
  const query = { status, ...(channel ? { channel } : {}), limit: PAGE, offset: page * PAGE };
  const failures = usePolled(() => unwrap(api.GET('/api/notifications/failures', { params: { query } })), `failures:${status}:${channel}:${page}`, REFRESH_MS);
  // The communities' names, so each recipient's station shows by name (the list answers with ids).
  usePolled(() => unwrap(api.GET('/api/communities')), 'communities', REFRESH_MS);
  return (
    <Section title={t('failures_title')} actions={
      <form className="buttons filters" aria-label={t('filter')} onSubmit={(event) => event.preventDefault()}>
        <label className="inline">{t('failures_status')}
          <select name="status" value={status} onChange={(event) => { setStatus(event.target.value as Status); setPage(0); }}>
            <option value="failed">{t('failures_status_failed')}</option>
            <option value="retrying">{t('failures_status_retrying')}</option>
          </select>
        </label>
        <label className="inline">{t('failures_channel')}
          <select name="channel" value={channel} onChange={(event) => { setChannel(event.target.value as Channel | ''); setPage(0); }}>
            <option value="">{t('all')}</option>
            <option value="email">{t('channel_email')}</option>
            <option value="wecom">{t('channel_wecom')}</option>
          </select>
        </label>
        <button type="button" onClick={failures.reload}>{t('refresh')}</button>
      </form>
    }>
      <p className="muted">{t('failures_intro')}</p>
      <Loadable state={failures}>
        {(data) => (
          <>
            <p data-testid="failures-total">
              {t('failures_total', { n: data.total })} · {t('failures_by_channel', { email: data.byChannel.email ?? 0, wecom: data.byChannel.wecom ?? 0 })}
            </p>
            {data.items.length === 0 ? <p className="note empty">{t('failures_none')}</p> : (
              <ul className="failures">
                {data.items.map((failure) => <FailureItem key={failure.id} session={session} failure={failure} />)}
              </ul>
            )}
            <Pager page={page} hasMore={(page + 1) * PAGE < data.total} onPage={setPage} />
          </>
        )}
      </Loadable>
    </Section>
  );
}

function FailureItem({ session, failure }: { session: SessionInfo; failure: Failure }) {
  const { t, locale } = useI18n();
  const community = failure.communityId ? nameOf(failure.communityId, locale) : undefined;
  return (
    <li className="failure" data-failure={failure.id} data-reason={failure.reason}>
      <div className="task-head">
        <Badge tone={failure.status === 'failed' ? 'bad' : 'warn'}>{translateKey(t, 'channel', failure.channel)}</Badge>
        <strong>{translateKey(t, 'notification_kind', failure.kind)}</strong>
        <span className="muted"><When at={failure.createdAt} /></span>
      </div>
      <p>
        {t('failure_recipient')}:{' '}
        {can(session, 'worker.view')
          ? <a {...linkProps(`/workers/${encodeURIComponent(failure.recipientId)}`)}>{failure.recipientName}</a>
          : failure.recipientName}
        {community ? <span className="muted"> · {community}</span> : null}
        <span className="muted"> · {t('failure_attempts', { n: failure.attempts })}</span>
      </p>
      <p data-testid="failure-reason">{t('failure_reason')}: {translateKey(t, 'failure_reason', failure.reason)}</p>
      {failure.lastError ? (
        <details>
          <summary>{t('failure_recorded_error')}</summary>
          <p className="body"><code>{failure.lastError}</code></p>
        </details>
      ) : null}
    </li>
  );
}
