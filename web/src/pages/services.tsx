import { cloneElement, useMemo, useState, type ChangeEvent, type FormEvent, type ReactElement, type ReactNode } from 'react';
import { api, unwrap, type Answer } from '../api/client.js';
import { Badge, Chart, Empty, ErrorNote, FieldError, Loadable, Pager, Section } from '../components.js';
import { Downloads } from '../downloads.js';
import { describeProblem } from '../errors.js';
import { useAction, usePolled } from '../hooks.js';
import { localized, translateKey, useI18n } from '../i18n.js';
import { navigate } from '../router.js';
import { can, type SessionInfo } from '../session.js';
import { formatDate, shanghaiToday } from '../time.js';

// Service records (专业服务): residents served by month and kind (computed from the records by the
// API), the records of the stations in scope, recording one, importing a spreadsheet, and a
// casework record's case file for the station's lead and supervisors.

type Summary = Answer<'/api/reports/summary'>;
type RecordRow = Answer<'/api/service-records'>['items'][number];
type Kind = RecordRow['kind'];

const KINDS: readonly Kind[] = ['casework', 'group', 'community'];
const PAGE = 20;

export function ServicesPage({ session, communityId }: { session: SessionInfo; communityId?: string }) {
  const { t, locale } = useI18n();
  const communities = usePolled(() => unwrap(api.GET('/api/communities')), 'communities', 60_000);
  const summary = usePolled(() => unwrap(api.GET('/api/reports/summary')), 'summary');
  const [kind, setKind] = useState<Kind | ''>('');
  const [page, setPage] = useState(0);
  const query = { ...(communityId ? { communityId } : {}), ...(kind ? { kind } : {}), limit: PAGE, offset: page * PAGE };
  const records = usePolled(() => unwrap(api.GET('/api/service-records', { params: { query } })), `records:${JSON.stringify(query)}`);
  const withStation = communities.data?.items.filter((c) => c.station) ?? [];
  const reload = () => {
    records.reload();
    summary.reload();
  };

  return (
    <div className="stack">
      <Section title={t('residents_by_month')}>
        <Loadable state={summary}>{(data) => <ResidentsByPeriod summary={data} />}</Loadable>
      </Section>
      <Section title={t('service_records')} actions={<Downloads path="/api/exports/service-records" query={{ communityId, kind: kind || undefined }} />}>
        <div className="buttons">
          <label className="inline">{t('station')}
            <select value={communityId ?? ''} onChange={(event) => { setPage(0); navigate(event.target.value ? `/services?communityId=${encodeURIComponent(event.target.value)}` : '/services'); }}>
              <option value="">{t('all')}</option>
              {withStation.map((c) => <option key={c.id} value={c.id}>{localized(locale, c.name)}</option>)}
            </select>
          </label>
          <label className="inline">{t('service_kind')}
            <select value={kind} onChange={(event) => { setPage(0); setKind(event.target.value as Kind | ''); }}>
              <option value="">{t('all')}</option>
              {KINDS.map((k) => <option key={k} value={k}>{t(`kind_${k}`)}</option>)}
            </select>
          </label>
        </div>
        <Loadable state={records} empty={(data) => data.items.length === 0}>
          {(data) => (
            <>
              <p className="muted">{t('records_count', { n: data.total })}</p>
              <RecordTable session={session} items={data.items} />
              <Pager page={page} hasMore={(page + 1) * PAGE < data.total} onPage={setPage} />
              {data.items.some((r) => r.provenance === 'illustrative') ? <p className="note">{t('provenance_note')}</p> : null}
            </>
          )}
        </Loadable>
      </Section>
      {can(session, 'services.record') ? (
        <AddRecord communities={withStation.map((c) => ({ id: c.id, name: localized(locale, c.name) }))} themes={summary.data?.residentsServed.byTheme ?? []}
          communityId={communityId ?? (withStation.length === 1 ? withStation[0]!.id : undefined)} onAdded={reload} />
      ) : null}
      {can(session, 'services.import') ? <ImportRecords onImported={reload} /> : null}
    </div>
  );
}

