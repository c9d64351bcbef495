import { useState, type FormEvent, type ReactNode } from 'react';
import { api, unwrap, type Answer } from '../api/client.js';
import { Badge, ErrorNote, FieldError, Loadable, Section } from '../components.js';
import { useAction, usePolled } from '../hooks.js';
import { localized, useI18n, type MessageKey } from '../i18n.js';
import { can, type SessionInfo } from '../session.js';
import { shanghaiToday } from '../time.js';

// Posts (岗位建设): each station's posts by type, required and filled today, vacancies; setting a
// post's number, assigning a worker (or ending an assignment), and adding a post type.

type PostList = Answer<'/api/posts'>;
type Post = PostList['items'][number];

export function PostsPage({ session }: { session: SessionInfo }) {
  const { t, locale } = useI18n();
  const posts = usePolled(() => unwrap(api.GET('/api/posts')), 'posts');
  const types = usePolled(() => unwrap(api.GET('/api/post-types')), 'post-types', 60_000);
  const communities = usePolled(() => unwrap(api.GET('/api/communities')), 'communities', 60_000);
  const manage = can(session, 'posts.manage');
  const reload = () => posts.reload();
  return (
    <div className="stack">
      <Section title={t('posts')}>
        <Loadable state={posts}>
          {(data) => (
            <>
              <p data-testid="posts-totals">{t('posts_filled', { on: data.on, filled: data.totals.filled, required: data.totals.required, vacancies: data.totals.vacancies })}</p>
              <table className="table" data-testid="posts">
                <thead>
                  <tr>
                    <th scope="col">{t('station')}</th><th scope="col">{t('post_type')}</th><th scope="col">{t('post_required')}</th>
                    <th scope="col">{t('post_filled')}</th><th scope="col">{t('post_vacancies')}</th><th scope="col">{t('post_workers')}</th>
                    {manage ? <th scope="col">{t('post_assign')}</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((post) => (
                    <tr key={post.id} data-post={post.id}>
                      <td>{localized(locale, post.communityName)}</td>
                      <td>{localized(locale, post.typeName)} {post.isExample ? <Badge tone="muted">{t('post_example')}</Badge> : null}</td>
                      <td className="num">{post.required}</td>
                      <td className="num">{post.filled}</td>
                      <td className="num">{post.vacancies > 0 ? <Badge tone="warn">{post.vacancies}</Badge> : 0}</td>
                      <td>{(post.assignments ?? []).filter((a) => a.to === null || a.to >= data.on).map((a) => `${a.workerName} (${a.from})`).join('、')}</td>
                      {manage ? <td><AssignForm post={post} onSaved={reload} /></td> : null}
                    </tr>
                  ))}
                </tbody>
              </table>
              {data.items.some((post) => post.isExample) ? <p className="note">{t('post_examples_note')}</p> : null}
            </>
          )}
        </Loadable>
      </Section>
      {manage ? (
        <SetPost communities={(communities.data?.items ?? []).filter((c) => c.station).map((c) => ({ id: c.id, name: localized(locale, c.name) }))}
          types={(types.data?.items ?? []).map((type) => ({ key: type.key, name: localized(locale, type.name) }))} onSaved={reload} />
      ) : null}
      {can(session, 'post_types.manage') ? <AddPostType onSaved={types.reload} /> : null}
    </div>
  );
}

function Field({ label, name, error, children }: { label: MessageKey; name: string; error?: string; children: ReactNode }) {
  const { t } = useI18n();
  return <label>{t(label)}{children}<FieldError id={`${name}-error`} message={error} /></label>;
}

