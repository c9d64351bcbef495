import { useState, type FormEvent, type ReactNode } from 'react';
import { api, unwrap, type Answer } from '../api/client.js';
import { Badge, Empty, ErrorNote, FieldError, Loadable, Section } from '../components.js';
import { useAction, usePolled } from '../hooks.js';
import { localized, translateKey, useI18n, type MessageKey } from '../i18n.js';
import { can, type SessionInfo } from '../session.js';
import { shanghaiToday } from '../time.js';

// Five-party linkage (五社联动): social organisations, volunteers (their names and phones shown
// only on request, to the station's lead and supervisors, each showing audited by the API) with
// their hours, and charitable resources; lists with create and edit forms.

type Organisation = Answer<'/api/social-organisations'>['items'][number];
type Volunteer = Answer<'/api/volunteers'>['items'][number];
type Contact = Answer<'/api/volunteers/contacts'>['items'][number];
type Resource = Answer<'/api/charitable-resources'>['items'][number];
type Tab = 'organisations' | 'volunteers' | 'resources';
type Option = { id: string; name: string };

const ORGANISATION_KINDS = ['social_group', 'social_service_agency', 'foundation', 'community_based'] as const;
const RESOURCE_KINDS = ['money', 'goods', 'venue', 'service'] as const;
const THEMES = ['elderly', 'youth', 'community_governance', 'disabled', 'poverty_relief'] as const;
const TABS: Array<{ tab: Tab; label: MessageKey }> = [
  { tab: 'organisations', label: 'partners_organisations' }, { tab: 'volunteers', label: 'partners_volunteers' }, { tab: 'resources', label: 'partners_resources' },
];

const list = (text: string) => text.split(/[;；]/).map((part) => part.trim()).filter(Boolean);

export function PartnersPage({ session }: { session: SessionInfo }) {
  const { t, locale } = useI18n();
  const [tab, setTab] = useState<Tab>('organisations');
  const communities = usePolled(() => unwrap(api.GET('/api/communities')), 'communities', 60_000);
  const stations: Option[] = (communities.data?.items ?? []).filter((c) => c.station).map((c) => ({ id: c.id, name: localized(locale, c.name) }));
  // Where a record may be registered: the caller's own level (unless it is a station) and each station.
  const units: Option[] = [...(stations.some((s) => s.id === session.principal.scopeId) ? [] : [{ id: session.principal.scopeId, name: t('partners_scope_unit') }]), ...stations];
  return (
    <div className="stack">
      <h2>{t('partners')}</h2>
      <div className="buttons" role="tablist" aria-label={t('partners')}>
        {TABS.map((item) => (
          <button key={item.tab} type="button" role="tab" aria-selected={tab === item.tab} className={tab === item.tab ? 'primary' : ''} onClick={() => setTab(item.tab)}>{t(item.label)}</button>
        ))}
      </div>
      {tab === 'organisations' ? <Organisations session={session} units={units} stations={stations} /> : null}
      {tab === 'volunteers' ? <Volunteers session={session} stations={stations} /> : null}
      {tab === 'resources' ? <Resources session={session} units={units} /> : null}
      <p className="note">{t('partners_examples_note')}</p>
    </div>
  );
}

function Field({ label, name, error, children }: { label: MessageKey; name: string; error?: string; children: ReactNode }) {
  const { t } = useI18n();
  return <label>{t(label)}{children}<FieldError id={`${name}-error`} message={error} /></label>;
}

function Saved({ shown }: { shown: boolean }) {
  const { t } = useI18n();
  return shown ? <p className="note ok" role="status">{t('partners_saved')}</p> : null;
}

// ── Social organisations ─────────────────────────────────────────────────────────────────────