function ResidentsByPeriod({ summary }: { summary: Summary }) {
  const { t, locale } = useI18n();
  const served = summary.residentsServed;
  // One stacked series per theme that served anyone, in the themes' own order.
  const option = useMemo(() => {
    const themes = served.byTheme.filter((theme) => served.byMonth.some((m) => (m.byTheme[theme.theme] ?? 0) > 0));
    return {
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      legend: { type: 'scroll', top: 0 },
      xAxis: { type: 'category', data: served.byMonth.map((m) => m.month) },
      yAxis: { type: 'value' },
      series: themes.map((theme) => ({
        type: 'bar', stack: 'residents', name: localized(locale, theme.name), data: served.byMonth.map((m) => m.byTheme[theme.theme] ?? 0),
      })),
      tooltip: { trigger: 'axis' },
    };
  }, [served.byMonth, served.byTheme, locale]);
  return (
    <>
      <p data-testid="services-total">{t('residents_total', { n: served.total })}</p>
      {served.byMonth.length === 0 ? <Empty /> : <Chart option={option} label={t('residents_by_month')} height={260} />}
      <table className="table compact sr-table" data-testid="residents-by-month">
        <tbody>{served.byMonth.map((m) => <tr key={m.month}><th scope="row">{m.month}</th><td className="num">{m.residentsServed}</td></tr>)}</tbody>
      </table>
      <h3>{t('residents_by_kind')}</h3>
      <table className="table compact" data-testid="residents-by-kind">
        <tbody>{served.byKind.map((k) => <tr key={k.kind}><th scope="row">{t(`kind_${k.kind}`)}</th><td className="num">{k.residentsServed}</td><td className="num muted">{t('records_count', { n: k.records })}</td></tr>)}</tbody>
      </table>
    </>
  );
}

function RecordTable({ session, items }: { session: SessionInfo; items: RecordRow[] }) {
  const { t, locale } = useI18n();
  const [open, setOpen] = useState<string>();
  return (
    <table className="table" data-testid="service-records">
      <thead>
        <tr>
          <th scope="col">{t('served_on')}</th><th scope="col">{t('station')}</th><th scope="col">{t('service_kind')}</th><th scope="col">{t('service_title')}</th>
          <th scope="col">{t('residents_served')}</th><th scope="col">{t('new_residents')}</th><th scope="col">{t('volunteer_hours')}</th><th scope="col">{t('case_file')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((r) => (
          <RecordRowView key={r.id} record={r} caseFile={open === r.id ? <CaseFile recordId={r.id} /> : null}>
            <td>{formatDate(r.servedOn, locale)}</td>
            <td>{localized(locale, r.communityName)}</td>
            <td>{translateKey(t, 'kind', r.kind)}</td>
            <td>{localized(locale, r.title)} {r.provenance === 'illustrative' ? <Badge tone="muted">{t('provenance_illustrative')}</Badge> : null}</td>
            <td className="num">{r.residentsServed}</td>
            <td className="num">{r.newResidents}</td>
            <td className="num">{r.volunteerHours}</td>
            <td>
              {r.kind === 'casework' && can(session, 'case_file') ? (
                <button type="button" className="link" aria-expanded={open === r.id} onClick={() => setOpen(open === r.id ? undefined : r.id)}>
                  {open === r.id ? t('case_file_hide') : t('case_file_open')}
                </button>
              ) : r.hasCaseFile ? <Badge tone="info">{t('has_case_file')}</Badge> : null}
            </td>
          </RecordRowView>
        ))}
      </tbody>
    </table>
  );
}

function RecordRowView({ record, caseFile, children }: { record: RecordRow; caseFile: ReactNode; children: ReactNode }) {
  return (
    <>
      <tr data-record={record.id}>{children}</tr>
      {caseFile ? <tr><td colSpan={8}>{caseFile}</td></tr> : null}
    </>
  );
}

const CASE_FIELDS = [
  ['residentName', 'resident_name'], ['gender', 'gender'], ['birthYear', 'birth_year'], ['phone', 'phone'], ['address', 'address'],
  ['needs', 'needs'], ['plan', 'service_plan'], ['notes', 'notes'],
] as const;
type CaseField = (typeof CASE_FIELDS)[number][0];