function AssignForm({ post, onSaved }: { post: Post; onSaved(): void }) {
  const { t } = useI18n();
  const [workerId, setWorkerId] = useState('');
  const [from, setFrom] = useState(shanghaiToday());
  const [to, setTo] = useState('');
  const assign = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void assign.run(() => unwrap(api.POST('/api/posts/{postId}/assignments', { params: { path: { postId: post.id } }, body: { workerId, from, ...(to ? { to } : {}) } })))
      .then((done) => { if (done) { setWorkerId(''); setTo(''); onSaved(); } });
  };
  return (
    <form className="actions" onSubmit={submit} aria-label={`${t('post_assign')} ${post.id}`}>
      <Field label="worker_id" name={`${post.id}-workerId`} error={assign.error?.fieldMessage('workerId')}><input name="workerId" value={workerId} onChange={(event) => setWorkerId(event.target.value)} /></Field>
      <Field label="post_assign_from" name={`${post.id}-from`} error={assign.error?.fieldMessage('from')}><input type="date" name="from" value={from} onChange={(event) => setFrom(event.target.value)} /></Field>
      <Field label="post_assign_to" name={`${post.id}-to`} error={assign.error?.fieldMessage('to')}><input type="date" name="to" value={to} onChange={(event) => setTo(event.target.value)} /></Field>
      <button type="submit" disabled={assign.running}>{t('post_assign')}</button>
      {assign.error && assign.error.details.length === 0 ? <ErrorNote error={assign.error} /> : null}
    </form>
  );
}

function SetPost({ communities, types, onSaved }: { communities: Array<{ id: string; name: string }>; types: Array<{ key: string; name: string }>; onSaved(): void }) {
  const { t } = useI18n();
  const [communityId, setCommunityId] = useState('');
  const [type, setType] = useState('');
  const [required, setRequired] = useState('1');
  const save = useAction();
  const [saved, setSaved] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    void save.run(() => unwrap(api.POST('/api/posts', { body: { communityId: communityId || communities[0]?.id || '', type: type || types[0]?.key || '', required: Number(required) } })))
      .then((done) => { if (done) { setSaved(true); onSaved(); } });
  };
  return (
    <Section title={t('post_set')}>
      <form className="form columns" onSubmit={submit} noValidate aria-label={t('post_set')}>
        <Field label="station" name="post-communityId" error={save.error?.fieldMessage('communityId')}>
          <select name="communityId" value={communityId || communities[0]?.id || ''} onChange={(event) => setCommunityId(event.target.value)}>
            {communities.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        </Field>
        <Field label="post_type" name="post-type" error={save.error?.fieldMessage('type')}>
          <select name="type" value={type || types[0]?.key || ''} onChange={(event) => setType(event.target.value)}>
            {types.map((item) => <option key={item.key} value={item.key}>{item.name}</option>)}
          </select>
        </Field>
        <Field label="post_required" name="post-required" error={save.error?.fieldMessage('required')}>
          <input type="number" min={0} name="required" value={required} onChange={(event) => setRequired(event.target.value)} />
        </Field>
        <button type="submit" className="primary" disabled={save.running}>{t('save')}</button>
        {save.error && save.error.details.length === 0 ? <ErrorNote error={save.error} /> : null}
        {saved ? <p className="note ok" role="status">{t('post_saved')}</p> : null}
      </form>
    </Section>
  );
}

function AddPostType({ onSaved }: { onSaved(): void }) {
  const { t } = useI18n();
  const [key, setKey] = useState('');
  const [zh, setZh] = useState('');
  const [en, setEn] = useState('');
  const save = useAction();
  const [saved, setSaved] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    void save.run(() => unwrap(api.POST('/api/post-types', { body: { key, name: { zh, en } } }))).then((done) => { if (done) { setSaved(true); onSaved(); } });
  };
  return (
    <Section title={t('post_type_add')}>
      <form className="form columns" onSubmit={submit} noValidate aria-label={t('post_type_add')}>
        <Field label="post_type_key" name="type-key" error={save.error?.fieldMessage('key')}><input name="key" value={key} onChange={(event) => setKey(event.target.value)} /></Field>
        <Field label="name_zh" name="type-zh" error={save.error?.fieldMessage('name.zh')}><input name="zh" value={zh} onChange={(event) => setZh(event.target.value)} /></Field>
        <Field label="name_en" name="type-en" error={save.error?.fieldMessage('name.en')}><input name="en" value={en} onChange={(event) => setEn(event.target.value)} /></Field>
        <button type="submit" className="primary" disabled={save.running}>{t('save')}</button>
        {save.error && save.error.details.length === 0 ? <ErrorNote error={save.error} /> : null}
        {saved ? <p className="note ok" role="status">{t('post_saved')}</p> : null}
      </form>
    </Section>
  );
}
