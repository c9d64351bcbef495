import { useEffect, useState } from 'react';
import { api, unwrap, type Answer } from '../api/client.js';
import { Badge, ErrorNote, Loadable, Section } from '../components.js';
import { ConfirmAction } from '../confirm.js';
import { exportHref } from '../downloads.js';
import { useAction, usePolled } from '../hooks.js';
import { localized, translateKey, useI18n, type MessageKey } from '../i18n.js';
import { navigate } from '../router.js';
import { formatDateTime } from '../time.js';

// The station work manual (工作手册) as a page of its own: what a station is and does, then stage by
// stage and task by task the guidance and the evidence that counts, for any published version
// (picked here, printable as a PDF); a diff between two versions; and for the center's supervisors
// and admins the draft — made from the newest version, edited, discarded or published with a note.

type Manual = Answer<'/api/manual'>;
type Version = Answer<'/api/manual/version'>;
type Template = Version['template'];
type Task = Template['stages'][number]['tasks'][number];
type Diff = Answer<'/api/manual/diff'>;
type Draft = Answer<'/api/manual/draft'>;
const MAIN_TASKS: ReadonlyArray<Task['mainTask']> = ['post_building', 'talent_training', 'resource_linkage', 'professional_services'];

const query = (templateId: string | undefined) => (templateId ? { templateId } : {});
const pageUrl = (templateId: string | undefined, version: number) => `/manual?${new URLSearchParams({ ...(templateId ? { template: templateId } : {}), version: String(version) }).toString()}`;

export function ManualPage({ search }: { search: URLSearchParams }) {
  const { t } = useI18n();
  const templateId = search.get('template') ?? undefined;
  const manual = usePolled(() => unwrap(api.GET('/api/manual', { params: { query: query(templateId) } })), `manual:${templateId ?? ''}`, 60_000);
  return (
    <Loadable state={manual}>
      {(data) => {
        const wanted = Number(search.get('version'));
        const version = data.versions.some((v) => v.version === wanted) ? wanted : data.latestVersion;
        return (
          <div className="stack" data-testid="manual-page">
            <h1>{t('manual_title')}</h1>
            <About manual={data} />
            <VersionView manual={data} version={version} templateId={templateId} />
            {data.versions.length > 1 ? <DiffView manual={data} templateId={templateId} /> : null}
            {data.canEdit ? <DraftSection manual={data} templateId={templateId} onChange={manual.reload} /> : null}
          </div>
        );
      }}
    </Loadable>
  );
}

function About({ manual }: { manual: Manual }) {
  const { t, locale } = useI18n();
  return (
    <>
      <Section title={t('manual_what_station')}><p>{localized(locale, manual.about.station)}</p></Section>
      <Section title={t('manual_what_it_does')}>
        <dl className="guidance">
          {manual.about.mainTasks.map((task) => (
            <div key={task.key}><dt>{localized(locale, task.name)}</dt><dd>{localized(locale, task.description)}</dd></div>
          ))}
        </dl>
      </Section>
      <Section title={t('manual_how')}><p>{localized(locale, manual.about.stages)}</p></Section>
    </>
  );
}

function VersionView({ manual, version, templateId }: { manual: Manual; version: number; templateId: string | undefined }) {
  const { t, locale } = useI18n();
  const record = usePolled(() => unwrap(api.GET('/api/manual/version', { params: { query: { ...query(templateId), version } } })), `manual:${manual.templateId}:${version}`, 600_000);
  return (
    <Section title={t('manual_stage_tasks')} actions={<a className="button" href={exportHref(`/api/manual/version.pdf`, { version: String(version), templateId })} data-testid="manual-pdf">{t('manual_pdf')}</a>}>
      <label>{t('manual_version')}{' '}
        <select name="version" value={version} onChange={(event) => navigate(pageUrl(templateId, Number(event.target.value)))}>
          {manual.versions.map((v) => (
            <option key={v.version} value={v.version}>{t('manual_version_n', { version: v.version })}{v.version === manual.latestVersion ? t('manual_newest') : ''}</option>
          ))}
        </select>
      </label>
      <Loadable state={record}>
        {(data) => (
          <div className="stack" data-testid="manual-version" data-version={data.version}>
            <p className="muted">{data.publishedBy ? t('manual_published_by', { at: formatDateTime(data.publishedAt, locale), by: data.publishedBy }) : t('manual_published_at', { at: formatDateTime(data.publishedAt, locale) })}</p>
            {data.changeNote ? <p><strong>{t('manual_change_note')}</strong>: {data.changeNote}</p> : null}
            <p className="note">{data.provenance === 'project_default' ? t('manual_provenance_default') : t('manual_provenance_edited')}</p>
            <h2>{localized(locale, data.template.name)}</h2>
            {data.template.stages.map((stage) => (
              <section key={stage.stage} data-stage={stage.stage}>
                <h3>{localized(locale, stage.name)}</h3>
                <ul className="tasks">
                  {stage.tasks.map((task) => <TaskGuidance key={task.id} task={task} />)}
                </ul>
              </section>
            ))}
          </div>
        )}
      </Loadable>
    </Section>
  );
}