/** A casework record's case file: read (an audited read) only when opened, written by the lead or a supervisor. */
function CaseFile({ recordId }: { recordId: string }) {
  const { t } = useI18n();
  const path = { recordId };
  const file = usePolled(async () => {
    const { data, error, response } = await api.GET('/api/service-records/{recordId}/case-file', { params: { path } });
    if (response.status === 404) return null;
    if (error) return unwrap(Promise.resolve({ data, error, response }));
    return data ?? null;
  }, `case-file:${recordId}`, 3_600_000);
  const save = useAction();
  const [values, setValues] = useState<Partial<Record<CaseField, string>>>();
  const [saved, setSaved] = useState(false);
  const current = values ?? Object.fromEntries(CASE_FIELDS.map(([field]) => [field, file.data?.[field] == null ? '' : String(file.data[field])]));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const text = (field: CaseField) => (current[field]?.trim() ? current[field]!.trim() : null);
    const birthYear = text('birthYear');
    void save.run(() => unwrap(api.PUT('/api/service-records/{recordId}/case-file', {
      params: { path },
      body: {
        residentName: current.residentName?.trim() ?? '', gender: text('gender'), birthYear: birthYear === null ? null : Number(birthYear),
        phone: text('phone'), address: text('address'), needs: text('needs'), plan: text('plan'), notes: text('notes'),
      },
    }))).then((done) => { if (done) { setSaved(true); file.reload(); } });
  };
  return (
    <div className="case-file">
      <p className="note">{t('case_file_notice')}</p>
      {file.error ? <ErrorNote error={file.error} onRetry={file.reload} /> : null}
      {file.data === null ? <p className="muted">{t('case_file_none')}</p> : null}
      <form className="form columns" onSubmit={submit} aria-label={t('case_file')}>
        {CASE_FIELDS.map(([field, label]) => {
          const message = save.error?.fieldMessage(field);
          const multi = field === 'needs' || field === 'plan' || field === 'notes';
          const props = {
            name: field, value: current[field] ?? '', 'aria-invalid': message ? true : undefined, 'aria-describedby': message ? `case-${field}-error` : undefined,
            onChange: (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => setValues({ ...current, [field]: event.target.value }),
          };
          return (
            <label key={field}>{t(label)}
              {multi ? <textarea rows={2} {...props} /> : <input type={field === 'birthYear' ? 'number' : 'text'} {...props} />}
              <FieldError id={`case-${field}-error`} message={message} />
            </label>
          );
        })}
        <button type="submit" className="primary" disabled={save.running || file.loading}>{t('save')}</button>
        {save.error && save.error.details.length === 0 ? <ErrorNote error={save.error} /> : null}
        {saved ? <p className="note ok" role="status">{t('case_file_saved')}</p> : null}
      </form>
    </div>
  );
}

