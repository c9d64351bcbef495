import { useState } from 'react';
import { api, ApiError, unwrap, type Body } from '../api/client.js';
import { Field, useFieldErrors } from '../errors.js';
import { useAction, usePolled } from '../hooks.js';
import { localized, translateKey, useI18n } from '../i18n.js';
import { navigate } from '../router.js';
import type { SessionInfo } from '../session.js';
import { Disclosure } from '../widgets.js';

// Adding a worker (admins; `POST /api/workers` with one object). The route creates or replaces, so
// the form first asks whether the id is taken and refuses it at its field rather than overwrite a
// record. The API checks the org unit is in the admin's scope; its problems show under each field.

type WorkerBody = Extract<Body<'/api/workers'>, { id: string }>;
type Position = WorkerBody['position'];
type Channel = NonNullable<WorkerBody['channels']>[number];

const POSITIONS: readonly Position[] = ['social_worker', 'station_lead', 'center_supervisor', 'leadership', 'trainer', 'admin'];
const CHANNELS: readonly Channel[] = ['inbox', 'email', 'wecom'];
const FIELDS = ['id', 'orgUnitId', 'communityId', 'name', 'position', 'email', 'phone', 'channels'] as const;

export function WorkerForm({ session }: { session: SessionInfo }) {
  const { t, locale } = useI18n();
  const communities = usePolled(() => unwrap(api.GET('/api/communities')), 'communities', 600_000);
  const save = useAction();
  const [taken, setTaken] = useState(false);
  const [draft, setDraft] = useState({ id: '', communityId: '', name: '', position: 'social_worker' as Position, email: '', phone: '', channels: ['inbox'] as Channel[], locale: 'zh-CN' as 'zh-CN' | 'en' });
  const problems = useFieldErrors(save.error, FIELDS);
  const set = (name: 'id' | 'name' | 'email' | 'phone') => (event: { target: { value: string } }) => { setDraft({ ...draft, [name]: event.target.value }); if (name === 'id') setTaken(false); };
  const submit = async () => {
    setTaken(false);
    save.setError(undefined);
    const id = draft.id.trim();
    if (id) {
      // Taken already? The route would replace that record: refuse here instead.
      const existing = await api.GET('/api/workers/{workerId}', { params: { path: { workerId: id } } });
      if (existing.response.status === 200) {
        setTaken(true);
        return;
      }
    }
    const body: WorkerBody = {
      id, orgUnitId: draft.communityId || session.principal.scopeId, communityId: draft.communityId || null, name: draft.name, position: draft.position,
      email: draft.email, phone: draft.phone, channels: draft.channels, locale: draft.locale,
    };
    const done = await save.run(() => unwrap(api.POST('/api/workers', { body })));
    if (done) navigate(`/workers/${encodeURIComponent(id)}`);
  };
  const idError = taken ? t('worker_id_taken') : problems.message('id');
  return (
    <Disclosure label={t('worker_new')}>
      {() => (
        <form className="form" aria-label={t('worker_new')} noValidate onSubmit={(event) => { event.preventDefault(); void submit().catch((error: unknown) => save.setError(error instanceof ApiError ? error : new ApiError(0, 'internal', String(error)))); }}>
          <Field label={t('worker_id')} error={idError} hint={t('community_id_hint')}>
            <input name="id" value={draft.id} onChange={set('id')} autoComplete="off" required />
          </Field>
          <Field label={t('my_worker_name')} error={problems.message('name')}>
            <input name="name" value={draft.name} onChange={set('name')} autoComplete="off" required />
          </Field>
          <Field label={t('my_worker_position')} error={problems.message('position')}>
            <select name="position" value={draft.position} onChange={(event) => setDraft({ ...draft, position: event.target.value as Position })}>
              {POSITIONS.map((p) => <option key={p} value={p}>{translateKey(t, 'position', p)}</option>)}
            </select>
          </Field>
          <Field label={t('my_worker_community')} error={problems.message('communityId') ?? problems.message('orgUnitId')}>
            <select name="communityId" value={draft.communityId} onChange={(event) => setDraft({ ...draft, communityId: event.target.value })}>
              <option value="">{t('my_worker_no_community')}</option>
              {(communities.data?.items ?? []).map((c) => <option key={c.id} value={c.id}>{localized(locale, c.name)}</option>)}
            </select>
          </Field>
          <Field label={t('worker_email')} error={problems.message('email')}>
            <input name="email" type="email" value={draft.email} onChange={set('email')} autoComplete="off" />
          </Field>
          <Field label={t('worker_phone')} error={problems.message('phone')}>
            <input name="phone" type="tel" value={draft.phone} onChange={set('phone')} autoComplete="off" />
          </Field>
          <fieldset>
            <legend>{t('worker_channels')}</legend>
            {CHANNELS.map((channel) => (
              <label key={channel} className="inline">
                <input type="checkbox" name="channels" value={channel} checked={draft.channels.includes(channel)}
                  onChange={(event) => setDraft({ ...draft, channels: event.target.checked ? [...draft.channels, channel] : draft.channels.filter((c) => c !== channel) })} />
                {translateKey(t, 'channel', channel)}
              </label>
            ))}
            {problems.message('channels') ? <span className="field-error" role="alert">{problems.message('channels')}</span> : null}
          </fieldset>
          <button type="submit" className="primary" disabled={save.running}>{t('save')}</button>
          {problems.rest ? <p className="field-error" role="alert">{problems.rest}</p> : null}
        </form>
      )}
    </Disclosure>
  );
}
