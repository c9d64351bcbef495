import { type FormEvent, useMemo, useState } from 'react';
import { api, unwrap, type Answer, type Body, type Query } from '../api/client.js';
import { useDimensionNames, useDimensions } from '../catalog.js';
import { Badge, Chart, Empty, ErrorNote, Loadable, Pager, Section, When } from '../components.js';
import { ConfirmAction } from '../confirm.js';
import { Field, useFieldErrors } from '../errors.js';
import { Downloads } from '../downloads.js';
import { useAction, usePolled } from '../hooks.js';
import { translateKey, useI18n, localized } from '../i18n.js';
import { StationPicker, WorkerPicker } from '../pickers.js';
import { linkProps } from '../router.js';
import { can, workflowLink, type SessionInfo } from '../session.js';
import { isoToLocalInput, localInputToIso, sessionPhase, type SessionPhase } from '../time.js';

type CycleStatus = NonNullable<Query<'/api/training-cycles'>['status']>;
type Cycle = Answer<'/api/training-cycles/{id}'>;
type CycleSession = Cycle['sessions'][number];
type Participant = NonNullable<Cycle['workers']>[number];
type AttendanceStatus = Body<'/api/training-cycles/{id}/attendance'>['records'][number]['status'];

const PAGE = 20;
const ATTENDANCE: readonly AttendanceStatus[] = ['present', 'late', 'excused', 'absent'];
const CYCLE_STATUSES: readonly CycleStatus[] = ['running', 'completed', 'cancelled'];
const PHASE_TONE: Record<SessionPhase, string> = { scheduled: 'info', in_progress: 'warn', ended: 'ok', cancelled: 'none' };
/** Check-in opens this long before a session starts (the API's default, assessment.checkInOpensSeconds). */
const CHECK_IN_OPENS_MS = 30 * 60_000;

export function TrainingPage({ session, cycleId }: { session: SessionInfo; cycleId?: string }) {
  if (cycleId) return <CycleDetail session={session} cycleId={cycleId} />;
  return <CycleList session={session} />;
}

/** Who may record attendance and assessments, and for whom: station leads for their own station's workers. */
function recordableBy(session: SessionInfo, participants: Participant[]): Participant[] {
  if (!can(session, 'training.record')) return [];
  if (session.principal.role !== 'station_lead') return participants;
  return participants.filter((p) => p.communityId === session.principal.scopeId);
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
                <thead><tr><th scope="col">{t('cycle_name')}</th><th scope="col">{t('status')}</th><th scope="col">{t('participants')}</th><th scope="col">{t('first_session')}</th><th scope="col">{t('last_session')}</th></tr></thead>
                <tbody>
                  {data.items.slice(0, PAGE).map((cycle) => (
                    <tr key={cycle.id}>
                      <td><a {...linkProps(`/training/${encodeURIComponent(cycle.id)}`)}>{cycle.name}</a></td>
                      <td><Badge tone={cycle.status === 'running' ? 'info' : 'muted'}>{translateKey(t, 'status', cycle.status)}</Badge></td>
                      <td className="num">{cycle.participants}</td>
                      <td><When at={cycle.firstSessionAt} /></td>
                      <td><When at={cycle.lastSessionEndsAt} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Pager page={page} hasMore={data.items.length > PAGE} onPage={setPage} />
            </>
          )}
        </Loadable>
      </Section>
      <PassRateOverCycles />
    </div>
  );
}

/** How many cycles the trend shows: the latest completed ones. */
const TREND_CYCLES = 12;

