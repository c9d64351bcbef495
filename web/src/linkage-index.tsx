import { useMemo } from 'react';
import type { Answer } from './api/client.js';
import { Badge, Chart, Empty } from './components.js';
import { localized, useI18n, type MessageKey } from './i18n.js';

// The five-party linkage index (五社联动指数): which of the five parties took part in a station's
// or a street's work over the last 90 days, as the API counts it from the records. Aggregates only:
// every role sees it, on the station page and the overview.

export type LinkageIndex = Answer<'/api/linkage-index'>;
type Party = keyof LinkageIndex['stations'][number]['parties'];

const PARTIES: readonly Party[] = ['community', 'socialOrganisation', 'socialWorker', 'volunteer', 'charitableResource'];
const partyLabel = (party: Party) => `linkage_party_${party}` as MessageKey;

/** One station's five parties: took part or not, with the figure behind each. */
export function StationLinkage({ index, communityId }: { index: LinkageIndex; communityId: string }) {
  const { t } = useI18n();
  const station = index.stations.find((s) => s.communityId === communityId);
  if (!station) return <Empty />;
  const figure: Record<Party, string> = {
    community: String(station.figures.communityRecords),
    socialOrganisation: String(station.figures.organisations),
    socialWorker: String(station.figures.socialWorkers),
    volunteer: `${station.figures.volunteers} · ${station.figures.volunteerHours} h`,
    charitableResource: String(station.figures.resources),
  };
  return (
    <>
      <p className="muted">{t('linkage_window', { from: index.from, to: index.to, days: index.days })}</p>
      <table className="table compact" data-testid="linkage-station">
        <tbody>
          {PARTIES.map((party) => (
            <tr key={party} data-party={party}>
              <th scope="row">{t(partyLabel(party))}</th>
              <td>{station.parties[party] ? <Badge tone="ok">{t('linkage_took_part')}</Badge> : <Badge tone="muted">{t('linkage_not_yet')}</Badge>}</td>
              <td className="num">{figure[party]}</td>
            </tr>
          ))}
          <tr><th scope="row">{t('linkage_score')}</th><td colSpan={2} className="num" data-testid="linkage-score">{station.score} / 5</td></tr>
        </tbody>
      </table>
      <p className="note">{t('linkage_note')}</p>
    </>
  );
}

/** Per street: how many stations each party took part in, as a bar chart and a table. */
export function StreetLinkage({ index }: { index: LinkageIndex }) {
  const { t, locale } = useI18n();
  const option = useMemo(() => ({
    grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1, max: Math.max(1, ...index.streets.map((s) => s.stations)) },
    yAxis: { type: 'category', inverse: true, data: PARTIES.map((party) => t(partyLabel(party))) },
    series: index.streets.map((street) => ({
      type: 'bar', name: localized(locale, street.streetName), data: PARTIES.map((party) => street.stationsWith[party]), label: { show: true, position: 'right' },
    })),
    tooltip: { trigger: 'axis', confine: true },
  }), [index, t, locale]);
  if (index.streets.length === 0) return <Empty />;
  return (
    <>
      <p className="muted">{t('linkage_window', { from: index.from, to: index.to, days: index.days })}</p>
      <Chart option={option} label={t('linkage_stations_with')} height={60 + PARTIES.length * 36 * index.streets.length} />
      <table className="table compact" data-testid="linkage-streets">
        <thead>
          <tr>
            <th scope="col">{t('linkage_stations_with')}</th>
            {index.streets.map((street) => <th key={street.streetId} scope="col" className="num">{t('linkage_street_row', { name: localized(locale, street.streetName), n: street.stations })}</th>)}
          </tr>
        </thead>
        <tbody>
          {PARTIES.map((party) => (
            <tr key={party}>
              <th scope="row">{t(partyLabel(party))}</th>
              {index.streets.map((street) => <td key={street.streetId} className="num">{street.stationsWith[party]}</td>)}
            </tr>
          ))}
          <tr>
            <th scope="row">{t('linkage_score')}</th>
            {index.streets.map((street) => <td key={street.streetId} className="num">{street.score} / 5</td>)}
          </tr>
        </tbody>
      </table>
      <p className="note">{t('linkage_note')}</p>
    </>
  );
}
