import { cloneElement, type FormEvent, type ReactElement, useMemo, useState } from 'react';
import { api, ApiError, unwrap, type Answer, type Body, type Query } from '../api/client.js';
import { useDimensionNames, useDimensions } from '../catalog.js';
import { Badge, Chart, Empty, ErrorNote, FieldError, Loadable, Pager, Section, When } from '../components.js';
import { useAction, usePolled } from '../hooks.js';
import { translateKey, useI18n, localized, type MessageKey } from '../i18n.js';
import { linkProps, navigate } from '../router.js';
import { can, workflowLink, type SessionInfo } from '../session.js';
import { isoToLocalInput, localInputToIso } from '../time.js';

type CycleStatus = NonNullable<Query<'/api/training-cycles'>['status']>;
type Cycle = Answer<'/api/training-cycles/{id}'>;
type CycleSession = Cycle['sessions'][number];
type Participant = NonNullable<Cycle['workers']>[number];
type AttendanceStatus = Body<'/api/training-cycles/{id}/attendance'>['records'][number]['status'];

const PAGE = 20;
const ATTENDANCE: readonly AttendanceStatus[] = ['present', 'late', 'excused', 'absent'];
const CYCLE_STATUSES: readonly CycleStatus[] = ['running', 'completed', 'cancelled'];

export function TrainingPage({ session, cycleId }: { session: SessionInfo; cycleId?: string }) {
  if (cycleId) return <CycleDetail session={session} cycleId={cycleId} />;
  return <CycleList session={session} />;
}