function AddRecord({ communities, themes, communityId, onAdded }: {
  communities: Array<{ id: string; name: string }>; themes: Summary['residentsServed']['byTheme']; communityId?: string; onAdded(): void;
}) {
  const { t, locale } = useI18n();
  const blank = { communityId: communityId ?? '', servedOn: shanghaiToday(), kind: 'community' as Kind, theme: themes[0]?.theme ?? '', title: '', residentsServed: '', newResidents: '', volunteerHours: '', note: '' };
  const [form, setForm] = useState(blank);
  const add = useAction();
  const [added, setAdded] = useState<string>();
  const set = (field: keyof typeof form) => (event: ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) => setForm({ ...form, [field]: event.target.value });
  const number = (value: string) => (value.trim() === '' ? undefined : Number(value));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAdded(undefined);
    void add.run(() => unwrap(api.POST('/api/service-records', {
      body: {
        communityId: form.communityId || communityId || '', servedOn: form.servedOn, kind: form.kind, theme: form.theme || themes[0]?.theme || '',
        title: { zh: form.title }, residentsServed: number(form.residentsServed) ?? Number.NaN,
        ...(number(form.newResidents) !== undefined ? { newResidents: number(form.newResidents) } : {}),
        ...(number(form.volunteerHours) !== undefined ? { volunteerHours: number(form.volunteerHours) } : {}),
        ...(form.note.trim() ? { note: form.note.trim() } : {}),
      },
    }))).then((done) => {
      if (!done) return;
      setAdded(done.id);
      setForm({ ...blank, communityId: form.communityId, theme: form.theme });
      onAdded();
    });
  };
  const field = (label: Parameters<typeof t>[0], name: string, control: ReactElement<Record<string, unknown>>) => {
    const message = add.error?.fieldMessage(name);
    const errorId = `add-${name}-error`;
    // The problem is shown under its field and tied to it, so a screen reader reads both.
    const tied = cloneElement(control, { 'aria-invalid': message ? true : undefined, 'aria-describedby': message ? errorId : undefined });
    return <label>{t(label)}{tied}<FieldError id={errorId} message={message} /></label>;
  };
  const others = add.error?.details.filter((d) => !['communityId', 'servedOn', 'kind', 'theme', 'title.zh', 'residentsServed', 'newResidents', 'volunteerHours', 'note'].some((f) => d.path.endsWith(f))) ?? [];
  return (
    <Section title={t('service_record_add')}>
      <form className="form columns" onSubmit={submit} noValidate aria-label={t('service_record_add')}>
        {field('station', 'communityId', (
          <select name="communityId" value={form.communityId || communityId || ''} onChange={set('communityId')}>
            <option value="" disabled>—</option>
            {communities.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        ))}
        {field('served_on', 'servedOn', <input type="date" name="servedOn" value={form.servedOn} onChange={set('servedOn')} />)}
        {field('service_kind', 'kind', <select name="kind" value={form.kind} onChange={set('kind')}>{KINDS.map((k) => <option key={k} value={k}>{t(`kind_${k}`)}</option>)}</select>)}
        {field('theme', 'theme', <select name="theme" value={form.theme || themes[0]?.theme || ''} onChange={set('theme')}>{themes.map((th) => <option key={th.theme} value={th.theme}>{localized(locale, th.name)}</option>)}</select>)}
        {field('service_title', 'title.zh', <input name="title" value={form.title} onChange={set('title')} />)}
        {field('residents_served', 'residentsServed', <input type="number" min={0} name="residentsServed" value={form.residentsServed} onChange={set('residentsServed')} />)}
        {field('new_residents', 'newResidents', <input type="number" min={0} name="newResidents" value={form.newResidents} onChange={set('newResidents')} />)}
        {field('volunteer_hours', 'volunteerHours', <input type="number" min={0} step="0.5" name="volunteerHours" value={form.volunteerHours} onChange={set('volunteerHours')} />)}
        {field('service_note', 'note', <textarea name="note" rows={2} value={form.note} onChange={set('note')} />)}
        <button type="submit" className="primary" disabled={add.running}>{t('submit')}</button>
        {add.error && (add.error.details.length === 0 || others.length > 0) ? <ErrorNote error={add.error} /> : null}
        {added ? <p className="note ok" role="status">{t('recorded')}: {added}</p> : null}
      </form>
    </Section>
  );
}

/** A spreadsheet as the import route takes it: CSV as text, .xlsx as base64. */
async function spreadsheetBody(file: File): Promise<{ csv: string } | { xlsx: string }> {
  if (file.name.toLowerCase().endsWith('.csv')) return { csv: await file.text() };
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let start = 0; start < bytes.length; start += 0x8000) binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  return { xlsx: btoa(binary) };
}

function ImportRecords({ onImported }: { onImported(): void }) {
  const { t, locale } = useI18n();
  const importing = useAction();
  const [result, setResult] = useState<{ imported: number; unchanged: number }>();
  const onFile = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setResult(undefined);
    void importing.run(async () => unwrap(api.POST('/api/service-records/import', { body: await spreadsheetBody(file) }))).then((done) => {
      if (!done) return;
      setResult(done);
      onImported();
    });
  };
  const problems = importing.error?.details ?? [];
  return (
    <Section title={t('service_record_import')}>
      <p className="muted">{t('service_import_hint')}</p>
      <label>{t('service_import_file')}
        <input type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" onChange={onFile} disabled={importing.running} />
      </label>
      {problems.length > 0 ? (
        <div role="alert" data-testid="import-problems">
          <p className="note error">{t('service_import_problems')}</p>
          <ul className="list">{problems.map((p, index) => <li key={index}><code>{p.path}</code> {describeProblem({ t, locale }, p)}</li>)}</ul>
        </div>
      ) : <ErrorNote error={importing.error} />}
      {result ? <p className="note ok" role="status">{t('service_imported', { n: result.imported, m: result.unchanged })}</p> : null}
    </Section>
  );
}
