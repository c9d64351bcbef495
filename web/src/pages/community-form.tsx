import { useState } from 'react';
import { api, unwrap } from '../api/client.js';
import { Field, useFieldErrors } from '../errors.js';
import { useAction } from '../hooks.js';
import { localized, useI18n } from '../i18n.js';
import { nameOf } from '../names.js';
import { navigate } from '../router.js';
import type { SessionInfo } from '../session.js';
import { Disclosure } from '../widgets.js';

// Creating a community (the overview) and editing one's names (its page), for admins, through
// `POST /api/communities` with one object: the API checks the street is in the admin's scope and
// answers problems by field, shown under each input.

const FIELDS = ['id', 'streetId', 'nameZh', 'nameEn'] as const;

export interface CommunityDraft { id: string; streetId: string; nameZh: string; nameEn: string; isPlaceholder: boolean }

export function CommunityForm({ session, streets, existing, onSaved }: { session: SessionInfo; streets: string[]; existing?: CommunityDraft; onSaved(id: string): void }) {
  const { t, locale } = useI18n();
  const save = useAction();
  const [draft, setDraft] = useState<CommunityDraft>(existing ?? { id: '', streetId: streets[0] ?? '', nameZh: '', nameEn: '', isPlaceholder: false });
  const [saved, setSaved] = useState(false);
  const problems = useFieldErrors(save.error, FIELDS);
  const set = (name: 'id' | 'nameZh' | 'nameEn') => (event: { target: { value: string } }) => { setDraft({ ...draft, [name]: event.target.value }); setSaved(false); };
  const streetName = (id: string) => nameOf(id, locale) ?? (session.scope?.id === id ? localized(locale, session.scope.name) : id);
  const label = existing ? t('community_edit') : t('community_new');
  return (
    <Disclosure label={label}>
      {() => (
        <form className="form" aria-label={label} noValidate onSubmit={(event) => {
          event.preventDefault();
          void save.run(() => unwrap(api.POST('/api/communities', { body: draft }))).then((done) => {
            if (!done) return;
            setSaved(true);
            onSaved(draft.id);
          });
        }}>
          {existing ? null : (
            <Field label={t('community_id')} error={problems.message('id')} hint={t('community_id_hint')}>
              <input name="id" value={draft.id} onChange={set('id')} autoComplete="off" required />
            </Field>
          )}
          {existing ? null : (
            <Field label={t('community_street')} error={problems.message('streetId')}>
              <select name="streetId" value={draft.streetId} onChange={(event) => setDraft({ ...draft, streetId: event.target.value })}>
                {streets.map((id) => <option key={id} value={id}>{streetName(id)}</option>)}
              </select>
            </Field>
          )}
          <Field label={t('community_name_zh')} error={problems.message('nameZh')}>
            <input name="nameZh" lang="zh-CN" value={draft.nameZh} onChange={set('nameZh')} required />
          </Field>
          <Field label={t('community_name_en')} error={problems.message('nameEn')}>
            <input name="nameEn" lang="en" value={draft.nameEn} onChange={set('nameEn')} required />
          </Field>
          <label className="inline">
            <input type="checkbox" name="isPlaceholder" checked={draft.isPlaceholder} onChange={(event) => { setDraft({ ...draft, isPlaceholder: event.target.checked }); setSaved(false); }} />
            {t('community_is_placeholder')}
          </label>
          <button type="submit" className="primary" disabled={save.running}>{t('save')}</button>
          {problems.rest ? <p className="field-error" role="alert">{problems.rest}</p> : null}
          {saved ? <p className="note ok" role="status" data-testid="community-saved">{t('community_saved')}</p> : null}
        </form>
      )}
    </Disclosure>
  );
}

/** After creating a community, its own page. */
export const openCommunity = (id: string) => navigate(`/communities/${encodeURIComponent(id)}`);
