/**
 * The server's token rules beyond the defaults: a server that launches runs asks for its token
 * on loopback too (any user of the machine reaches a loopback port), and a malformed token
 * cookie is the client's mistake (400), not the server's (500).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serve, type RunningServer } from '@machinable/server';
import { request, sweepProject } from './server-helpers.js';

let dir: string;
before(async () => {
  dir = await sweepProject(false);
});

describe('server auth: --allow-launch on loopback', () => {
  let server: RunningServer;
  before(async () => {
    server = await serve({ directory: dir, port: 0, allowLaunch: true });
  });
  after(async () => {
    await server?.close();
  });

  it('makes a token and asks every request for it, launches included', async () => {
    assert.equal(server.host, '127.0.0.1');
    assert.ok(server.token && server.token.length >= 43, 'a random token');
    assert.equal(server.openUrl, `${server.url}/?token=${encodeURIComponent(server.token)}`);
    const launch = { interfaces: [{ target: 'train', version: [{ lr: 0.3 }] }] };
    const refused = await request(server.url, '/v1/executions', { body: launch });
    assert.equal(refused.status, 401, refused.text());
    assert.match(refused.json<{ detail: string }>().detail, /token/);
    assert.equal((await request(server.url, '/v1/health')).status, 401);
    assert.equal((await request(server.url, '/v1/interfaces/search', { body: {} })).status, 401);
    const health = await request(server.url, '/v1/health', { headers: { authorization: `Bearer ${server.token}` } });
    assert.equal(health.status, 200);
    assert.equal(health.json<{ read_only: boolean; token_required: boolean }>().token_required, true);
    assert.equal(health.json<{ read_only: boolean }>().read_only, false);
  });

  it('a read-only loopback server still asks for none, and one given a token uses it', async () => {
    const readOnly = await serve({ directory: dir, port: 0 });
    const given = await serve({ directory: dir, port: 0, allowLaunch: true, token: 'my-launch-token' });
    try {
      assert.equal(readOnly.token, undefined);
      assert.equal((await request(readOnly.url, '/v1/health')).status, 200);
      assert.equal(given.token, 'my-launch-token');
      assert.equal((await request(given.url, '/v1/health', { headers: { 'x-machinable-token': 'my-launch-token' } })).status, 200);
      assert.equal((await request(given.url, '/v1/health')).status, 401);
    } finally {
      await readOnly.close();
      await given.close();
    }
  });
});

describe('server auth: a malformed token cookie', () => {
  it('is a 400 saying what to do, not a 500; a well-formed wrong one stays a 401', async () => {
    const server = await serve({ directory: dir, port: 0, token: 'cookie-token' });
    try {
      for (const cookie of ['machinable_token=%E0%A4%A', 'a=1; machinable_token=%', 'machinable_token=%ZZ']) {
        const answer = await request(server.url, '/v1/health', { headers: { cookie } });
        assert.equal(answer.status, 400, `${cookie}: ${answer.text()}`);
        assert.match(answer.json<{ detail: string }>().detail, /machinable_token cookie is not URI-encoded text.*clear the cookie/);
      }
      assert.equal((await request(server.url, '/v1/health', { headers: { cookie: 'machinable_token=wrong' } })).status, 401);
      assert.equal((await request(server.url, '/v1/health', { headers: { cookie: 'machinable_token=cookie%2Dtoken' } })).status, 200);
      // A malformed cookie of another name is not the server's business.
      assert.equal((await request(server.url, '/v1/health', { headers: { cookie: 'other=%E0%A4%A; machinable_token=cookie-token' } })).status, 200);
    } finally {
      await server.close();
    }
  });
});
