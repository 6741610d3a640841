/** `machinable serve`: the dashboard from the command line. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CLI_BIN, machinable } from './cli-helpers.js';
import { temporaryDirectory } from './helpers.js';
import { poll, request, sweepProject } from './server-helpers.js';

interface Serving {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): string;
}

/** Starts `machinable serve <args>` in a project and waits until it printed its address. */
async function start(cwd: string, ...args: string[]): Promise<Serving & { url: string }> {
  return startWith({}, cwd, ...args);
}

/** `start`, with variables added to the environment. */
async function startWith(env: Record<string, string>, cwd: string, ...args: string[]): Promise<Serving & { url: string }> {
  const child = spawn(process.execPath, [CLI_BIN, 'serve', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    // The address comes first; the last line printed at start ends with Ctrl-C, or names the Bearer header when there is a token.
    const last = args.includes('--host') ? 'Authorization: Bearer' : 'stop with Ctrl-C';
    await poll(() => out.includes(last), `machinable serve to print its start lines (output so far: ${out})`);
    const url = /(http:\/\/[\d.]+:\d+)\//.exec(out)![1]!;
    return { child, exited, url, output: () => out };
  } catch (error) {
    child.kill();
    throw error;
  }
}

describe('machinable serve', { timeout: 5 * 60_000 }, () => {
  it('serves the project in the current directory on 127.0.0.1, read-only, until stopped', async () => {
    const dir = await sweepProject();
    const serving = await start(dir, '--port', '0');
    try {
      assert.match(serving.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.match(serving.output(), /read-only/);
      assert.doesNotMatch(serving.output(), /token/);
      const health = await request(serving.url, '/v1/health');
      assert.equal(health.json<{ project: string }>().project, dir);
      assert.equal((await request(serving.url, '/v1/interfaces/search', { body: { module: 'train' } })).json<{ total: number }>().total, 8);
    } finally {
      serving.child.kill('SIGTERM');
    }
    assert.equal(await serving.exited, 0);
  });

  it('a port in use: exit 1 with one line naming the port and the fix', async () => {
    const dir = await sweepProject(false);
    const first = await start(dir, '--port', '0');
    try {
      const port = new URL(first.url).port;
      const second = await machinable(dir, 'serve', '--port', port);
      assert.equal(second.code, 1);
      assert.equal(second.stderr.trim().split('\n').length, 1);
      assert.match(second.stderr, new RegExp(`^Error: port ${port} on 127\\.0\\.0\\.1 is in use by another program; stop it, or pick another port with --port`));
    } finally {
      first.child.kill('SIGTERM');
      await first.exited;
    }
  });

  it('--host other than loopback prints a token once and asks for it; --allow-launch says so', async () => {
    const dir = await sweepProject(false);
    const serving = await start(dir, '--port', '0', '--host', '0.0.0.0', '--allow-launch');
    try {
      const token = /token \(shown once\): (\S+)/.exec(serving.output())?.[1];
      assert.ok(token, serving.output());
      assert.match(serving.output(), /runs can be launched from the page/);
      const local = serving.url.replace('0.0.0.0', '127.0.0.1');
      assert.equal((await request(local, '/v1/health')).status, 401);
      assert.equal((await request(local, '/v1/health', { headers: { authorization: `Bearer ${token}` } })).json<{ read_only: boolean }>().read_only, false);
    } finally {
      serving.child.kill('SIGTERM');
      await serving.exited;
    }
  });

  it('--open hands the address to the system\'s opener (xdg-open)', async () => {
    const dir = await sweepProject(false);
    const bin = temporaryDirectory('opener');
    const opened = join(bin, 'opened.txt');
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\necho "$1" > '${opened}'\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const serving = await startWith({ PATH: `${bin}${delimiter}${process.env['PATH'] ?? ''}` }, dir, '--port', '0', '--open');
    try {
      const address = await poll(() => existsSync(opened) && readFileSync(opened, 'utf8').trim(), 'the opener to be called');
      assert.equal(address, `${serving.url}/`);
    } finally {
      serving.child.kill('SIGTERM');
      await serving.exited;
    }
  });

  it('help shows the flags and examples', async () => {
    const help = await machinable(process.cwd(), 'serve', '--help');
    assert.equal(help.code, 0);
    for (const text of ['--port', '--host', '--open', '--allow-launch', 'machinable serve --port 8080 --open', '127.0.0.1']) assert.ok(help.stdout.includes(text), text);
  });
});