function Organisations({ session, units, stations }: { session: SessionInfo; units: Option[]; stations: Option[] }) {
  const { t, locale } = useI18n();
  const organisations = usePolled(() => unwrap(api.GET('/api/social-organisations')), 'social-organisations');
  const [editing, setEditing] = useState<Organisation | null>(null);
  const manage = can(session, 'partners.manage');
  return (
    <>
      <Section title={t('partners_organisations')}>
        <Loadable state={organisations} empty={(data) => data.items.length === 0}>
          {(data) => (
            <table className="table" data-testid="organisations">
              <thead>
                <tr>
                  <th scope="col">{t('organisation_name_zh')}</th><th scope="col">{t('organisation_kind')}</th><th scope="col">{t('partners_registered_by')}</th>
                  <th scope="col">{t('organisation_themes')}</th><th scope="col">{t('organisation_stations')}</th><th scope="col">{t('organisation_contact')}</th>
                  {manage ? <th scope="col">{t('partners_edit')}</th> : null}
                </tr>
              </thead>
              <tbody>
                {data.items.map((org) => (
                  <tr key={org.id} data-organisation={org.id}>
                    <td>{localized(locale, org.name)} {org.isExample ? <Badge tone="muted">{t('partners_example')}</Badge> : null}</td>
                    <td>{t(`organisation_kind_${org.kind}`)}</td>
                    <td>{localized(locale, org.orgUnit.name)}</td>
                    <td>{org.themes.map((theme) => translateKey(t, 'venture_theme', theme)).join('、')}</td>
                    <td>{org.stations.map((station) => localized(locale, station.name)).join('、')}</td>
                    <td>{org.contact ?? ''}</td>
                    {manage ? <td><button type="button" onClick={() => setEditing(org)}>{t('partners_edit')}</button></td> : null}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Loadable>
      </Section>
      {manage ? (
        <OrganisationForm key={editing?.id ?? 'new'} units={units} stations={stations} editing={editing}
          onSaved={() => { setEditing(null); organisations.reload(); }} onCancel={() => setEditing(null)} />
      ) : null}
    </>
  );
}

function OrganisationForm({ units, stations, editing, onSaved, onCancel }: {
  units: Option[]; stations: Option[]; editing: Organisation | null; onSaved(): void; onCancel(): void;
}) {
  const { t } = useI18n();
  const [orgUnitId, setOrgUnitId] = useState(editing?.orgUnit.id ?? '');
  const [zh, setZh] = useState(editing?.name.zh ?? '');
  const [en, setEn] = useState(editing && editing.name.en !== editing.name.zh ? editing.name.en : '');
  const [kind, setKind] = useState<Organisation['kind']>(editing?.kind ?? 'social_service_agency');
  const [registration, setRegistration] = useState(editing?.registrationNumber ?? '');
  const [contact, setContact] = useState(editing?.contact ?? '');
  const [services, setServices] = useState(editing?.services.join('; ') ?? '');
  const [themes, setThemes] = useState<string[]>(editing?.themes ?? []);
  const [stationIds, setStationIds] = useState<string[]>(editing?.stations.map((s) => s.id) ?? []);
  const save = useAction();
  const [saved, setSaved] = useState(false);
  const toggle = (values: string[], value: string) => (values.includes(value) ? values.filter((v) => v !== value) : [...values, value]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const body = {
      orgUnitId: orgUnitId || units[0]?.id || '', name: { zh, ...(en ? { en } : {}) }, kind, registrationNumber: registration || null, contact: contact || null,
      services: list(services), themes, stationIds,
    };
    void save.run(() => unwrap(editing
      ? api.PUT('/api/social-organisations/{organisationId}', { params: { path: { organisationId: editing.id } }, body })
      : api.POST('/api/social-organisations', { body })))
      .then((done) => { if (done) { setSaved(true); onSaved(); } });
  };
  const title = t(editing ? 'organisation_edit' : 'organisation_add');
  return (
    <Section title={title}>
      <form className="form columns" onSubmit={submit} noValidate aria-label={title}>
        <Field label="partners_registered_by" name="org-unit" error={save.error?.fieldMessage('orgUnitId')}>
          <select name="orgUnitId" value={orgUnitId || units[0]?.id || ''} onChange={(event) => setOrgUnitId(event.target.value)}>
            {units.map((unit) => <option key={unit.id} value={unit.id}>{unit.name}</option>)}
          </select>
        </Field>
        <Field label="organisation_name_zh" name="org-zh" error={save.error?.fieldMessage('name.zh')}><input name="zh" value={zh} onChange={(event) => setZh(event.target.value)} /></Field>
        <Field label="organisation_name_en" name="org-en" error={save.error?.fieldMessage('name.en')}><input name="en" value={en} onChange={(event) => setEn(event.target.value)} /></Field>
        <Field label="organisation_kind" name="org-kind" error={save.error?.fieldMessage('kind')}>
          <select name="kind" value={kind} onChange={(event) => setKind(event.target.value as Organisation['kind'])}>
            {ORGANISATION_KINDS.map((k) => <option key={k} value={k}>{t(`organisation_kind_${k}`)}</option>)}
          </select>
        </Field>
        <Field label="organisation_registration" name="org-registration" error={save.error?.fieldMessage('registrationNumber')}>
          <input name="registrationNumber" value={registration} onChange={(event) => setRegistration(event.target.value)} />
        </Field>
        <Field label="organisation_contact" name="org-contact" error={save.error?.fieldMessage('contact')}><input name="contact" value={contact} onChange={(event) => setContact(event.target.value)} /></Field>
        <Field label="organisation_services" name="org-services" error={save.error?.fieldMessage('services')}><input name="services" value={services} onChange={(event) => setServices(event.target.value)} /></Field>
        <fieldset className="choices">
          <legend>{t('organisation_themes')}</legend>
          {THEMES.map((theme) => (
            <label key={theme} className="inline"><input type="checkbox" checked={themes.includes(theme)} onChange={() => setThemes(toggle(themes, theme))} />{translateKey(t, 'venture_theme', theme)}</label>
          ))}
          <FieldError id="org-themes-error" message={save.error?.fieldMessage('themes')} />
        </fieldset>
        <fieldset className="choices">
          <legend>{t('organisation_stations')}</legend>
          {stations.map((station) => (
            <label key={station.id} className="inline"><input type="checkbox" name="stationIds" value={station.id} checked={stationIds.includes(station.id)} onChange={() => setStationIds(toggle(stationIds, station.id))} />{station.name}</label>
          ))}
          <FieldError id="org-stations-error" message={save.error?.fieldMessage('stationIds')} />
        </fieldset>
        <div className="buttons">
          <button type="submit" className="primary" disabled={save.running}>{t('save')}</button>
          {editing ? <button type="button" onClick={onCancel}>{t('cancel')}</button> : null}
        </div>
        {save.error && save.error.details.length === 0 ? <ErrorNote error={save.error} /> : null}
        <Saved shown={saved} />
      </form>
    </Section>
  );
}

// ── Volunteers ───────────────────────────────────────────────────────────────────────────────

function Volunteers({ session, stations }: { session: SessionInfo; stations: Option[] }) {
  const { t, locale } = useI18n();
  const [month, setMonth] = useState(shanghaiToday().slice(0, 7));
  const volunteers = usePolled(() => unwrap(api.GET('/api/volunteers', { params: { query: { month } } })), `volunteers:${month}`);
  const hours = usePolled(() => unwrap(api.GET('/api/volunteers/hours')), 'volunteer-hours');
  const [contacts, setContacts] = useState<Map<string, Contact> | null>(null);
  const [editing, setEditing] = useState<(Volunteer & Contact) | null>(null);
  const reveal = useAction();
  const personal = can(session, 'volunteers.manage');
  const showContacts = () => {
    void reveal.run(() => unwrap(api.GET('/api/volunteers/contacts'))).then((answer) => {
      if (answer) setContacts(new Map(answer.items.map((item) => [item.id, item])));
    });
  };
  const reload = () => {
    volunteers.reload();
    hours.reload();
    if (contacts) showContacts();
  };
  return (
    <>
      <Section title={t('partners_volunteers')}>
        <div className="buttons">
          <label className="inline">{t('volunteer_month')}<input type="month" value={month} onChange={(event) => setMonth(event.target.value || shanghaiToday().slice(0, 7))} /></label>
          {personal && !contacts ? <button type="button" onClick={showContacts} disabled={reveal.running}>{t('volunteer_show_contacts')}</button> : null}
        </div>
        {personal ? <p className="note">{t('volunteer_contacts_notice')}</p> : null}
        {reveal.error ? <ErrorNote error={reveal.error} /> : null}
        <Loadable state={volunteers} empty={(data) => data.items.length === 0}>
          {(data) => (
            <table className="table" data-testid="volunteers">
              <thead>
                <tr>
                  <th scope="col">{t('volunteer_id')}</th>
                  {contacts ? <><th scope="col">{t('volunteer_name')}</th><th scope="col">{t('volunteer_phone')}</th></> : null}
                  <th scope="col">{t('station')}</th><th scope="col">{t('volunteer_skills')}</th>
                  <th scope="col">{t('volunteer_hours_month')} ({data.month})</th><th scope="col">{t('volunteer_hours_total')}</th><th scope="col">{t('volunteer_active')}</th>
                  {contacts ? <th scope="col">{t('partners_edit')}</th> : null}
                </tr>
              </thead>
              <tbody>
                {data.items.map((volunteer) => {
                  const contact = contacts?.get(volunteer.id);
                  return (
                    <tr key={volunteer.id} data-volunteer={volunteer.id}>
                      <td>{volunteer.id} {volunteer.isExample ? <Badge tone="muted">{t('partners_example')}</Badge> : null}</td>
                      {contacts ? <><td>{contact?.name ?? ''}</td><td>{contact?.phone ?? ''}</td></> : null}
                      <td>{localized(locale, volunteer.communityName)}</td>
                      <td>{volunteer.skills.join('、')}</td>
                      <td className="num">{volunteer.hours.inMonth}</td>
                      <td className="num">{volunteer.hours.total}</td>
                      <td>{t(volunteer.active ? 'volunteer_active' : 'volunteer_inactive')}</td>
                      {contacts ? <td>{contact ? <button type="button" onClick={() => setEditing({ ...volunteer, ...contact })}>{t('partners_edit')}</button> : null}</td> : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </Loadable>
      </Section>
      <Section title={t('volunteer_hours_by_month')}>
        <Loadable state={hours} empty={(data) => data.months.length === 0}>
          {(data) => (
            <ul data-testid="volunteer-hours">
              {data.months.map((row) => (
                <li key={`${row.month}-${row.communityId}`}>
                  {localized(locale, stations.find((s) => s.id === row.communityId)?.name ?? row.communityId)} · {t('volunteer_hours_row', { month: row.month, hours: row.hours, volunteers: row.volunteers })}
                </li>
              ))}
            </ul>
          )}
        </Loadable>
      </Section>
      {can(session, 'volunteer_hours.log') ? <LogHours volunteers={volunteers.data?.items ?? []} onSaved={reload} /> : null}
      {personal ? (
        <VolunteerForm key={editing?.id ?? 'new'} stations={stations} editing={editing} onSaved={() => { setEditing(null); reload(); }} onCancel={() => setEditing(null)} />
      ) : null}
    </>
  );
}

function VolunteerForm({ stations, editing, onSaved, onCancel }: { stations: Option[]; editing: (Volunteer & Contact) | null; onSaved(): void; onCancel(): void }) {
  const { t } = useI18n();
  const [communityId, setCommunityId] = useState(editing?.communityId ?? '');
  const [name, setName] = useState(editing?.name ?? '');
  const [phone, setPhone] = useState(editing?.phone ?? '');
  const [skills, setSkills] = useState(editing?.skills.join('; ') ?? '');
  const [active, setActive] = useState(editing?.active ?? true);
  const save = useAction();
  const [saved, setSaved] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const body = { communityId: communityId || stations[0]?.id || '', name, phone: phone || null, skills: list(skills), active };
    void save.run(() => unwrap(editing
      ? api.PUT('/api/volunteers/{volunteerId}', { params: { path: { volunteerId: editing.id } }, body })
      : api.POST('/api/volunteers', { body })))
      .then((done) => { if (done) { setSaved(true); if (!editing) { setName(''); setPhone(''); setSkills(''); } onSaved(); } });
  };
  const title = t(editing ? 'volunteer_edit' : 'volunteer_add');
  return (
    <Section title={title}>
      <form className="form columns" onSubmit={submit} noValidate aria-label={title}>
        <Field label="station" name="volunteer-community" error={save.error?.fieldMessage('communityId')}>
          <select name="communityId" value={communityId || stations[0]?.id || ''} onChange={(event) => setCommunityId(event.target.value)}>
            {stations.map((station) => <option key={station.id} value={station.id}>{station.name}</option>)}
          </select>
        </Field>
        <Field label="volunteer_name" name="volunteer-name" error={save.error?.fieldMessage('name')}><input name="name" value={name} onChange={(event) => setName(event.target.value)} /></Field>
        <Field label="volunteer_phone" name="volunteer-phone" error={save.error?.fieldMessage('phone')}><input name="phone" value={phone} onChange={(event) => setPhone(event.target.value)} /></Field>
        <Field label="volunteer_skills" name="volunteer-skills" error={save.error?.fieldMessage('skills')}><input name="skills" value={skills} onChange={(event) => setSkills(event.target.value)} /></Field>
        <label className="inline"><input type="checkbox" name="active" checked={active} onChange={(event) => setActive(event.target.checked)} />{t('volunteer_still_active')}</label>
        <div className="buttons">
          <button type="submit" className="primary" disabled={save.running}>{t('save')}</button>
          {editing ? <button type="button" onClick={onCancel}>{t('cancel')}</button> : null}
        </div>
        {save.error && save.error.details.length === 0 ? <ErrorNote error={save.error} /> : null}
        <Saved shown={saved} />
      </form>
    </Section>
  );
}

function LogHours({ volunteers, onSaved }: { volunteers: Volunteer[]; onSaved(): void }) {
  const { t } = useI18n();
  const [volunteerId, setVolunteerId] = useState('');
  const [servedOn, setServedOn] = useState(shanghaiToday());
  const [hours, setHours] = useState('2');
  const [record, setRecord] = useState('');
  const [activity, setActivity] = useState('');
  const log = useAction();
  const [logged, setLogged] = useState<number>();
  const chosen = volunteerId || volunteers[0]?.id || '';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setLogged(undefined);
    void log.run(() => unwrap(api.POST('/api/volunteers/{volunteerId}/hours', {
      params: { path: { volunteerId: chosen } },
      body: { servedOn, hours: Number(hours), ...(record ? { serviceRecordId: record } : {}), ...(activity ? { activity } : {}) },
    }))).then((done) => { if (done) { setLogged(done.hours); onSaved(); } });
  };
  return (
    <Section title={t('volunteer_log')}>
      {volunteers.length === 0 ? <Empty /> : (
        <form className="form columns" onSubmit={submit} noValidate aria-label={t('volunteer_log')}>
          <Field label="volunteer_log_for" name="log-volunteer" error={undefined}>
            <select name="volunteerId" value={chosen} onChange={(event) => setVolunteerId(event.target.value)}>
              {volunteers.map((volunteer) => <option key={volunteer.id} value={volunteer.id}>{volunteer.id}</option>)}
            </select>
          </Field>
          <Field label="served_on" name="log-servedOn" error={log.error?.fieldMessage('servedOn')}><input type="date" name="servedOn" value={servedOn} onChange={(event) => setServedOn(event.target.value)} /></Field>
          <Field label="volunteer_log_hours" name="log-hours" error={log.error?.fieldMessage('hours')}><input type="number" step={0.25} min={0.25} name="hours" value={hours} onChange={(event) => setHours(event.target.value)} /></Field>
          <Field label="volunteer_log_record" name="log-record" error={log.error?.fieldMessage('serviceRecordId')}><input name="serviceRecordId" value={record} onChange={(event) => setRecord(event.target.value)} /></Field>
          <Field label="volunteer_log_activity" name="log-activity" error={log.error?.fieldMessage('activity')}><input name="activity" value={activity} onChange={(event) => setActivity(event.target.value)} /></Field>
          <button type="submit" className="primary" disabled={log.running}>{t('save')}</button>
          {log.error && log.error.details.length === 0 ? <ErrorNote error={log.error} /> : null}
          {logged !== undefined ? <p className="note ok" role="status">{t('volunteer_logged', { hours: logged })}</p> : null}
        </form>
      )}
    </Section>
  );
}

// ── Charitable resources ─────────────────────────────────────────────────────────────────────

function Resources({ session, units }: { session: SessionInfo; units: Option[] }) {
  const { t, locale } = useI18n();
  const resources = usePolled(() => unwrap(api.GET('/api/charitable-resources')), 'charitable-resources');
  const organisations = usePolled(() => unwrap(api.GET('/api/social-organisations')), 'social-organisations', 60_000);
  const [editing, setEditing] = useState<Resource | null>(null);
  const manage = can(session, 'partners.manage');
  const organisationName = (id: string | null) => {
    const org = organisations.data?.items.find((o) => o.id === id);
    return org ? localized(locale, org.name) : id ?? '';
  };
  return (
    <>
      <Section title={t('partners_resources')}>
        <Loadable state={resources} empty={(data) => data.items.length === 0}>
          {(data) => (
            <table className="table" data-testid="resources">
              <thead>
                <tr>
                  <th scope="col">{t('resource_received')}</th><th scope="col">{t('resource_donor')}</th><th scope="col">{t('resource_kind')}</th>
                  <th scope="col">{t('resource_amount')}</th><th scope="col">{t('partners_for')}</th><th scope="col">{t('resource_restrictions')}</th>
                  {manage ? <th scope="col">{t('partners_edit')}</th> : null}
                </tr>
              </thead>
              <tbody>
                {data.items.map((resource) => (
                  <tr key={resource.id} data-resource={resource.id}>
                    <td>{resource.receivedOn}</td>
                    <td>{resource.donor} {resource.organisationId ? `(${organisationName(resource.organisationId)})` : ''} {resource.isExample ? <Badge tone="muted">{t('partners_example')}</Badge> : null}</td>
                    <td>{t(`resource_kind_${resource.kind}`)}</td>
                    <td className="num">{resource.amount} {resource.unit}</td>
                    <td>{localized(locale, resource.orgUnit.name)}{resource.projectId ? ` · ${resource.projectId}` : ''}</td>
                    <td>{resource.restrictions ?? ''}</td>
                    {manage ? <td><button type="button" onClick={() => setEditing(resource)}>{t('partners_edit')}</button></td> : null}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Loadable>
      </Section>
      {manage ? (
        <ResourceForm key={editing?.id ?? 'new'} units={units} organisations={(organisations.data?.items ?? []).map((o) => ({ id: o.id, name: localized(locale, o.name) }))}
          editing={editing} onSaved={() => { setEditing(null); resources.reload(); }} onCancel={() => setEditing(null)} />
      ) : null}
    </>
  );
}

function ResourceForm({ units, organisations, editing, onSaved, onCancel }: {
  units: Option[]; organisations: Option[]; editing: Resource | null; onSaved(): void; onCancel(): void;
}) {
  const { t } = useI18n();
  const [orgUnitId, setOrgUnitId] = useState(editing?.orgUnit.id ?? '');
  const [donor, setDonor] = useState(editing?.donor ?? '');
  const [kind, setKind] = useState<Resource['kind']>(editing?.kind ?? 'money');
  const [amount, setAmount] = useState(editing ? String(editing.amount) : '');
  const [unit, setUnit] = useState(editing?.unit ?? '');
  const [restrictions, setRestrictions] = useState(editing?.restrictions ?? '');
  const [receivedOn, setReceivedOn] = useState(editing?.receivedOn ?? shanghaiToday());
  const [projectId, setProjectId] = useState(editing?.projectId ?? '');
  const [organisationId, setOrganisationId] = useState(editing?.organisationId ?? '');
  const save = useAction();
  const [saved, setSaved] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const body = {
      orgUnitId: orgUnitId || units[0]?.id || '', donor, kind, amount: amount === '' ? Number.NaN : Number(amount), unit, restrictions: restrictions || null, receivedOn,
      projectId: projectId || null, organisationId: organisationId || null,
    };
    void save.run(() => unwrap(editing
      ? api.PUT('/api/charitable-resources/{resourceId}', { params: { path: { resourceId: editing.id } }, body })
      : api.POST('/api/charitable-resources', { body })))
      .then((done) => { if (done) { setSaved(true); onSaved(); } });
  };
  const title = t(editing ? 'resource_edit' : 'resource_add');
  return (
    <Section title={title}>
      <form className="form columns" onSubmit={submit} noValidate aria-label={title}>
        <Field label="partners_for" name="resource-unit" error={save.error?.fieldMessage('orgUnitId')}>
          <select name="orgUnitId" value={orgUnitId || units[0]?.id || ''} onChange={(event) => setOrgUnitId(event.target.value)}>
            {units.map((item) => <option key={item.id} value={item.id}>{item.name}</option>)}
          </select>
        </Field>
        <Field label="resource_donor" name="resource-donor" error={save.error?.fieldMessage('donor')}><input name="donor" value={donor} onChange={(event) => setDonor(event.target.value)} /></Field>
        <Field label="resource_kind" name="resource-kind" error={save.error?.fieldMessage('kind')}>
          <select name="kind" value={kind} onChange={(event) => setKind(event.target.value as Resource['kind'])}>
            {RESOURCE_KINDS.map((k) => <option key={k} value={k}>{t(`resource_kind_${k}`)}</option>)}
          </select>
        </Field>
        <Field label="resource_amount" name="resource-amount" error={save.error?.fieldMessage('amount')}><input type="number" min={0} name="amount" value={amount} onChange={(event) => setAmount(event.target.value)} /></Field>
        <Field label="resource_unit" name="resource-unit-name" error={save.error?.fieldMessage('unit')}><input name="unit" value={unit} onChange={(event) => setUnit(event.target.value)} /></Field>
        <Field label="resource_received" name="resource-received" error={save.error?.fieldMessage('receivedOn')}><input type="date" name="receivedOn" value={receivedOn} onChange={(event) => setReceivedOn(event.target.value)} /></Field>
        <Field label="resource_restrictions" name="resource-restrictions" error={save.error?.fieldMessage('restrictions')}><input name="restrictions" value={restrictions} onChange={(event) => setRestrictions(event.target.value)} /></Field>
        <Field label="resource_project" name="resource-project" error={save.error?.fieldMessage('projectId')}><input name="projectId" value={projectId} onChange={(event) => setProjectId(event.target.value)} /></Field>
        <Field label="resource_organisation" name="resource-organisation" error={save.error?.fieldMessage('organisationId')}>
          <select name="organisationId" value={organisationId} onChange={(event) => setOrganisationId(event.target.value)}>
            <option value="">—</option>
            {organisations.map((org) => <option key={org.id} value={org.id}>{org.name}</option>)}
          </select>
        </Field>
        <div className="buttons">
          <button type="submit" className="primary" disabled={save.running}>{t('save')}</button>
          {editing ? <button type="button" onClick={onCancel}>{t('cancel')}</button> : null}
        </div>
        {save.error && save.error.details.length === 0 ? <ErrorNote error={save.error} /> : null}
        <Saved shown={saved} />
      </form>
    </Section>
  );
}
