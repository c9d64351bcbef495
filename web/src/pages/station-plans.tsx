import { useState } from 'react';
import { api, unwrap, type Answer } from '../api/client.js';
import { Badge, Loadable, Section, When } from '../components.js';
import { ConfirmAction } from '../confirm.js';
import { useAction, usePolled } from '../hooks.js';
import { localized, translateKey, useI18n } from '../i18n.js';
import { linkProps } from '../router.js';
import { can, type SessionInfo } from '../session.js';

// The stations page's list (`/stations` without a station): every station in scope with the state
// of its latest plan (GET /api/stations/plans), and, for supervisors and admins, starting plans for
// every operating station without a running one (POST /api/stations/plans), confirmed first.

type Community = Answer<'/api/communities'>['items'][number];
type PlanSummary = Answer<'/api/stations/plans'>['items'][number];
type Started = Answer<'/api/stations/plans', 'post'>;

const STATUS_TONE: Record<string, string> = { running: 'info', paused: 'warn', completed: 'ok', cancelled: 'muted', none: 'muted' };

export function StationPlans({ session, communities }: { session: SessionInfo; communities: Community[] }) {
  const { t, locale } = useI18n();
  const plans = usePolled(() => unwrap(api.GET('/api/stations/plans')), 'station-plans');
  const start = useAction();
  const [started, setStarted] = useState<Started>();
  const stations = communities.filter((c) => c.station);
  return (
    <Section title={t('station_plans')} id="station-plans">
      <Loadable state={plans} empty={() => stations.length === 0}>
        {(data) => {
          const byCommunity = new Map<string, PlanSummary>(data.items.map((plan) => [plan.communityId, plan]));
          // Operating stations whose latest plan is not running or paused: the bulk start gives each a new plan.
          const without = stations.filter((c) => c.station?.status === 'operating' && !['running', 'paused'].includes(byCommunity.get(c.id)?.status ?? 'none'));
          return (
            <>
              <div className="scroll">
                <table className="table compact" data-testid="station-plan-list">
                  <thead>
                    <tr><th>{t('station')}</th><th>{t('plan_state')}</th><th>{t('plan_tasks_done')}</th><th>{t('plan_next_due')}</th></tr>
                  </thead>
                  <tbody>
                    {stations.map((community) => {
                      const plan = byCommunity.get(community.id);
                      return (
                        <tr key={community.id} data-community={community.id}>
                          <td><a {...linkProps(`/stations/${encodeURIComponent(community.id)}`)}>{localized(locale, community.name)}</a></td>
                          <td>
                            <Badge tone={STATUS_TONE[plan?.status ?? 'none'] ?? 'info'}>{plan ? translateKey(t, 'status', plan.status) : t('plan_none')}</Badge>
                            {plan?.currentStage ? <> {translateKey(t, 'stage', plan.currentStage)}</> : null}
                            {plan?.awaitingSignOff ? <> <Badge tone="warn">{t('plan_awaiting_sign_off')}</Badge></> : null}
                          </td>
                          <td>{plan ? <>{plan.tasks.done} / {plan.tasks.total}{plan.tasks.overdue > 0 ? <> · <Badge tone="bad">{t('plan_overdue_n', { n: plan.tasks.overdue })}</Badge></> : null}</> : '—'}</td>
                          <td>{plan?.nextDueAt ? <When at={plan.nextDueAt} /> : '—'}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
              {can(session, 'plan.start') && without.length > 0 ? (
                <div className="buttons">
                  <ConfirmAction
                    label={t('start_missing_plans', { n: without.length })}
                    title={t('start_missing_plans_title', { n: without.length })}
                    consequence={(
                      <>
                        <p>{t('start_missing_plans_consequence')}</p>
                        <ul>{without.map((c) => <li key={c.id}>{localized(locale, c.name)}</li>)}</ul>
                      </>
                    )}
                    confirmLabel={t('start_plans')}
                    tone="primary"
                    running={start.running}
                    error={start.error}
                    onConfirm={async () => {
                      setStarted(undefined);
                      const done = await start.run(() => unwrap(api.POST('/api/stations/plans', { body: {} })));
                      if (!done) return false;
                      setStarted(done);
                      plans.reload();
                      return true;
                    }}
                  />
                </div>
              ) : null}
              {started ? (
                <p className={started.failed > 0 ? 'note' : 'note ok'} role="status" data-testid="plans-started">
                  {t('plans_started', { started: started.started, running: started.alreadyRunning, failed: started.failed })}
                </p>
              ) : null}
            </>
          );
        }}
      </Loadable>
    </Section>
  );
}
