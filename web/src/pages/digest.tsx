import { useState } from 'react';
import { api, unwrap } from '../api/client.js';
import { Section } from '../components.js';
import { ConfirmAction } from '../confirm.js';
import { useAction } from '../hooks.js';
import { useI18n } from '../i18n.js';

// The overview's weekly-digest part, for the roles `POST /api/digest/run` allows (admins and
// supervisors): send the digest now, through each street's schedule, after saying who receives it.

export function DigestSection() {
  const { t } = useI18n();
  const run = useAction();
  const [sent, setSent] = useState<number>();
  return (
    <Section title={t('weekly_digest')} id="digest">
      <p>{t('weekly_digest_about')}</p>
      <div className="buttons">
        <ConfirmAction
          label={t('digest_send_now')}
          title={t('digest_send_now_title')}
          consequence={<p>{t('digest_send_now_consequence')}</p>}
          confirmLabel={t('digest_send_now')}
          tone="primary"
          running={run.running}
          error={run.error}
          onConfirm={async () => {
            setSent(undefined);
            const done = await run.run(() => unwrap(api.POST('/api/digest/run', { body: {} })));
            if (done) setSent(done.triggered.length);
            return done !== undefined;
          }}
        />
      </div>
      {sent !== undefined ? <p className="note ok" role="status" data-testid="digest-sent">{t('digest_sent', { n: sent })}</p> : null}
    </Section>
  );
}
