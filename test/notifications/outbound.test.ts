import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWecomChannel } from '../../activities/channels/wecom.js';
import type { OutgoingMessage } from '../../activities/channels/types.js';
import type { Role } from '../../src/domain/types.js';
import { isNonPublicAddress, outboundPolicy, webhookUrlProblem, webhookUrlProblemAtSend } from '../../src/notifications/outbound.js';
import { startTestApi, tokensForRoles, WANMINGYUAN, type TestApi } from '../helpers/app.js';
import { createTestStore, type TestStore } from '../helpers/store.js';

// A worker's WeCom webhook used to take any URL, the API itself on loopback included (server-side
// request forgery). Now: https to a host on the allow-list (the WeCom API host by default), no
// loopback, private or link-local address — refused when written, and again, after a fresh DNS
// lookup, when a message is sent.

const WECOM = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc';
const policy = outboundPolicy(undefined);

describe('outbound webhooks', () => {
  it('knows loopback, private, link-local and other non-public addresses', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '0.0.0.0', '100.64.0.1', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1']) {
      expect(isNonPublicAddress(address), address).toBe(true);
    }
    for (const address of ['8.8.8.8', '101.226.4.6', '172.32.0.1', '2400:da00::6666']) expect(isNonPublicAddress(address), address).toBe(false);
  });

  it('allows https to the WeCom host by default and refuses everything else, naming why', () => {
    expect(webhookUrlProblem(WECOM, policy)).toBeUndefined();
    expect(webhookUrlProblem('http://qyapi.weixin.qq.com/cgi-bin/webhook/send', policy)).toBe('must be https, not http');
    expect(webhookUrlProblem('https://example.org/hook', policy)).toMatch(/host example\.org is not on the allow-list/);
    expect(webhookUrlProblem('https://127.0.0.1:3000/api/tokens', policy)).toBe('127.0.0.1 is not a public address');
    expect(webhookUrlProblem('https://[::1]/', policy)).toBe('::1 is not a public address');
    expect(webhookUrlProblem('https://169.254.169.254/latest/meta-data', outboundPolicy('169.254.169.254'))).toBe('169.254.169.254 is not a public address');
    expect(webhookUrlProblem('https://user:secret@qyapi.weixin.qq.com/x', policy)).toBe('must not carry a user name or password');
    expect(webhookUrlProblem('https://hooks.example.org/x', outboundPolicy('qyapi.weixin.qq.com, hooks.example.org'))).toBeUndefined();
  });

  it('resolves the host at send and refuses one that now points at a non-public address', async () => {
    expect(await webhookUrlProblemAtSend(WECOM, policy, async () => ['10.0.0.5'])).toMatch(/resolves to 10\.0\.0\.5, which is not a public address/);
    expect(await webhookUrlProblemAtSend(WECOM, policy, async () => ['101.226.4.6'])).toBeUndefined();
    expect(await webhookUrlProblemAtSend('https://localhost/hook', outboundPolicy('localhost'))).toMatch(/localhost resolves to .*not a public address/);
  });

  describe('the WeCom channel and the worker import', () => {
    let server: Server;
    let hits = 0;
    let local: string;
    let store: TestStore;
    let api: TestApi;
    let tokens: Record<Role, string>;

    beforeAll(async () => {
      server = createServer((_req, res) => {
        hits += 1;
        res.end('{"errcode":0}');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      local = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/tokens`;
      store = await createTestStore('pglite', { seed: true });
      tokens = await tokensForRoles(store);
      api = await startTestApi({ store, temporal: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }), namespace: 'default' }) });
    });
    afterAll(async () => {
      await api?.close();
      await store?.dispose();
      await new Promise((resolve) => server?.close(resolve));
    });

    it('refuses to send to a webhook on loopback, and sends nothing', async () => {
      const channel = createWecomChannel({ defaultWebhookUrl: undefined, policy });
      const message = {
        idempotencyKey: 'outbound-test', subject: 's', text: 't', html: null,
        recipient: { id: 'w-x', wecomWebhookUrl: local },
      } as unknown as OutgoingMessage;
      const outcome = await channel.send(message);
      expect(outcome).toMatchObject({ status: 'failed', reason: expect.stringMatching(/refused: must be https/) });
      expect(hits).toBe(0);
    });

    it('refuses a worker whose webhook is not allowed, naming the line and field', async () => {
      for (const hook of [local, 'https://127.0.0.1/hook', 'https://example.org/hook']) {
        const answer = await api.call('POST', '/api/workers', {
          token: tokens.admin,
          body: { id: 'w-outbound-1', orgUnitId: WANMINGYUAN, communityId: WANMINGYUAN, name: '外发测试', position: 'social_worker', channels: ['wecom'], wecomWebhookUrl: hook },
        });
        expect(answer.status, hook).toBe(400);
        expect(answer.body.error.details[0], hook).toMatchObject({ path: 'line 1.wecomWebhookUrl' });
      }
      const allowed = await api.call('POST', '/api/workers', {
        token: tokens.admin,
        body: { id: 'w-outbound-1', orgUnitId: WANMINGYUAN, communityId: WANMINGYUAN, name: '外发测试', position: 'social_worker', channels: ['wecom'], wecomWebhookUrl: WECOM },
      });
      expect(allowed.status).toBe(201);
    });
  });
});
