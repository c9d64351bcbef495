import { api, unwrap, type Answer } from '../api/client.js';
import { Badge, Loadable, Section, When } from '../components.js';
import { usePolled } from '../hooks.js';
import { localized, translateKey, useI18n } from '../i18n.js';
import { nameOf } from '../names.js';
import { linkProps } from '../router.js';
import { can, type SessionInfo } from '../session.js';
import { CommunityForm } from './community-form.js';
import { StationBrand } from './station-brand.js';

// One community, reached from the overview's tiles and the rollout lists: its names and street,
// its station (status, opening date), its rollout's milestones for roles that see rollouts, and
// the way on to the station's plan (once it is no longer being built) and service records for
// roles that see those.

type Coverage = Answer<'/api/rollout'>;
type CommunityRollout = Coverage['communities'][number];

const STATION_TONE: Record<string, string> = { operating: 'ok', rollout: 'info', closed: 'muted', none: 'warn' };

export function CommunityPage({ session, communityId }: { session: SessionInfo; communityId: string }) {
  const { t, locale } = useI18n();
  const community = usePolled(() => unwrap(api.GET('/api/communities/{communityId}', { params: { path: { communityId } } })), `community:${communityId}`);
  const streetId = community.data?.streetId;
  // The rollout of this community, from the street's coverage (one read of the store).
  const coverage = usePolled(
    streetId && can(session, 'rollout.view') ? () => unwrap(api.GET('/api/rollout', { params: { query: { streetId } } })) : null,
    `community-rollout:${streetId ?? ''}`,
  );
  const rollout = coverage.data?.communities.find((row) => row.communityId === communityId);
  return (
    <div className="stack">
      <p><a {...linkProps('/')}>{t('community_back')}</a></p>
      <Loadable state={community}>
        {(data) => {
          const status = data.station?.status ?? 'none';
          return (
            <Section title={localized(locale, data.name)}>
              <dl className="facts" data-testid="community-facts">
                <dt>{t('community_names')}</dt>
                <dd lang="zh-CN">{data.name.zh}</dd>
                <dd lang="en">{data.name.en}{data.isPlaceholder ? <> <Badge tone="muted">{t('placeholder_community')}</Badge></> : null}</dd>
                <dt>{t('community_street')}</dt>
                <dd>{nameOf(data.streetId, locale) ?? (session.scope?.id === data.streetId ? localized(locale, session.scope.name) : data.streetId)}</dd>
                <dt>{t('community_station')}</dt>
                <dd><Badge tone={STATION_TONE[status] ?? 'muted'}>{data.station ? translateKey(t, 'legend', status) : t('community_no_station')}</Badge></dd>
                {data.station?.openedOn ? <><dt>{t('community_opened_on')}</dt><dd><When date={data.station.openedOn} /></dd></> : null}
              </dl>
              <p className="buttons">
                {data.station && data.station.status !== 'rollout' && can(session, 'station.view') ? <a className="button" {...linkProps(`/stations/${encodeURIComponent(communityId)}`)}>{t('community_open_plan')}</a> : null}
                {can(session, 'services.view') ? <a className="button" {...linkProps(`/services?communityId=${encodeURIComponent(communityId)}`)}>{t('community_open_services')}</a> : null}
                {can(session, 'rollout.view') ? <a className="button" {...linkProps('/rollout')}>{t('community_open_rollout')}</a> : null}
              </p>
              {can(session, 'communities.manage') ? (
                <CommunityForm session={session} streets={[data.streetId]} onSaved={community.reload}
                  existing={{ id: data.id, streetId: data.streetId, nameZh: data.name.zh, nameEn: data.name.en, isPlaceholder: data.isPlaceholder }} />
              ) : null}
            </Section>
          );
        }}
      </Loadable>
      {community.data?.station ? <StationBrand session={session} communityId={communityId} /> : null}
      {rollout?.rollout ? <RolloutFacts row={rollout} /> : null}
    </div>
  );
}

function RolloutFacts({ row }: { row: CommunityRollout }) {
  const { t } = useI18n();
  const rollout = row.rollout!;
  return (
    <Section title={t('community_rollout')}>
      <p data-testid="community-rollout-status">
        <Badge tone={rollout.status === 'running' ? 'info' : rollout.status === 'opened' ? 'ok' : 'muted'}>{translateKey(t, 'community_rollout_status', rollout.status)}</Badge>
        {rollout.status === 'running' ? <> <Badge tone={rollout.health === 'on_track' ? 'ok' : rollout.health === 'at_risk' ? 'warn' : 'bad'}>{translateKey(t, 'health', rollout.health)}</Badge></> : null}
        {rollout.currentMilestone ? <> · {t('community_current_milestone')}: {translateKey(t, 'milestone', rollout.currentMilestone)}</> : null}
        {rollout.status === 'running' ? <> · {t('rollout_projected_opening')}: <When date={rollout.projectedOpening} /></> : null}
      </p>
      <ol className="timeline milestones">
        {rollout.milestones.map((milestone) => (
          <li key={milestone.milestone} className={milestone.completedAt ? 'done' : undefined}>
            <strong>{translateKey(t, 'milestone', milestone.milestone)}</strong>{' '}
            <span className="muted">
              {t('community_milestone_target')}: <When date={milestone.targetDate} />
              {milestone.completedAt ? <> · {t('community_milestone_done')}: <When at={milestone.completedAt} /></> : null}
            </span>
          </li>
        ))}
      </ol>
    </Section>
  );
}