function TaskGuidance({ task }: { task: Task }) {
  const { t, locale } = useI18n();
  return (
    <li className="task" data-task={task.id}>
      <div className="task-head">
        <strong>{localized(locale, task.title)}</strong>
        <Badge tone="info">{translateKey(t, 'main_task', task.mainTask)}</Badge>
        <Badge tone={task.required ? 'warn' : 'muted'}>{task.required ? t('manual_required') : t('manual_optional')}</Badge>
        <span className="muted">{t('manual_due_days', { days: task.dueOffsetWorkingDays })}</span>
      </div>
      <dl className="guidance">
        <dt>{t('manual_why')}</dt><dd>{localized(locale, task.guidance.why)}</dd>
        <dt>{t('manual_how_to')}</dt><dd>{localized(locale, task.guidance.how)}</dd>
        <dt>{t('manual_evidence')}</dt><dd>{localized(locale, task.guidance.evidence)}</dd>
      </dl>
    </li>
  );
}

function DiffView({ manual, templateId }: { manual: Manual; templateId: string | undefined }) {
  const { t } = useI18n();
  const [from, setFrom] = useState(manual.versions[1]?.version ?? 1);
  const [to, setTo] = useState(manual.latestVersion);
  const diff = usePolled(() => unwrap(api.GET('/api/manual/diff', { params: { query: { ...query(templateId), from, to } } })), `diff:${manual.templateId}:${from}:${to}`, 600_000);
  const picker = (label: MessageKey, value: number, set: (n: number) => void, name: string) => (
    <label>{t(label)}{' '}
      <select name={name} value={value} onChange={(event) => set(Number(event.target.value))}>
        {manual.versions.map((v) => <option key={v.version} value={v.version}>{t('manual_version_n', { version: v.version })}</option>)}
      </select>
    </label>
  );
  return (
    <Section title={t('manual_diff')}>
      <div className="actions">{picker('manual_diff_from', from, setFrom, 'diffFrom')}{picker('manual_diff_to', to, setTo, 'diffTo')}</div>
      <Loadable state={diff}>{(data) => <DiffList diff={data} />}</Loadable>
    </Section>
  );
}

function DiffList({ diff }: { diff: Diff }) {
  const { t, locale } = useI18n();
  if (diff.names.length === 0 && diff.tasks.length === 0) return <p className="muted">{t('manual_diff_none')}</p>;
  const value = (v: string | number | boolean | null) => (v === null ? '—' : String(v));
  return (
    <ul className="list" data-testid="manual-diff">
      {diff.names.map((change) => <li key={change.field}><code>{change.field}</code>: {value(change.from)} → {value(change.to)}</li>)}
      {diff.tasks.map((change) => (
        <li key={change.taskId} data-change={change.change} data-task={change.taskId}>
          <Badge tone={change.change === 'added' ? 'ok' : change.change === 'removed' ? 'danger' : 'warn'}>{t(`manual_change_${change.change}`)}</Badge>{' '}
          <code>{change.taskId}</code> · {translateKey(t, 'stage', change.stage)}
          {change.change === 'changed'
            ? <ul>{change.fields.map((field) => <li key={field.field}><code>{field.field}</code>: {value(field.from)} → {value(field.to)}</li>)}</ul>
            : <> · {localized(locale, change.task.title)}</>}
        </li>
      ))}
    </ul>
  );
}

