import { type FormEvent, useState } from 'react';
import { api, unwrap, type Answer } from '../api/client.js';
import { Badge, Empty, ErrorNote, Field, FieldError, Loadable, Section } from '../components.js';
import { useAction, usePolled } from '../hooks.js';
import { localized, translateKey, useI18n } from '../i18n.js';
import { linkProps } from '../router.js';
import { can, type SessionInfo } from '../session.js';
import { formatDateTime } from '../time.js';
import { Disclosure } from '../widgets.js';

// A station's brand (一站一品牌一特色): its name, the feature it is known for and the venture projects
// that carry it, each linking to its project page. The station page offers the form to record or
// edit it to the roles that may (its station lead, supervisors, admins); the community page shows
// it to everyone who sees the community.

type Brand = Answer<'/api/stations/{communityId}/brand'>;

export function StationBrand({ session, communityId, editable = false }: { session: SessionInfo; communityId: string; editable?: boolean }) {
  const { t } = useI18n();
  const brand = usePolled(() => unwrap(api.GET('/api/stations/{communityId}/brand', { params: { path: { communityId } } })), `brand:${communityId}`, 60_000);
  const none = brand.error?.status === 404 && brand.error.reason === 'brand_not_found';
  const canEdit = editable && can(session, 'brand.edit') && (none || brand.data !== undefined);
  return (
    <Section title={t('brand')} id="station-brand">
      <p className="muted">{t('brand_intro')}</p>
      {none ? <Empty>{t('brand_none')}</Empty> : <Loadable state={brand}>{(data) => <BrandFacts session={session} brand={data} />}</Loadable>}
      {canEdit ? <BrandForm key={brand.data?.updatedAt ?? 'new'} communityId={communityId} existing={none ? undefined : brand.data} onSaved={brand.reload} /> : null}
    </Section>
  );
}

function BrandFacts({ session, brand }: { session: SessionInfo; brand: Brand }) {
  const { t, locale } = useI18n();
  const linkable = can(session, 'venture.view');
  const at = formatDateTime(brand.updatedAt, locale);
  return (
    <>
      <dl className="facts" data-testid="station-brand">
        <dt>{t('brand_name')}</dt>
        <dd data-testid="brand-name"><strong>{localized(locale, brand.name)}</strong></dd>
        <dt>{t('brand_feature')}</dt>
        <dd className="prewrap" data-testid="brand-feature">{localized(locale, brand.feature)}</dd>
        <dt>{t('brand_projects')}</dt>
        <dd>
          {brand.projects.length === 0 ? <span className="muted">{t('brand_no_projects')}</span> : (
            <ul className="list" data-testid="brand-projects">
              {brand.projects.map((project) => (
                <li key={project.id} data-project={project.id}>
                  {linkable
                    ? <a {...linkProps(`/ventures/${encodeURIComponent(project.id)}`)}>{localized(locale, project.title)}</a>
                    : localized(locale, project.title)}{' '}
                  <Badge tone="info">{translateKey(t, 'venture_theme', project.theme)}</Badge>
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
      <p className="muted">{brand.updatedBy ? t('brand_updated', { at, by: brand.updatedBy }) : t('brand_updated_at', { at })}</p>
    </>
  );
}

/** Records the brand or replaces it whole; the projects offered are this community's own. */
function BrandForm({ communityId, existing, onSaved }: { communityId: string; existing: Brand | undefined; onSaved(): void }) {
  const { t, locale } = useI18n();
  const projects = usePolled(() => unwrap(api.GET('/api/venture-projects', { params: { query: { communityId } } })), `brand-projects:${communityId}`, 60_000);
  const [nameZh, setNameZh] = useState(existing?.name.zh ?? '');
  const [nameEn, setNameEn] = useState(existing && existing.name.en !== existing.name.zh ? existing.name.en : '');
  const [featureZh, setFeatureZh] = useState(existing?.feature.zh ?? '');
  const [featureEn, setFeatureEn] = useState(existing && existing.feature.en !== existing.feature.zh ? existing.feature.en : '');
  const [projectIds, setProjectIds] = useState<string[]>(existing?.projects.map((p) => p.id) ?? []);
  const save = useAction();
  const label = t(existing ? 'brand_edit' : 'brand_record');
  const toggle = (id: string) => setProjectIds((ids) => (ids.includes(id) ? ids.filter((other) => other !== id) : [...ids, id]));
  // Rejected projects are not offered, unless already linked.
  const offered = (projects.data?.items ?? []).filter((p) => p.status !== 'rejected' || projectIds.includes(p.id));
  const fields = ['name.zh', 'name.en', 'feature.zh', 'feature.en', 'projectIds'];
  const unplaced = save.error && !save.error.details.some((problem) => fields.some((field) => problem.path.endsWith(field)));

  return (
    <Disclosure label={label}>
      {(close) => {
        const submit = (event: FormEvent) => {
          event.preventDefault();
          // Checked projects go in the order the station's projects are listed.
          const ordered = offered.map((p) => p.id).filter((id) => projectIds.includes(id));
          const body = {
            name: { zh: nameZh, ...(nameEn.trim() ? { en: nameEn } : {}) },
            feature: { zh: featureZh, ...(featureEn.trim() ? { en: featureEn } : {}) },
            projectIds: [...ordered, ...projectIds.filter((id) => !ordered.includes(id))],
          };
          void save.run(() => unwrap(api.PUT('/api/stations/{communityId}/brand', { params: { path: { communityId } }, body })))
            .then((done) => { if (done) { close(); onSaved(); } });
        };
        return (
          <form className="form" onSubmit={submit} noValidate aria-label={label}>
            <Field label={t('brand_name_zh')} error={save.error?.fieldMessage('name.zh')}>
              <input name="brand-name-zh" value={nameZh} maxLength={60} onChange={(event) => setNameZh(event.target.value)} />
            </Field>
            <Field label={t('brand_name_en')} error={save.error?.fieldMessage('name.en')}>
              <input name="brand-name-en" value={nameEn} maxLength={60} onChange={(event) => setNameEn(event.target.value)} />
            </Field>
            <Field label={t('brand_feature_zh')} error={save.error?.fieldMessage('feature.zh')}>
              <textarea name="brand-feature-zh" rows={3} value={featureZh} maxLength={500} onChange={(event) => setFeatureZh(event.target.value)} />
            </Field>
            <Field label={t('brand_feature_en')} error={save.error?.fieldMessage('feature.en')}>
              <textarea name="brand-feature-en" rows={3} value={featureEn} maxLength={500} onChange={(event) => setFeatureEn(event.target.value)} />
            </Field>
            <fieldset className="choices">
              <legend>{t('brand_projects_choose')}</legend>
              <Loadable state={projects}>
                {() => offered.length === 0 ? <Empty>{t('brand_projects_none_to_choose')}</Empty> : (
                  <>
                    {offered.map((project) => (
                      <label key={project.id} className="inline">
                        <input type="checkbox" name="projectIds" value={project.id} checked={projectIds.includes(project.id)} onChange={() => toggle(project.id)} />
                        {localized(locale, project.title)}
                      </label>
                    ))}
                  </>
                )}
              </Loadable>
              <FieldError id={`brand-projects-error-${communityId}`} message={save.error?.fieldMessage('projectIds')} />
            </fieldset>
            <div className="buttons">
              <button type="submit" className="primary" disabled={save.running}>{t('save')}</button>
            </div>
            {unplaced ? <ErrorNote error={save.error} withFields /> : null}
          </form>
        );
      }}
    </Disclosure>
  );
}