function CycleList({ session }: { session: SessionInfo }) {
  const { t } = useI18n();
  const [page, setPage] = useState(0);
  const [status, setStatus] = useState<CycleStatus | ''>('');
  const query = { status: status || undefined, limit: PAGE + 1, offset: page * PAGE };
  const cycles = usePolled(() => unwrap(api.GET('/api/training-cycles', { params: { query } })), `cycles:${status}:${page}`);
  return (
    <div className="stack">
      {can(session, 'training.launch') ? <LaunchForm /> : null}
      <Section title={t('training_cycles')} actions={
        <label className="inline">{t('filter')}
          <select value={status} onChange={(event) => { setStatus(event.target.value as CycleStatus | ''); setPage(0); }}>
            <option value="">{t('all')}</option>
            {CYCLE_STATUSES.map((s) => <option key={s} value={s}>{translateKey(t, 'status', s)}</option>)}
          </select>
        </label>
      }>
        <Loadable state={cycles} empty={(data) => data.items.length === 0}>
          {(data) => (
            <>
              <table className="table">
                <thead><tr><th scope="col">{t('cycle_name')}</th><th scope="col">{t('status')}</th><th scope="col">{t('participants')}</th><th scope="col">{t('starts_at')}</th></tr></thead>
                <tbody>
                  {data.items.slice(0, PAGE).map((cycle) => (
                    <tr key={cycle.id}>
                      <td><a {...linkProps(`/training/${encodeURIComponent(cycle.id)}`)}>{cycle.name}</a></td>
                      <td><Badge tone={cycle.status === 'running' ? 'info' : 'muted'}>{translateKey(t, 'status', cycle.status)}</Badge></td>
                      <td className="num">{cycle.participants}</td>
                      <td><When at={cycle.createdAt} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Pager page={page} hasMore={data.items.length > PAGE} onPage={setPage} />
            </>
          )}
        </Loadable>
      </Section>
    </div>
  );
}

/** A session being written; an empty dimension means the catalog's first. */
interface SessionDraft { dimension: string; level: string; startsAt: string; endsAt: string; place: string; trainer: string; capacity: string }
const blankSession = (): SessionDraft => ({ dimension: '', level: '1', startsAt: '', endsAt: '', place: '', trainer: '', capacity: '30' });

function LaunchForm() {
  const { t, locale } = useI18n();
  const [name, setName] = useState('');
  const [cohort, setCohort] = useState('');
  const [sessions, setSessions] = useState<SessionDraft[]>([blankSession()]);
  const [passMark, setPassMark] = useState('60');
  const [retakeDays, setRetakeDays] = useState('14');
  const action = useAction();
  const [launched, setLaunched] = useState<string>();
  const catalog = useDimensions();
  const dimensions = catalog.data ?? [];
  const dimensionOf = (draft: SessionDraft) => dimensions.find((d) => d.key === draft.dimension) ?? dimensions[0];

  const error = action.error;
  const fieldError = (path: string) => error?.details.find((detail) => detail.path === `body.${path}` || detail.path.startsWith(`body.${path}.`))?.message;
  const known = (path: string) => path === 'body.name' || path.startsWith('body.cohort') || path.startsWith('body.sessions') || path.startsWith('body.assessment');
  const otherErrors = error?.details.filter((detail) => !known(detail.path)) ?? [];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setLaunched(undefined);
    const workerIds = cohort.split(/[\s,，]+/).map((id) => id.trim()).filter(Boolean);
    const body: Body<'/api/training-cycles'> = {
      name,
      cohort: { workerIds },
      sessions: sessions.map((s) => ({
        dimension: dimensionOf(s)?.key ?? s.dimension, level: Number(s.level), startsAt: localInputToIso(s.startsAt), endsAt: localInputToIso(s.endsAt),
        place: s.place, trainer: s.trainer, capacity: Number(s.capacity),
      })),
      assessment: { passMark: Number(passMark), retakeWindowSeconds: Math.round(Number(retakeDays) * 86_400) },
    };
    const created = await action.run(() => unwrap(api.POST('/api/training-cycles', { body })));
    if (created) {
      setLaunched(created.id);
      setName('');
      setCohort('');
      setSessions([blankSession()]);
    }
  };

  const update = (index: number, patch: Partial<SessionDraft>) => setSessions((all) => all.map((s, i) => (i === index ? { ...s, ...patch } : s)));
  const input = (label: MessageKey, path: string, control: ReactElement<Record<string, unknown>>) => {
    const message = fieldError(path);
    const id = `launch-${path.replace(/\./g, '-')}`;
    return (
      <label className={message ? 'invalid' : undefined}>
        {t(label)}
        {cloneElement(control, { 'aria-invalid': message ? true : undefined, 'aria-describedby': message ? `${id}-error` : undefined, id })}
        <FieldError id={`${id}-error`} message={message} />
      </label>
    );
  };

  return (
    <Section title={t('launch_cycle')}>
      <form className="form" onSubmit={(event) => void submit(event)} noValidate aria-label={t('launch_cycle')}>
        {input('cycle_name', 'name', <input name="name" value={name} onChange={(event) => setName(event.target.value)} />)}
        {input('cohort', 'cohort', <textarea name="cohort" rows={2} value={cohort} placeholder={t('cohort_hint')} onChange={(event) => setCohort(event.target.value)} />)}
        <div className="form columns">
          {input('pass_mark', 'assessment.passMark', <input type="number" min={0} max={100} name="passMark" value={passMark} onChange={(event) => setPassMark(event.target.value)} />)}
          {input('retake_days', 'assessment.retakeWindowSeconds', <input type="number" min={1} name="retakeDays" value={retakeDays} onChange={(event) => setRetakeDays(event.target.value)} />)}
        </div>
        <fieldset>
          <legend>{t('sessions')}</legend>
          {catalog.error ? <ErrorNote error={catalog.error} onRetry={catalog.reload} /> : null}
          {sessions.map((s, index) => {
            const dimension = dimensionOf(s);
            return (
              <div className="session-row" key={index} role="group" aria-label={`${t('session')} ${index + 1}`}>
                {input('dimension', `sessions.${index}.dimension`, (
                  <select name={`sessions.${index}.dimension`} value={dimension?.key ?? ''} onChange={(event) => update(index, { dimension: event.target.value, level: '1' })}>
                    {dimensions.map((d) => <option key={d.key} value={d.key}>{localized(locale, d.name)}</option>)}
                  </select>
                ))}
                {input('level', `sessions.${index}.level`, (
                  <select name={`sessions.${index}.level`} value={s.level} onChange={(event) => update(index, { level: event.target.value })}>
                    {(dimension?.levels ?? []).map((level) => <option key={level.level} value={level.level}>{level.level} · {localized(locale, level.name)}</option>)}
                  </select>
                ))}
                {input('starts_at', `sessions.${index}.startsAt`, <input type="datetime-local" name={`sessions.${index}.startsAt`} value={s.startsAt} onChange={(event) => update(index, { startsAt: event.target.value })} />)}
                {input('ends_at', `sessions.${index}.endsAt`, <input type="datetime-local" name={`sessions.${index}.endsAt`} value={s.endsAt} onChange={(event) => update(index, { endsAt: event.target.value })} />)}
                {input('place', `sessions.${index}.place`, <input name={`sessions.${index}.place`} value={s.place} onChange={(event) => update(index, { place: event.target.value })} />)}
                {input('trainer', `sessions.${index}.trainer`, <input name={`sessions.${index}.trainer`} value={s.trainer} onChange={(event) => update(index, { trainer: event.target.value })} />)}
                {input('capacity', `sessions.${index}.capacity`, <input type="number" min={1} name={`sessions.${index}.capacity`} value={s.capacity} onChange={(event) => update(index, { capacity: event.target.value })} />)}
                {sessions.length > 1 ? <button type="button" onClick={() => setSessions((all) => all.filter((_, i) => i !== index))}>{t('remove')}</button> : null}
              </div>
            );
          })}
          <button type="button" onClick={() => setSessions((all) => [...all, blankSession()])}>{t('add_session')}</button>
          <FieldError id="launch-sessions-error" message={fieldError('sessions') && !sessions.some((_, i) => fieldError(`sessions.${i}`)) ? fieldError('sessions') : undefined} />
        </fieldset>
        {error && (error.details.length === 0 || otherErrors.length > 0) ? <ErrorNote error={otherErrors.length > 0 ? new ApiError(error.status, error.code, otherErrors.map((d) => `${d.path}: ${d.message}`).join('; ')) : error} /> : null}
        {error && error.details.length > 0 && otherErrors.length === 0 ? <p className="note error" role="alert">{error.message}</p> : null}
        <button type="submit" className="primary" disabled={action.running}>{t('launch')}</button>
        {launched ? <p className="note ok" role="status">{t('launched')}: <a {...linkProps(`/training/${encodeURIComponent(launched)}`)}>{launched}</a></p> : null}
      </form>
    </Section>
  );
}

function CycleDetail({ session, cycleId }: { session: SessionInfo; cycleId: string }) {
  const { t } = useI18n();
  const path = { id: cycleId };
  const cycle = usePolled(() => unwrap(api.GET('/api/training-cycles/{id}', { params: { path } })), `cycle:${cycleId}`);
  const cancel = useAction();
  const [reason, setReason] = useState('');
  const manage = can(session, 'training.manage');
  return (
    <div className="stack">
      <p><a {...linkProps('/training')}>← {t('training_cycles')}</a></p>
      <Loadable state={cycle}>
        {(data) => {
          const link = workflowLink(session, data.workflowId);
          const running = data.status === 'running';
          return (
            <>
              <Section title={`${data.name} · ${translateKey(t, 'status', data.status)}`}
                actions={link ? <a className="button" href={link} target="_blank" rel="noopener noreferrer" title={t('engine_console_note')}>{t('engine_console')}</a> : undefined}>
                <Progress cycle={data} />
                {manage && running ? (
                  <form className="actions" onSubmit={(event) => {
                    event.preventDefault();
                    void cancel.run(() => unwrap(api.POST('/api/training-cycles/{id}/cancel', { params: { path }, body: { reason } }))).then((done) => done && cycle.reload());
                  }}>
                    <label>{t('cancel_reason')}
                      <input name="reason" value={reason} onChange={(event) => setReason(event.target.value)}
                        aria-invalid={cancel.error?.fieldMessage('reason') ? true : undefined} aria-describedby="cancel-reason-error" />
                      <FieldError id="cancel-reason-error" message={cancel.error?.fieldMessage('reason')} />
                    </label>
                    <button type="submit" className="danger" disabled={cancel.running}>{t('cancel_cycle')}</button>
                    {!cancel.error?.fieldMessage('reason') ? <ErrorNote error={cancel.error} /> : null}
                  </form>
                ) : null}
              </Section>
              <Section title={t('sessions')}>
                {data.sessions.length === 0 ? <Empty /> : (
                  <ul className="sessions">
                    {data.sessions.map((s) => <SessionItem key={s.id} session={session} cycle={data} item={s} onChange={cycle.reload} running={running} />)}
                  </ul>
                )}
              </Section>
              <Section title={t('assessments')}>
                <p>{t('assessments')}: {data.assessments.assessed} · {t('passed')}: {data.assessments.passed}</p>
                {manage && running ? <AssessmentForm cycle={data} onChange={cycle.reload} /> : null}
              </Section>
              <Section title={t('participants')}>
                <Participants cycle={data} session={session} />
              </Section>
              <p className="muted"><When at={data.createdAt} /></p>
            </>
          );
        }}
      </Loadable>
    </div>
  );
}

function Progress({ cycle }: { cycle: Cycle }) {
  const { t } = useI18n();
  const dimensionName = useDimensionNames();
  // The end-of-cycle report has per-dimension figures; while it runs, attendance comes from the sessions.
  const report = cycle.report?.byDimension ?? [];
  const rows = report.length > 0
    ? report.map((row) => ({ key: row.dimension, name: dimensionName(row.dimension), attended: row.attendance.rate ?? 0, passed: row.passRate ?? 0 }))
    : [...new Set(cycle.sessions.map((s) => s.dimension))].map((dimension) => {
      const sessions = cycle.sessions.filter((s) => s.dimension === dimension && s.status !== 'cancelled');
      const taking = sessions.reduce((sum, s) => sum + s.taking, 0);
      const came = sessions.reduce((sum, s) => sum + s.attendance.present + s.attendance.late, 0);
      return { key: dimension, name: dimensionName(dimension), attended: taking ? came / taking : 0, passed: 0 };
    });
  const option = useMemo(() => (width: number) => ({
    grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
    legend: { top: 0 },
    // Each dimension's name wraps within its own column's width.
    xAxis: { type: 'category', data: rows.map((row) => row.name), axisLabel: { interval: 0, width: Math.max(48, Math.floor((width - 60) / Math.max(1, rows.length)) - 6), overflow: 'break', lineHeight: 13 } },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      { name: t('attendance'), type: 'bar', data: rows.map((row) => Math.round(row.attended * 100)) },
      { name: t('passed'), type: 'bar', data: rows.map((row) => Math.round(row.passed * 100)) },
    ],
    tooltip: { trigger: 'axis', confine: true },
  }), [rows, t]);
  if (rows.length === 0) return null;
  return (
    <>
      <h3>{t('progress_by_dimension')}</h3>
      <Chart option={option} label={t('progress_by_dimension')} height={260} />
    </>
  );
}

function SessionItem({ session, cycle, item, onChange, running }: { session: SessionInfo; cycle: Cycle; item: CycleSession; onChange(): void; running: boolean }) {
  const { t } = useI18n();
  const dimensionName = useDimensionNames();
  const manage = can(session, 'training.manage') && running;
  const [moving, setMoving] = useState(false);
  const [startsAt, setStartsAt] = useState(isoToLocalInput(item.startsAt));
  const [endsAt, setEndsAt] = useState(isoToLocalInput(item.endsAt));
  const move = useAction();
  const path = { id: cycle.id, sessionId: item.id };
  const participants = (cycle.workers ?? []).filter((p) => p.status !== 'withdrawn');
  return (
    <li className="session" data-session={item.id}>
      <div className="task-head">
        <strong><When at={item.startsAt} /> – <When at={item.endsAt} /></strong>
        <span>{dimensionName(item.dimension)} · {t('level')} {item.level}</span>
        <span className="muted">{item.place} · {item.trainer}</span>
        <Badge tone={item.status === 'cancelled' ? 'muted' : 'info'}>{translateKey(t, 'status', item.status)}</Badge>
        <span className="muted">{ATTENDANCE.map((status) => `${t(`attendance_${status}`)} ${item.attendance[status]}`).join(' · ')} / {item.taking}</span>
      </div>
      {manage && item.status !== 'cancelled' ? (
        <div className="buttons">
          <button type="button" onClick={() => setMoving((open) => !open)} aria-expanded={moving}>{t('move_session')}</button>
          <button type="button" className="danger" disabled={move.running}
            onClick={() => void move.run(() => unwrap(api.POST('/api/training-cycles/{id}/sessions/{sessionId}/cancel', { params: { path }, body: { reason: 'cancelled from the dashboard' } }))).then((done) => done && onChange())}>
            {t('cancel')}
          </button>
        </div>
      ) : null}
      {moving ? (
        <form className="actions" onSubmit={(event) => {
          event.preventDefault();
          void move.run(() => unwrap(api.POST('/api/training-cycles/{id}/sessions/{sessionId}/move', { params: { path }, body: { startsAt: localInputToIso(startsAt), endsAt: localInputToIso(endsAt) } })))
            .then((done) => { if (done) { setMoving(false); onChange(); } });
        }}>
          <label>{t('starts_at')}<input type="datetime-local" value={startsAt} onChange={(event) => setStartsAt(event.target.value)} /></label>
          <label>{t('ends_at')}<input type="datetime-local" value={endsAt} onChange={(event) => setEndsAt(event.target.value)} /></label>
          <button type="submit" className="primary" disabled={move.running}>{t('save')}</button>
        </form>
      ) : null}
      <ErrorNote error={move.error} />
      {can(session, 'training.manage') && participants.length > 0 ? (
        <details>
          <summary>{t('take_attendance')}</summary>
          <AttendanceForm cycleId={cycle.id} sessionId={item.id} participants={participants.filter((p) => p.sessionIds.includes(item.id))} onChange={onChange} />
        </details>
      ) : null}
    </li>
  );
}

function AttendanceForm({ cycleId, sessionId, participants, onChange }: { cycleId: string; sessionId: string; participants: Participant[]; onChange(): void }) {
  const { t } = useI18n();
  const [marks, setMarks] = useState<Record<string, AttendanceStatus | ''>>({});
  const action = useAction();
  return (
    <form onSubmit={(event) => {
      event.preventDefault();
      const records = Object.entries(marks).flatMap(([workerId, status]) => (status ? [{ workerId, status }] : []));
      void action.run(() => unwrap(api.POST('/api/training-cycles/{id}/attendance', { params: { path: { id: cycleId } }, body: { sessionId, records } }))).then((done) => done && onChange());
    }}>
      <table className="table compact">
        <tbody>
          {participants.map((p) => (
            <tr key={p.workerId}>
              <th scope="row">{p.name}</th>
              <td>
                <select aria-label={`${t('attendance')} ${p.name}`} value={marks[p.workerId] ?? ''} onChange={(event) => setMarks((all) => ({ ...all, [p.workerId]: event.target.value as AttendanceStatus | '' }))}>
                  <option value="">—</option>
                  {ATTENDANCE.map((status) => <option key={status} value={status}>{t(`attendance_${status}`)}</option>)}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="submit" className="primary" disabled={action.running}>{t('save')}</button>
      <ErrorNote error={action.error} />
    </form>
  );
}

function Participants({ cycle, session }: { cycle: Cycle; session: SessionInfo }) {
  const { t } = useI18n();
  const [page, setPage] = useState(0);
  const [filter, setFilter] = useState('');
  const all = (cycle.workers ?? []).filter((p) => !filter || `${p.workerId} ${p.name}`.toLowerCase().includes(filter.toLowerCase()));
  const shown = all.slice(page * PAGE, page * PAGE + PAGE);
  return (
    <>
      <label className="inline">{t('search')}<input type="search" value={filter} onChange={(event) => { setFilter(event.target.value); setPage(0); }} /></label>
      {shown.length === 0 ? <Empty /> : (
        <table className="table">
          <thead><tr><th scope="col">{t('worker')}</th><th scope="col">{t('status')}</th><th scope="col">{t('coaching_flags')}</th></tr></thead>
          <tbody>
            {shown.map((p) => (
              <tr key={p.workerId}>
                <td>{can(session, 'worker.view') ? <a {...linkProps(`/workers/${encodeURIComponent(p.workerId)}`)} onClick={(event) => { event.preventDefault(); navigate(`/workers/${encodeURIComponent(p.workerId)}`); }}>{p.name}</a> : p.name}</td>
                <td>{p.status}</td>
                <td>{p.coachingFlag ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager page={page} hasMore={all.length > (page + 1) * PAGE} onPage={setPage} />
    </>
  );
}

function AssessmentForm({ cycle, onChange }: { cycle: Cycle; onChange(): void }) {
  const { t } = useI18n();
  const dimensionName = useDimensionNames();
  const workers = (cycle.workers ?? []).filter((w) => w.status !== 'withdrawn');
  const tracks = [...new Map(cycle.sessions.map((s) => [`${s.dimension}:${s.level}`, { dimension: s.dimension, level: s.level }])).values()];
  const [workerId, setWorkerId] = useState('');
  const [track, setTrack] = useState('');
  const [score, setScore] = useState('');
  const action = useAction();
  const error = action.error;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const chosen = tracks.find((tr) => `${tr.dimension}:${tr.level}` === track) ?? tracks[0];
    const body = { workerId, dimension: chosen?.dimension ?? '', level: chosen?.level ?? 1, score: Number(score) };
    void action.run(() => unwrap(api.POST('/api/training-cycles/{id}/assessments', { params: { path: { id: cycle.id } }, body })))
      .then((done) => { if (done) { setScore(''); onChange(); } });
  };
  return (
    <form className="form columns" onSubmit={submit} aria-label={t('record_assessment')} noValidate>
      <label>{t('worker')}
        <select value={workerId} onChange={(event) => setWorkerId(event.target.value)} aria-describedby="assess-worker-error">
          <option value="">—</option>
          {workers.map((w) => <option key={w.workerId} value={w.workerId}>{w.name}</option>)}
        </select>
        <FieldError id="assess-worker-error" message={error?.fieldMessage('workerId')} />
      </label>
      <label>{t('dimension')}
        <select value={track} onChange={(event) => setTrack(event.target.value)}>
          {tracks.map((tr) => <option key={`${tr.dimension}:${tr.level}`} value={`${tr.dimension}:${tr.level}`}>{dimensionName(tr.dimension)} L{tr.level}</option>)}
        </select>
      </label>
      <label>{t('score')}
        <input type="number" min={0} max={100} value={score} onChange={(event) => setScore(event.target.value)} aria-describedby="assess-score-error" aria-invalid={error?.fieldMessage('score') ? true : undefined} />
        <FieldError id="assess-score-error" message={error?.fieldMessage('score')} />
      </label>
      <button type="submit" className="primary" disabled={action.running}>{t('record_assessment')}</button>
      {error && !error.fieldMessage('score') && !error.fieldMessage('workerId') ? <ErrorNote error={error} /> : null}
    </form>
  );
}