function DraftSection({ manual, templateId, onChange }: { manual: Manual; templateId: string | undefined; onChange(): void }) {
  const { t, locale } = useI18n();
  const create = useAction();
  if (!manual.draft) {
    return (
      <Section title={t('manual_draft')}>
        <p className="muted">{t('manual_draft_none')}</p>
        <button type="button" className="primary" disabled={create.running}
          onClick={() => void create.run(() => unwrap(api.POST('/api/manual/draft', { body: query(templateId) }))).then((made) => made && onChange())}>
          {t('manual_draft_create')}
        </button>
        <ErrorNote error={create.error} />
      </Section>
    );
  }
  const draft = manual.draft;
  return (
    <Section title={t('manual_draft')}>
      <p className="muted" data-testid="draft-info">{t('manual_draft_info', { version: draft.baseVersion, revision: draft.revision, by: draft.updatedBy, at: formatDateTime(draft.updatedAt, locale) })}</p>
      <DraftEditor key={`${draft.templateId}:${draft.createdAt}`} manual={manual} templateId={templateId} onChange={onChange} />
    </Section>
  );
}

function emptyTask(stage: string, index: number): Task {
  const text = { zh: '', en: '' };
  return {
    id: `${stage}-task-${index}`, mainTask: 'professional_services', title: { ...text }, dueOffsetWorkingDays: 10, required: true,
    guidance: { why: { ...text }, how: { ...text }, evidence: { ...text } },
  };
}

