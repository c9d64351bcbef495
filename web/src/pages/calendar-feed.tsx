import { useState } from 'react';
import { api, unwrap } from '../api/client.js';
import { ErrorNote, Section, When } from '../components.js';
import { useAction, usePolled } from '../hooks.js';
import { useI18n } from '../i18n.js';
import type { SessionInfo } from '../session.js';

// The account page's calendar part: make (or replace) the secret feed URL a phone's calendar
// subscribes to, shown once, and revoke it; and, for a sign-in linked to no worker, why there is
// none (escalations and the inbox cannot reach it either).

export function CalendarFeedSection({ session }: { session: SessionInfo }) {
  const { t } = useI18n();
  const status = usePolled(() => unwrap(api.GET('/api/calendar-feed')), 'calendar-feed', 60_000);
  const create = useAction();
  const revoke = useAction();
  const [url, setUrl] = useState<string>();

  if (!session.principal.workerId) {
    return (
      <Section title={t('calendar_feed')} id="calendar">
        <p className="muted">{t('calendar_feed_needs_worker')}</p>
      </Section>
    );
  }
  return (
    <Section title={t('calendar_feed')} id="calendar">
      <p>{t('calendar_feed_about')}</p>
      {status.data?.active ? (
        <p className="muted">{t('calendar_feed_active')} <When at={status.data.createdAt} />{status.data.lastReadAt ? <> · {t('calendar_feed_last_read')} <When at={status.data.lastReadAt} /></> : null}</p>
      ) : <p className="muted">{t('calendar_feed_none')}</p>}
      {url ? (
        <div className="note ok" role="status">
          <p>{t('calendar_feed_once')}</p>
          <p><code data-testid="calendar-url" className="breakable">{url}</code></p>
          <p><a href={url.replace(/^https?:/, 'webcal:')}>{t('calendar_feed_subscribe')}</a></p>
        </div>
      ) : null}
      <div className="buttons">
        <button type="button" className="primary" disabled={create.running} onClick={() => void create.run(() => unwrap(api.POST('/api/calendar-feed', { body: {} }))).then((made) => {
          if (!made) return;
          setUrl(made.url ?? `${window.location.origin}${made.path}`);
          status.reload();
        })}>{status.data?.active ? t('calendar_feed_replace') : t('calendar_feed_make')}</button>
        {status.data?.active ? (
          <button type="button" className="danger" disabled={revoke.running} onClick={() => void revoke.run(() => unwrap(api.POST('/api/calendar-feed/revoke', { body: {} }))).then((done) => {
            if (!done) return;
            setUrl(undefined);
            status.reload();
          })}>{t('calendar_feed_revoke')}</button>
        ) : null}
      </div>
      <ErrorNote error={create.error ?? revoke.error ?? status.error} />
    </Section>
  );
}