/** Each dimension's pass rate across the latest completed cycles, oldest first, from their reports. */
function PassRateOverCycles() {
  const { t } = useI18n();
  const dimensionName = useDimensionNames();
  const query = { status: 'completed' as const, limit: TREND_CYCLES, offset: 0 };
  const cycles = usePolled(() => unwrap(api.GET('/api/training-cycles', { params: { query } })), 'cycles:trend');
  const items = useMemo(() => [...(cycles.data?.items ?? [])].filter((cycle) => cycle.passRateByDimension).reverse(), [cycles.data]);
  const dimensions = [...new Set(items.flatMap((cycle) => cycle.passRateByDimension!.map((row) => row.dimension)))].sort();
  const rateOf = (cycle: (typeof items)[number], dimension: string) => {
    const rate = cycle.passRateByDimension!.find((row) => row.dimension === dimension)?.passRate;
    return rate === null || rate === undefined ? null : Math.round(rate * 100);
  };
  const option = useMemo(() => ({
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    legend: { type: 'scroll', top: 0 },
    xAxis: { type: 'category', data: items.map((cycle) => cycle.name), axisLabel: { width: 96, overflow: 'truncate' } },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: dimensions.map((dimension) => ({ type: 'line', name: dimensionName(dimension), connectNulls: true, data: items.map((cycle) => rateOf(cycle, dimension)) })),
    tooltip: { trigger: 'axis', confine: true },
  }), [items, dimensions, dimensionName]);
  return (
    <Section title={t('pass_rate_over_cycles')}>
      {items.length === 0 ? <Empty>{t('pass_rate_over_cycles_none')}</Empty> : (
        <>
          <Chart option={option} label={t('pass_rate_over_cycles')} height={280} />
          <table className="table compact sr-table" data-testid="pass-rate-over-cycles">
            <thead><tr><th scope="col">{t('cycle_name')}</th>{dimensions.map((dimension) => <th key={dimension} scope="col">{dimensionName(dimension)}</th>)}</tr></thead>
            <tbody>
              {items.map((cycle) => (
                <tr key={cycle.id}>
                  <th scope="row">{cycle.name}</th>
                  {dimensions.map((dimension) => {
                    const rate = rateOf(cycle, dimension);
                    return <td key={dimension} className="num">{rate === null ? '—' : `${rate}%`}</td>;
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Section>
  );
}

/** A session being written; an empty dimension means the catalog's first. */
interface SessionDraft { dimension: string; level: string; startsAt: string; endsAt: string; place: string; trainer: string; capacity: string }
const blankSession = (): SessionDraft => ({ dimension: '', level: '1', startsAt: '', endsAt: '', place: '', trainer: '', capacity: '30' });

const DAY_SECONDS = 86_400;

function LaunchForm() {
  const { t, locale } = useI18n();
  const [name, setName] = useState('');
  const [stations, setStations] = useState<string[]>([]);
  const [workers, setWorkers] = useState<Array<{ id: string; name: string }>>([]);
  const [sessions, setSessions] = useState<SessionDraft[]>([blankSession()]);
  const [passMark, setPassMark] = useState('60');
  const [retakeDays, setRetakeDays] = useState('14');
  const [windowDays, setWindowDays] = useState('14');
  const [offsets, setOffsets] = useState('24, 1');
  const [quietStart, setQuietStart] = useState('21:00');
  const [quietEnd, setQuietEnd] = useState('08:00');
  const [workingDaysOnly, setWorkingDaysOnly] = useState(true);
  const action = useAction();
  const [launched, setLaunched] = useState<{ id: string; name: string }>();
  const catalog = useDimensions();
  const dimensions = catalog.data ?? [];
  const dimensionOf = (draft: SessionDraft) => dimensions.find((d) => d.key === draft.dimension) ?? dimensions[0];

  const fieldNames = [
    'name', 'cohort', 'assessment.passMark', 'assessment.retakeWindowSeconds', 'assessment.assessmentWindowSeconds',
    'reminderPolicy.offsetsSeconds', 'reminderPolicy.quietHours.start', 'reminderPolicy.quietHours.end',
    ...sessions.flatMap((_, index) => ['dimension', 'level', 'startsAt', 'endsAt', 'place', 'trainer', 'capacity', 'id'].map((field) => `sessions.${index}.${field}`)),
  ];
  const fields = useFieldErrors(action.error, fieldNames.map((field) => `body.${field}`));
  // A problem anywhere under a path (the cohort's stations and workers) shows at that field.
  const under = (path: string) => {
    const problem = action.error?.details.find((detail) => detail.path === `body.${path}` || detail.path.startsWith(`body.${path}.`));
    return problem ? fields.message(problem.path) : undefined;
  };
  const unplaced = action.error?.details.filter((detail) => !detail.path.startsWith('body.cohort') && !fieldNames.some((field) => detail.path === `body.${field}`)) ?? [];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setLaunched(undefined);
    const hours = offsets.split(/[\s,，]+/).map((value) => value.trim()).filter(Boolean).map(Number);
    const body: Body<'/api/training-cycles'> = {
      name,
      cohort: { stationIds: stations, workerIds: workers.map((worker) => worker.id) },
      sessions: sessions.map((s) => ({
        dimension: dimensionOf(s)?.key ?? s.dimension, level: Number(s.level), startsAt: localInputToIso(s.startsAt), endsAt: localInputToIso(s.endsAt),
        place: s.place, trainer: s.trainer, capacity: Number(s.capacity),
      })),
      assessment: {
        passMark: Number(passMark),
        retakeWindowSeconds: Math.round(Number(retakeDays) * DAY_SECONDS),
        assessmentWindowSeconds: Math.round(Number(windowDays) * DAY_SECONDS),
      },
      reminderPolicy: {
        offsetsSeconds: hours.map((value) => Math.round(value * 3600)),
        quietHours: quietStart && quietEnd ? { start: quietStart, end: quietEnd } : null,
        workingDaysOnly,
      },
    };
    const created = await action.run(() => unwrap(api.POST('/api/training-cycles', { body })));
    if (created) {
      setLaunched({ id: created.id, name });
      setName('');
      setStations([]);
      setWorkers([]);
      setSessions([blankSession()]);
    }
  };

  const update = (index: number, patch: Partial<SessionDraft>) => setSessions((all) => all.map((s, i) => (i === index ? { ...s, ...patch } : s)));
  const message = (path: string) => fields.message(`body.${path}`);

  return (
    <Section title={t('launch_cycle')}>
      <form className="form" onSubmit={(event) => void submit(event)} noValidate aria-label={t('launch_cycle')}>
        <Field label={t('cycle_name')} error={message('name')}><input name="name" value={name} onChange={(event) => setName(event.target.value)} /></Field>
        <div className="two">
          <StationPicker label={t('cohort_stations')} chosen={stations} onChange={setStations} error={under('cohort.stationIds')} />
          <WorkerPicker label={t('cohort_workers')} chosen={workers} onChange={setWorkers} error={under('cohort.workerIds') ?? message('cohort')} />
        </div>
        <fieldset>
          <legend>{t('sessions')}</legend>
          <p className="hint">{t('times_beijing')}</p>
          {catalog.error ? <ErrorNote error={catalog.error} onRetry={catalog.reload} /> : null}
          {sessions.map((s, index) => {
            const dimension = dimensionOf(s);
            const at = (field: string) => message(`sessions.${index}.${field}`);
            return (
              <div className="session-row" key={index} role="group" aria-label={`${t('session')} ${index + 1}`}>
                <Field label={t('dimension')} error={at('dimension')}>
                  <select name={`sessions.${index}.dimension`} value={dimension?.key ?? ''} onChange={(event) => update(index, { dimension: event.target.value, level: '1' })}>
                    {dimensions.map((d) => <option key={d.key} value={d.key}>{localized(locale, d.name)}</option>)}
                  </select>
                </Field>
                <Field label={t('level')} error={at('level')}>
                  <select name={`sessions.${index}.level`} value={s.level} onChange={(event) => update(index, { level: event.target.value })}>
                    {(dimension?.levels ?? []).map((level) => <option key={level.level} value={level.level}>{level.level} · {localized(locale, level.name)}</option>)}
                  </select>
                </Field>
                <Field label={t('starts_at')} error={at('startsAt')}><input type="datetime-local" name={`sessions.${index}.startsAt`} value={s.startsAt} onChange={(event) => update(index, { startsAt: event.target.value })} /></Field>
                <Field label={t('ends_at')} error={at('endsAt')}><input type="datetime-local" name={`sessions.${index}.endsAt`} value={s.endsAt} onChange={(event) => update(index, { endsAt: event.target.value })} /></Field>
                <Field label={t('place')} error={at('place')}><input name={`sessions.${index}.place`} value={s.place} onChange={(event) => update(index, { place: event.target.value })} /></Field>
                <Field label={t('trainer')} error={at('trainer')}><input name={`sessions.${index}.trainer`} value={s.trainer} onChange={(event) => update(index, { trainer: event.target.value })} /></Field>
                <Field label={t('capacity')} error={at('capacity') ?? at('id')}><input type="number" min={1} name={`sessions.${index}.capacity`} value={s.capacity} onChange={(event) => update(index, { capacity: event.target.value })} /></Field>
                {sessions.length > 1 ? <button type="button" onClick={() => setSessions((all) => all.filter((_, i) => i !== index))}>{t('remove')}</button> : null}
              </div>
            );
          })}
          <button type="button" onClick={() => setSessions((all) => [...all, blankSession()])}>{t('add_session')}</button>
          {message('sessions') ? <span className="field-error" role="alert">{message('sessions')}</span> : null}
        </fieldset>
        <fieldset>
          <legend>{t('assessment_rules')}</legend>
          <div className="form columns">
            <Field label={t('pass_mark')} error={message('assessment.passMark')}><input type="number" min={0} max={100} name="passMark" value={passMark} onChange={(event) => setPassMark(event.target.value)} /></Field>
            <Field label={t('assessment_window_days')} error={message('assessment.assessmentWindowSeconds')}><input type="number" min={1} name="windowDays" value={windowDays} onChange={(event) => setWindowDays(event.target.value)} /></Field>
            <Field label={t('retake_days')} error={message('assessment.retakeWindowSeconds')}><input type="number" min={1} name="retakeDays" value={retakeDays} onChange={(event) => setRetakeDays(event.target.value)} /></Field>
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('reminder_policy')}</legend>
          <div className="form columns">
            <Field label={t('reminder_offsets')} error={under('reminderPolicy.offsetsSeconds')}><input name="offsets" inputMode="decimal" value={offsets} onChange={(event) => setOffsets(event.target.value)} /></Field>
            <Field label={t('quiet_start')} error={message('reminderPolicy.quietHours.start')}><input type="time" name="quietStart" value={quietStart} onChange={(event) => setQuietStart(event.target.value)} /></Field>
            <Field label={t('quiet_end')} error={message('reminderPolicy.quietHours.end')}><input type="time" name="quietEnd" value={quietEnd} onChange={(event) => setQuietEnd(event.target.value)} /></Field>
          </div>
          <label className="inline"><input type="checkbox" checked={workingDaysOnly} onChange={(event) => setWorkingDaysOnly(event.target.checked)} /> {t('working_days_only')}</label>
        </fieldset>
        {action.error && (action.error.details.length === 0 || unplaced.length > 0) ? <ErrorNote error={action.error} withFields={unplaced.length > 0} /> : null}
        <button type="submit" className="primary" disabled={action.running}>{t('launch')}</button>
        {launched ? <p className="note ok" role="status">{t('launched')}: <a {...linkProps(`/training/${encodeURIComponent(launched.id)}`)}>{launched.name}</a></p> : null}
      </form>
    </Section>
  );
}

function CycleDetail({ session, cycleId }: { session: SessionInfo; cycleId: string }) {
  const { t } = useI18n();
  const path = { id: cycleId };
  const cycle = usePolled(() => unwrap(api.GET('/api/training-cycles/{id}', { params: { path } })), `cycle:${cycleId}`);
  const cancel = useAction();
  const manage = can(session, 'training.manage');
  return (
    <div className="stack">
      <p><a {...linkProps('/training')}>← {t('training_cycles')}</a></p>
      <Loadable state={cycle}>
        {(data) => {
          const link = workflowLink(session, data.workflowId);
          const running = data.status === 'running';
          const recordable = recordableBy(session, (data.workers ?? []).filter((w) => w.status !== 'withdrawn'));
          return (
            <>
              <Section title={`${data.name} · ${translateKey(t, 'status', data.status)}`}
                actions={
                  <span className="buttons">
                    <Downloads path={`/api/exports/training-cycles/${encodeURIComponent(data.id)}`} />
                    {link ? <a className="button" href={link} target="_blank" rel="noopener noreferrer" title={t('engine_console_note')}>{t('engine_console')}</a> : null}
                  </span>
                }>
                <Progress cycle={data} />
                {data.cancelReason ? <p>{t('cancel_reason')}: {data.cancelReason}</p> : null}
                {manage && running ? (
                  <ConfirmAction
                    label={t('cancel_cycle')} title={t('cancel_cycle_title')} tone="danger" confirmLabel={t('confirm_cancel_cycle')}
                    consequence={<p>{t('cancel_cycle_consequence', { n: data.participants.enrolled })}</p>}
                    reason={{ label: t('confirm_reason'), required: true }}
                    error={cancel.error} running={cancel.running}
                    onConfirm={async ({ reason }) => {
                      const done = await cancel.run(() => unwrap(api.POST('/api/training-cycles/{id}/cancel', { params: { path }, body: { reason } })));
                      if (done) cycle.reload();
                      return done !== undefined;
                    }}
                  />
                ) : null}
              </Section>
              <Section title={t('sessions')}>
                {data.sessions.length === 0 ? <Empty /> : (
                  <ul className="sessions">
                    {data.sessions.map((s) => <SessionItem key={s.id} session={session} cycle={data} item={s} onChange={cycle.reload} running={running} recordable={recordable} />)}
                  </ul>
                )}
              </Section>
              <Section title={t('assessments')}>
                <p>{t('assessments')}: {data.assessments.assessed} · {t('passed')}: {data.assessments.passed}</p>
                {running && recordable.length > 0 ? <AssessmentForm cycle={data} workers={recordable} onChange={cycle.reload} /> : null}
              </Section>
              {data.report ? <Report report={data.report} /> : null}
              {data.workers ? (
                <Section title={t('participants')}>
                  <Participants cycle={data} session={session} onChange={cycle.reload} />
                </Section>
              ) : null}
            </>
          );
        }}
      </Loadable>
    </div>
  );
}

function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${Math.round(rate * 100)}%`;
}

/** The report a cycle writes when it ends: attendance, pass rate and promotions per dimension. */
function Report({ report }: { report: NonNullable<Cycle['report']> }) {
  const { t } = useI18n();
  const dimensionName = useDimensionNames();
  return (
    <Section title={t('cycle_report')}>
      <p>
        {translateKey(t, 'status', report.status)} · <When at={report.generatedAt} /> · {t('attendance_rate')} {percent(report.attendance.rate)}
        {' '}· {t('pass_rate')} {percent(report.passRate)} · {t('promotions')} {report.promotions}
      </p>
      <table className="table compact" data-testid="cycle-report">
        <thead><tr><th scope="col">{t('dimension')}</th><th scope="col" className="num">{t('attendance_rate')}</th><th scope="col" className="num">{t('pass_rate')}</th><th scope="col" className="num">{t('promotions')}</th></tr></thead>
        <tbody>
          {report.byDimension.map((row) => (
            <tr key={row.dimension}>
              <th scope="row">{dimensionName(row.dimension)}</th>
              <td className="num">{percent(row.attendance.rate)}</td>
              <td className="num">{percent(row.passRate)}</td>
              <td className="num">{row.promotions}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
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

function SessionItem({ session, cycle, item, onChange, running, recordable }: {
  session: SessionInfo; cycle: Cycle; item: CycleSession; onChange(): void; running: boolean; recordable: Participant[];
}) {
  const { t } = useI18n();
  const dimensionName = useDimensionNames();
  const manage = can(session, 'training.manage') && running;
  const [moving, setMoving] = useState(false);
  const [startsAt, setStartsAt] = useState(isoToLocalInput(item.startsAt));
  const [endsAt, setEndsAt] = useState(isoToLocalInput(item.endsAt));
  const [reason, setReason] = useState('');
  const move = useAction();
  const cancel = useAction();
  const restore = useAction();
  const checkIn = useAction();
  const [checked, setChecked] = useState<string>();
  const path = { id: cycle.id, sessionId: item.id };
  const phase = sessionPhase(item);
  const takers = recordable.filter((p) => p.sessionIds.includes(item.id));
  const moveFields = useFieldErrors(move.error, ['body.startsAt', 'body.endsAt', 'body.reason']);
  const now = Date.now();
  const checkInOpen = running && phase !== 'cancelled' && now >= Date.parse(item.startsAt) - CHECK_IN_OPENS_MS && now < Date.parse(item.endsAt);
  const mayCheckIn = session.principal.role === 'social_worker' && session.principal.workerId !== null;
  return (
    <li className="session" data-session={item.id} data-phase={phase}>
      <div className="task-head">
        <strong><When at={item.startsAt} /> – <When at={item.endsAt} /></strong>
        <span>{dimensionName(item.dimension)} · {t('level')} {item.level}</span>
        <span className="muted">{item.place} · {item.trainer}</span>
        <Badge tone={PHASE_TONE[phase]}>{t(`phase_${phase}`)}</Badge>
        <span className="muted">{ATTENDANCE.map((status) => `${t(`attendance_${status}`)} ${item.attendance[status]}`).join(' · ')} / {item.taking}</span>
      </div>
      {item.changeReason ? <p className="muted">{t('change_reason')}: {item.changeReason}</p> : null}
      {mayCheckIn && checkInOpen ? (
        <div className="buttons">
          <button type="button" className="primary" disabled={checkIn.running || checked !== undefined}
            onClick={() => void checkIn.run(() => unwrap(api.POST('/api/training-cycles/{id}/check-in', { params: { path: { id: cycle.id } }, body: { sessionId: item.id } })))
              .then((done) => { if (done) { setChecked(done.status); onChange(); } })}>
            {t('check_in')}
          </button>
          {checked ? <span className="note ok" role="status">{t('checked_in', { status: translateKey(t, 'attendance', checked) })}</span> : null}
          <ErrorNote error={checkIn.error} />
        </div>
      ) : null}
      {manage && phase === 'scheduled' ? (
        <div className="buttons">
          <button type="button" onClick={() => setMoving((open) => !open)} aria-expanded={moving}>{t('move_session')}</button>
          <ConfirmAction
            label={t('cancel_session')} title={t('cancel_session_title')} tone="danger" confirmLabel={t('confirm_cancel_session')}
            consequence={<p>{t('cancel_session_consequence', { n: item.taking })}</p>}
            reason={{ label: t('confirm_reason'), required: true }}
            error={cancel.error} running={cancel.running}
            onConfirm={async ({ reason: why }) => {
              const done = await cancel.run(() => unwrap(api.POST('/api/training-cycles/{id}/sessions/{sessionId}/cancel', { params: { path }, body: { reason: why } })));
              if (done) onChange();
              return done !== undefined;
            }}
          />
        </div>
      ) : null}
      {manage && phase === 'cancelled' && running && now < Date.parse(item.startsAt) ? (
        <div className="buttons">
          <ConfirmAction
            label={t('restore_session')} title={t('restore_session_title')} confirmLabel={t('confirm_restore_session')}
            consequence={<p>{t('restore_session_consequence', { n: item.taking })}</p>}
            reason={{ label: t('confirm_reason'), required: true }}
            error={restore.error} running={restore.running}
            onConfirm={async ({ reason: why }) => {
              const done = await restore.run(() => unwrap(api.POST('/api/training-cycles/{id}/sessions/{sessionId}/restore', { params: { path }, body: { reason: why } })));
              if (done) onChange();
              return done !== undefined;
            }}
          />
        </div>
      ) : null}
      {moving ? (
        <form className="form columns" noValidate onSubmit={(event) => {
          event.preventDefault();
          const body = { startsAt: localInputToIso(startsAt), endsAt: localInputToIso(endsAt), ...(reason.trim() ? { reason: reason.trim() } : {}) };
          void move.run(() => unwrap(api.POST('/api/training-cycles/{id}/sessions/{sessionId}/move', { params: { path }, body })))
            .then((done) => { if (done) { setMoving(false); setReason(''); onChange(); } });
        }}>
          <Field label={t('starts_at')} error={moveFields.message('body.startsAt')}><input type="datetime-local" value={startsAt} onChange={(event) => setStartsAt(event.target.value)} /></Field>
          <Field label={t('ends_at')} error={moveFields.message('body.endsAt')}><input type="datetime-local" value={endsAt} onChange={(event) => setEndsAt(event.target.value)} /></Field>
          <Field label={t('move_reason')} error={moveFields.message('body.reason')}><input value={reason} onChange={(event) => setReason(event.target.value)} /></Field>
          <button type="submit" className="primary" disabled={move.running}>{t('save')}</button>
          {moveFields.rest ? <p className="note error" role="alert">{moveFields.rest}</p> : null}
        </form>
      ) : null}
      {takers.length > 0 && phase !== 'cancelled' && phase !== 'scheduled' ? (
        <details>
          <summary>{t('take_attendance')}</summary>
          <AttendanceForm cycleId={cycle.id} sessionId={item.id} participants={takers} onChange={onChange} />
        </details>
      ) : null}
    </li>
  );
}

function AttendanceForm({ cycleId, sessionId, participants, onChange }: { cycleId: string; sessionId: string; participants: Participant[]; onChange(): void }) {
  const { t } = useI18n();
  const [marks, setMarks] = useState<Record<string, AttendanceStatus | ''>>({});
  const action = useAction();
  const fields = useFieldErrors(action.error, participants.map((_, index) => `body.records.${index}.workerId`));
  const marked = Object.entries(marks).flatMap(([workerId, status]) => (status ? [{ workerId, status }] : []));
  return (
    <form onSubmit={(event) => {
      event.preventDefault();
      void action.run(() => unwrap(api.POST('/api/training-cycles/{id}/attendance', { params: { path: { id: cycleId } }, body: { sessionId, records: marked } }))).then((done) => done && onChange());
    }}>
      <table className="table compact" data-testid={`attendance-${sessionId}`}>
        <tbody>
          {participants.map((p) => {
            const index = marked.findIndex((mark) => mark.workerId === p.workerId);
            const problem = index >= 0 ? fields.message(`body.records.${index}.workerId`) : undefined;
            return (
              <tr key={p.workerId}>
                <th scope="row">{p.name}</th>
                <td>
                  <select aria-label={`${t('attendance')} ${p.name}`} value={marks[p.workerId] ?? ''} aria-invalid={problem ? true : undefined}
                    onChange={(event) => setMarks((all) => ({ ...all, [p.workerId]: event.target.value as AttendanceStatus | '' }))}>
                    <option value="">—</option>
                    {ATTENDANCE.map((status) => <option key={status} value={status}>{t(`attendance_${status}`)}</option>)}
                  </select>
                  {problem ? <span className="field-error" role="alert">{problem}</span> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button type="submit" className="primary" disabled={action.running || marked.length === 0}>{t('save')}</button>
      {fields.rest ? <p className="note error" role="alert">{fields.rest}</p> : null}
    </form>
  );
}

function Participants({ cycle, session, onChange }: { cycle: Cycle; session: SessionInfo; onChange(): void }) {
  const { t } = useI18n();
  const [page, setPage] = useState(0);
  const [filter, setFilter] = useState('');
  const [adding, setAdding] = useState<Array<{ id: string; name: string }>>([]);
  const [added, setAdded] = useState<number>();
  const add = useAction();
  const withdraw = useAction();
  const manage = can(session, 'training.manage') && cycle.status === 'running';
  const all = (cycle.workers ?? []).filter((p) => !filter || `${p.workerId} ${p.name}`.toLowerCase().includes(filter.toLowerCase()));
  const shown = all.slice(page * PAGE, page * PAGE + PAGE);
  const addFields = useFieldErrors(add.error, ['body.add.workerIds']);
  const addProblem = add.error?.details.find((detail) => detail.path.startsWith('body.add'));
  return (
    <>
      {manage ? (
        <form className="form" noValidate onSubmit={(event) => {
          event.preventDefault();
          setAdded(undefined);
          void add.run(() => unwrap(api.POST('/api/training-cycles/{id}/participants', { params: { path: { id: cycle.id } }, body: { add: { workerIds: adding.map((w) => w.id) } } })))
            .then((done) => { if (done) { setAdded(done.added.length); setAdding([]); onChange(); } });
        }}>
          <WorkerPicker label={t('add_participants')} chosen={adding} onChange={setAdding} error={addProblem ? addFields.message(addProblem.path) : undefined} />
          <button type="submit" className="primary" disabled={add.running || adding.length === 0}>{t('add_participants')}</button>
          {added !== undefined ? <span className="note ok" role="status">{t('participants_added', { n: added })}</span> : null}
          {add.error && !addProblem ? <ErrorNote error={add.error} /> : null}
        </form>
      ) : null}
      <label className="inline">{t('search')}<input type="search" value={filter} onChange={(event) => { setFilter(event.target.value); setPage(0); }} /></label>
      {withdraw.error ? <ErrorNote error={withdraw.error} withFields /> : null}
      {shown.length === 0 ? <Empty /> : (
        <table className="table">
          <thead><tr><th scope="col">{t('worker')}</th><th scope="col">{t('status')}</th><th scope="col">{t('coaching_flags')}</th>{manage ? <th scope="col">{t('actions')}</th> : null}</tr></thead>
          <tbody>
            {shown.map((p) => (
              <tr key={p.workerId}>
                <td>{can(session, 'worker.view') ? <a {...linkProps(`/workers/${encodeURIComponent(p.workerId)}`)}>{p.name}</a> : p.name}</td>
                <td>{translateKey(t, 'enrolment', p.status)}</td>
                <td>{p.coachingFlag ? translateKey(t, 'coaching', p.coachingFlag) : ''}</td>
                {manage ? (
                  <td>
                    {p.status === 'enrolled' ? (
                      <ConfirmAction
                        label={t('withdraw')} title={t('withdraw_title', { name: p.name })} tone="danger" confirmLabel={t('confirm_withdraw')}
                        consequence={<p>{t('withdraw_consequence', { name: p.name })}</p>}
                        reason={{ label: t('confirm_reason'), required: false }}
                        error={withdraw.error} running={withdraw.running}
                        onConfirm={async ({ reason }) => {
                          const done = await withdraw.run(() => unwrap(api.POST('/api/training-cycles/{id}/participants', {
                            params: { path: { id: cycle.id } }, body: { withdraw: [p.workerId], ...(reason ? { reason } : {}) },
                          })));
                          if (done) onChange();
                          return done !== undefined;
                        }}
                      />
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager page={page} hasMore={all.length > (page + 1) * PAGE} onPage={setPage} />
    </>
  );
}

function AssessmentForm({ cycle, workers, onChange }: { cycle: Cycle; workers: Participant[]; onChange(): void }) {
  const { t } = useI18n();
  const dimensionName = useDimensionNames();
  const tracks = [...new Map(cycle.sessions.map((s) => [`${s.dimension}:${s.level}`, { dimension: s.dimension, level: s.level }])).values()];
  const [workerId, setWorkerId] = useState('');
  const [track, setTrack] = useState('');
  const [score, setScore] = useState('');
  const action = useAction();
  const fields = useFieldErrors(action.error, ['body.workerId', 'body.score', 'body.dimension', 'body.level']);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const chosen = tracks.find((tr) => `${tr.dimension}:${tr.level}` === track) ?? tracks[0];
    const body = { workerId, dimension: chosen?.dimension ?? '', level: chosen?.level ?? 1, score: score === '' ? Number.NaN : Number(score) };
    void action.run(() => unwrap(api.POST('/api/training-cycles/{id}/assessments', { params: { path: { id: cycle.id } }, body })))
      .then((done) => { if (done) { setScore(''); onChange(); } });
  };
  return (
    <form className="form columns" onSubmit={submit} aria-label={t('record_assessment')} noValidate>
      <Field label={t('worker')} error={fields.message('body.workerId')}>
        <select value={workerId} onChange={(event) => setWorkerId(event.target.value)}>
          <option value="">—</option>
          {workers.map((w) => <option key={w.workerId} value={w.workerId}>{w.name}</option>)}
        </select>
      </Field>
      <Field label={t('dimension')} error={fields.message('body.dimension') ?? fields.message('body.level')}>
        <select value={track} onChange={(event) => setTrack(event.target.value)}>
          {tracks.map((tr) => <option key={`${tr.dimension}:${tr.level}`} value={`${tr.dimension}:${tr.level}`}>{dimensionName(tr.dimension)} · {t('level')} {tr.level}</option>)}
        </select>
      </Field>
      <Field label={t('score')} error={fields.message('body.score')}>
        <input type="number" min={0} max={100} value={score} onChange={(event) => setScore(event.target.value)} />
      </Field>
      <button type="submit" className="primary" disabled={action.running}>{t('record_assessment')}</button>
      {fields.rest ? <p className="note error" role="alert">{fields.rest}</p> : null}
    </form>
  );
}