function DraftEditor({ manual, templateId, onChange }: { manual: Manual; templateId: string | undefined; onChange(): void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<Draft>();
  const [content, setContent] = useState<Template>();
  const load = useAction();
  const save = useAction();
  const discard = useAction();
  const publish = useAction();
  const [saved, setSaved] = useState<number>();
  const [changesKey, setChangesKey] = useState(0);

  useEffect(() => {
    void load.run(() => unwrap(api.GET('/api/manual/draft', { params: { query: query(templateId) } }))).then((loaded) => {
      if (!loaded) return;
      setDraft(loaded);
      setContent(structuredClone(loaded.template));
    });
    // Loaded once per draft (the section's key names it); edits stay local until saved.
  }, [templateId, load.run]);

  if (!draft || !content) return load.error ? <ErrorNote error={load.error} /> : null;

  const update = (change: (next: Template) => void) => {
    const next = structuredClone(content);
    change(next);
    setContent(next);
    setSaved(undefined);
  };
  const saveDraft = () => save.run(() => unwrap(api.PUT('/api/manual/draft', {
    body: { ...query(templateId), revision: draft.revision, name: content.name, stages: content.stages },
  }))).then((next) => {
    if (!next) return false;
    setDraft(next);
    setSaved(next.revision);
    setChangesKey((k) => k + 1);
    onChange();
    return true;
  });
  // A refused save names each field: its problem shows under it, tied to it for screen readers.
  const problem = (name: string) => save.error?.fieldMessage(name);
  const invalid = (name: string) => (problem(name) ? { 'aria-invalid': true, 'aria-describedby': `problem-${name}` } : {});
  const fieldError = (name: string) => (problem(name) ? <span id={`problem-${name}`} className="field-error" role="alert" data-field={name}>{problem(name)}</span> : null);
  const text = (label: string, value: string, set: (v: string) => void, name: string, area = false) => (
    <label>{label}
      {area
        ? <textarea name={name} rows={2} value={value} onChange={(event) => set(event.target.value)} {...invalid(name)} />
        : <input name={name} value={value} onChange={(event) => set(event.target.value)} {...invalid(name)} />}
      {fieldError(name)}
    </label>
  );
  const both = (label: string, value: { zh: string; en: string }, set: (lang: 'zh' | 'en', v: string) => void, name: string, area = false) => (
    <fieldset className="pair"><legend>{label}</legend>
      {text(t('chinese'), value.zh, (v) => set('zh', v), `${name}.zh`, area)}
      {text(t('english'), value.en, (v) => set('en', v), `${name}.en`, area)}
    </fieldset>
  );

  return (
    <div className="stack" data-testid="draft-editor">
    <form className="stack" aria-label={t('manual_draft')} onSubmit={(event) => { event.preventDefault(); void saveDraft(); }}>
      {both(t('manual_manual_name'), content.name, (lang, v) => update((next) => { next.name[lang] = v; }), 'name')}
      {content.stages.map((stage, s) => (
        <fieldset key={stage.stage} data-stage={stage.stage}>
          <legend>{translateKey(t, 'stage', stage.stage)}</legend>
          {both(t('manual_stage_name'), stage.name, (lang, v) => update((next) => { next.stages[s]!.name[lang] = v; }), `stages.${s}.name`)}
          {stage.tasks.map((task, i) => {
            const at = (change: (target: Task) => void) => update((next) => change(next.stages[s]!.tasks[i]!));
            const field = `stages.${s}.tasks.${i}`;
            return (
              <fieldset key={i} className="task" data-task-index={i}>
                <legend>{task.title.zh || task.id}</legend>
                {text(t('manual_task_id'), task.id, (v) => at((x) => { x.id = v; }), `${field}.id`)}
                {both(t('manual_task_title'), task.title, (lang, v) => at((x) => { x.title[lang] = v; }), `${field}.title`)}
                <label>{t('manual_main_task')}
                  <select name={`${field}.mainTask`} value={task.mainTask} onChange={(event) => at((x) => { x.mainTask = event.target.value as Task['mainTask']; })}>
                    {MAIN_TASKS.map((key) => <option key={key} value={key}>{translateKey(t, 'main_task', key)}</option>)}
                  </select>
                </label>
                <label>{t('manual_due_offset')}
                  <input name={`${field}.dueOffsetWorkingDays`} type="number" min={0} max={250} value={task.dueOffsetWorkingDays}
                    onChange={(event) => at((x) => { x.dueOffsetWorkingDays = Number(event.target.value); })} {...invalid(`${field}.dueOffsetWorkingDays`)} />
                  {fieldError(`${field}.dueOffsetWorkingDays`)}
                </label>
                <label className="inline"><input name={`${field}.required`} type="checkbox" checked={task.required} onChange={(event) => at((x) => { x.required = event.target.checked; })} />{t('manual_required')}</label>
                {both(t('manual_why'), task.guidance.why, (lang, v) => at((x) => { x.guidance.why[lang] = v; }), `${field}.guidance.why`, true)}
                {both(t('manual_how_to'), task.guidance.how, (lang, v) => at((x) => { x.guidance.how[lang] = v; }), `${field}.guidance.how`, true)}
                {both(t('manual_evidence'), task.guidance.evidence, (lang, v) => at((x) => { x.guidance.evidence[lang] = v; }), `${field}.guidance.evidence`, true)}
                <button type="button" className="danger" onClick={() => update((next) => { next.stages[s]!.tasks.splice(i, 1); })}>{t('manual_remove_task')}</button>
              </fieldset>
            );
          })}
          <button type="button" onClick={() => update((next) => { next.stages[s]!.tasks.push(emptyTask(stage.stage, next.stages[s]!.tasks.length + 1)); })}>{t('manual_add_task')}</button>
        </fieldset>
      ))}
      <div className="actions">
        <button type="submit" className="primary" disabled={save.running}>{t('manual_save_draft')}</button>
        {saved !== undefined ? <span role="status">{t('manual_saved', { revision: saved })}</span> : null}
      </div>
      <ErrorNote error={save.error} withFields />
    </form>
      <DraftChanges key={changesKey} manual={manual} templateId={templateId} baseVersion={draft.baseVersion} />
      <div className="actions">
        <ConfirmAction label={t('manual_publish')} title={t('manual_publish_title', { version: manual.latestVersion + 1 })}
          consequence={<p>{t('manual_publish_consequence', { version: manual.latestVersion + 1 })}</p>}
          reason={{ label: t('manual_change_note_label'), required: true, field: 'changeNote' }} confirmLabel={t('manual_publish')}
          error={publish.error} running={publish.running}
          onConfirm={async ({ reason }) => {
            const published = await publish.run(() => unwrap(api.POST('/api/manual/draft/publish', { body: { ...query(templateId), changeNote: reason } })));
            if (!published) return false;
            onChange();
            navigate(pageUrl(templateId, published.version));
            return true;
          }} />
        <ConfirmAction label={t('manual_discard_draft')} title={t('manual_discard_title')} tone="danger" consequence={<p>{t('manual_discard_consequence')}</p>}
          confirmLabel={t('manual_discard_draft')} error={discard.error} running={discard.running}
          onConfirm={async () => {
            const done = await discard.run(() => unwrap(api.POST('/api/manual/draft/discard', { body: query(templateId) })));
            if (done) onChange();
            return Boolean(done);
          }} />
      </div>
    </div>
  );
}

function DraftChanges({ manual, templateId, baseVersion }: { manual: Manual; templateId: string | undefined; baseVersion: number }) {
  const { t } = useI18n();
  const diff = usePolled(() => unwrap(api.GET('/api/manual/diff', { params: { query: { ...query(templateId), from: baseVersion, to: 'draft' } } })), `draft-diff:${manual.templateId}`, 600_000);
  return (
    <section>
      <h3>{t('manual_draft_changes', { version: baseVersion })}</h3>
      <Loadable state={diff}>{(data) => <DiffList diff={data} />}</Loadable>
    </section>
  );
}
