import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAttachments } from '../../src/store/repositories/attachment.js';
import { createToken } from '../../src/services/api-token.js';
import { WANMINGYUAN, YUSHUGUAN, type TestApi } from '../helpers/app.js';
import { docxBytes, multipart, pdfBytes, pngBytes } from '../helpers/files.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { BACKENDS } from '../helpers/store.js';

// Evidence files through the API on both stores: typed by content, stored once per content hash
// as bytea, read back byte for byte by whoever may see the owner, refused before the body is read
// to whoever may not, and a case file's download audited.

const PROJECT = 'vp-zhanlanlu-wanmingyuan-loudao';

describe.each(BACKENDS)('evidence files on %s', (backend) => {
  let harness: Harness;
  let api: TestApi;
  let tokens: Harness['tokens'];
  let foreignLead: string;

  const upload = async (path: string, token: string | undefined, files: Array<{ name: string; content: Buffer }>) => {
    const { body, contentType } = multipart(files);
    const response = await fetch(`${api.url}${path}`, {
      method: 'POST', headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) }, body,
    });
    return { status: response.status, body: await response.json() as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  beforeAll(async () => {
    harness = await startHarness({ name: `attachments-${backend}`, backend, seed: true, worker: false, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    api = harness.api!;
    tokens = harness.tokens;
    foreignLead = (await createToken(harness.store.db, { name: 'yushuguan lead', role: 'station_lead', scopeId: YUSHUGUAN, workerId: 'w-yushuguan-lead' })).token;
  });
  afterAll(() => harness?.close());

  it('stores a photo, a PDF and a Word file on a venture project and gives them back byte for byte', async () => {
    const png = pngBytes();
    const answer = await upload(`/api/venture-projects/${PROJECT}/attachments`, tokens.station_lead, [
      { name: '楼道照片.png', content: png }, { name: 'signed.pdf', content: pdfBytes('signed') }, { name: 'report.docx', content: docxBytes() },
    ]);
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(answer.body.items.map((item: { mediaType: string }) => item.mediaType).sort()).toEqual([
      'application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'image/png',
    ]);
    const photo = answer.body.items.find((item: { fileName: string }) => item.fileName === '楼道照片.png');
    expect(photo).toMatchObject({ ownerKind: 'venture_project', ownerId: PROJECT, orgUnitId: WANMINGYUAN, sizeBytes: png.length, sha256: createHash('sha256').update(png).digest('hex') });

    const listed = await api.call('GET', `/api/attachments?ownerKind=venture_project&ownerId=${PROJECT}`, { token: tokens.social_worker });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(3);

    const download = await fetch(`${api.url}/api/attachments/${photo.id}/content`, { headers: { authorization: `Bearer ${tokens.social_worker}` } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(download.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('楼道照片.png')}`);
    expect(download.headers.get('content-security-policy')).toContain('sandbox');
    expect(Buffer.from(await download.arrayBuffer()).equals(png)).toBe(true);
  });

  it('keeps one copy of the same content attached twice', async () => {
    const content = pdfBytes('twice');
    expect((await upload(`/api/venture-projects/${PROJECT}/attachments`, tokens.station_lead, [{ name: 'a.pdf', content }])).status).toBe(201);
    expect((await upload(`/api/venture-projects/${PROJECT}/attachments`, tokens.supervisor, [{ name: 'b.pdf', content }])).status).toBe(201);
    const sha = createHash('sha256').update(content).digest('hex');
    const blobs = await harness.store.db.selectFrom('file_blobs').select('sha256').where('sha256', '=', sha).execute();
    expect(blobs).toHaveLength(1);
  });

  it('refuses executables, scripts and macros by content, naming the file, and stores none of the request', async () => {
    const before = await harness.store.db.selectFrom('attachments').select('id').execute();
    const answer = await upload(`/api/venture-projects/${PROJECT}/attachments`, tokens.station_lead, [
      { name: 'ok.png', content: pngBytes() }, { name: 'photo.jpg', content: Buffer.from('MZ\x90\x00 program') }, { name: 'macro.docx', content: docxBytes(true) },
    ]);
    expect(answer.status).toBe(400);
    expect(answer.body.error.details.map((d: { message: string }) => d.message).join(' ')).toMatch(/photo\.jpg: an executable.*macro\.docx: an Office document with macros/);
    expect(await harness.store.db.selectFrom('attachments').select('id').execute()).toHaveLength(before.length);
  });

  it('refuses a file over 10 MB and more than ten files with 413', async () => {
    const big = Buffer.concat([pdfBytes(), Buffer.alloc(10 * 1024 * 1024 + 1)]);
    const tooBig = await upload(`/api/venture-projects/${PROJECT}/attachments`, tokens.station_lead, [{ name: 'big.pdf', content: big }]);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.details[0].path).toBe('body.file[0]');
    const many = await upload(`/api/venture-projects/${PROJECT}/attachments`, tokens.station_lead, Array.from({ length: 11 }, (_, i) => ({ name: `p${i}.png`, content: pngBytes() })));
    expect(many.status).toBe(413);
  });

  it('refuses an upload without a token, from a role that may not upload and from another station, before reading it', async () => {
    const files = [{ name: 'p.png', content: pngBytes() }];
    expect((await upload(`/api/venture-projects/${PROJECT}/attachments`, undefined, files)).status).toBe(401);
    expect((await upload(`/api/venture-projects/${PROJECT}/attachments`, tokens.social_worker, files)).status).toBe(403);
    expect((await upload(`/api/venture-projects/${PROJECT}/attachments`, foreignLead, files)).status).toBe(404);
    // A JSON body is not an upload: the field is named.
    const json = await api.call('POST', `/api/venture-projects/${PROJECT}/attachments`, { token: tokens.station_lead, body: {} });
    expect(json.status).toBe(400);
    expect(json.body.error.details[0].path).toBe('body');
  });

  it("hides another station's files from a list and a download", async () => {
    const listed = await api.call('GET', `/api/attachments?communityId=${WANMINGYUAN}`, { token: foreignLead });
    expect(listed.body.items).toEqual([]);
    const [first] = (await api.call('GET', `/api/attachments?ownerId=${PROJECT}`, { token: tokens.station_lead })).body.items;
    expect((await api.call('GET', `/api/attachments/${first.id}/content`, { token: foreignLead })).status).toBe(404);
  });

  it('audits every download of a case file and keeps it from social workers', async () => {
    const content = pdfBytes('case file');
    const [stored] = await insertAttachments(harness.store.db, [{
      id: `att-case-file-${backend}`, ownerKind: 'case_file', ownerId: 'sr-casework-1', orgUnitId: WANMINGYUAN, sha256: createHash('sha256').update(content).digest('hex'),
      fileName: 'assessment.pdf', mediaType: 'application/pdf', content, uploadedBy: 'test',
    }], (file) => ({ actor: 'test', action: 'attach', entity: 'case_file', entityId: file.ownerId }));
    expect((await api.call('GET', `/api/attachments/${stored!.id}/content`, { token: tokens.social_worker })).status).toBe(403);
    const sw = await api.call('GET', '/api/attachments?ownerKind=case_file', { token: tokens.social_worker });
    expect(sw.body.items).toEqual([]);
    expect((await api.call('GET', `/api/attachments/${stored!.id}/content`, { token: tokens.station_lead })).status).toBe(200);
    const audit = await harness.store.db.selectFrom('audit_log').selectAll().where('entity', '=', 'attachment').where('entity_id', '=', stored!.id).execute();
    expect(audit.map((entry) => [entry.action, entry.actor])).toEqual([['read', 'test station_lead']]);
  });

  it('removes an attachment, which then is gone from the list and the download', async () => {
    const [first] = (await api.call('GET', `/api/attachments?ownerId=${PROJECT}`, { token: tokens.station_lead })).body.items;
    expect((await api.call('POST', `/api/attachments/${first.id}/remove`, { token: tokens.station_lead, body: {} })).status).toBe(200);
    expect((await api.call('GET', `/api/attachments/${first.id}/content`, { token: tokens.station_lead })).status).toBe(404);
    expect((await api.call('POST', `/api/attachments/${first.id}/remove`, { token: tokens.station_lead, body: {} })).status).toBe(404);
  });
});
