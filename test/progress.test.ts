/**
 * A sweep shows its progress: on a terminal one live line (finished / running / pending / failed,
 * elapsed, ETA) that steps aside for the runs' own output; elsewhere one plain line per change
 * and one every few seconds while runs are running; `--quiet` (`MACHINABLE_PROGRESS=off`) turns
 * it off. (`npm test` runs with `MACHINABLE_PROGRESS=off`; these specs turn it on.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SweepProgress } from '@machinable/core';
import { makeProject, runNode } from './helpers.js';
import { CLI_BIN, lines } from './cli-helpers.js';

// `npm test` turns progress off for every spec; this file is about it (each test file runs in its own process).
delete process.env['MACHINABLE_PROGRESS'];

/** A stream that keeps what is written to it, as a terminal (`isTTY`, `columns`) or not. */
function fakeStream(tty: boolean, columns = 120): NodeJS.WriteStream & { text: string } {
  const stream = {
    text: '',
    isTTY: tty,
    columns,
    write(chunk: string | Uint8Array): boolean {
      stream.text += String(chunk);
      return true;
    },
  };
  return stream as unknown as NodeJS.WriteStream & { text: string };
}

describe('progress: plain lines', () => {
  it('one line per change in state, with counts, elapsed time and an ETA once a run is done', () => {
    let now = 0;
    const stream = fakeStream(false);
    const progress = new SweepProgress('train ×3', 3, { stream, now: () => now });
    progress.report('a', 'running');
    progress.report('a', 'running'); // no change: no line
    now = 10_000;
    progress.report('a', 'finished');
    progress.report('b', 'running');
    now = 20_000;
    progress.report('b', 'failed');
    progress.report('c', 'running');
    now = 30_000;
    progress.report('c', 'finished');
    progress.close();
    assert.deepEqual(lines(stream.text), [
      'train ×3: 0/3 finished · 0 running · 3 pending · 0 failed · 0:00 elapsed · ETA –',
      'train ×3: 0/3 finished · 1 running · 2 pending · 0 failed · 0:00 elapsed · ETA –',
      'train ×3: 1/3 finished · 0 running · 2 pending · 0 failed · 0:10 elapsed · ETA 0:20',
      'train ×3: 1/3 finished · 1 running · 1 pending · 0 failed · 0:10 elapsed · ETA 0:20',
      'train ×3: 1/3 finished · 0 running · 1 pending · 1 failed · 0:20 elapsed · ETA 0:10',
      'train ×3: 1/3 finished · 1 running · 0 pending · 1 failed · 0:20 elapsed · ETA 0:10',
      'train ×3: 2/3 finished · 0 running · 0 pending · 1 failed · 0:30 elapsed',
    ]);
  });

  it('is never silent for longer than its interval while a run is running: 5 s by default, on a mocked clock', (t) => {
    t.mock.timers.enable({ apis: ['setInterval', 'Date'] });
    const stream = fakeStream(false);
    const progress = new SweepProgress('slow ×2', 2, { stream });
    t.after(() => progress.close());
    progress.report('a', 'running');
    const count = (): number => lines(stream.text).length;
    assert.equal(count(), 2, 'the first line, and the one for the change');
    t.mock.timers.tick(4999);
    assert.equal(count(), 2, 'nothing new before 5 s');
    t.mock.timers.tick(1);
    assert.equal(count(), 3, 'a line at 5 s');
    assert.equal(lines(stream.text)[2], 'slow ×2: 0/2 finished · 1 running · 1 pending · 0 failed · 0:05 elapsed · ETA –');
    t.mock.timers.tick(4999);
    assert.equal(count(), 3);
    t.mock.timers.tick(1);
    assert.equal(count(), 4, 'and again 5 s after that one');
    progress.report('a', 'finished');
    assert.equal(count(), 5);
    t.mock.timers.tick(60_000);
    assert.equal(count(), 5, 'no run running: no line without a change');
  });

  it('keeps the interval it is given (quietMs), counted from the last line printed', (t) => {
    t.mock.timers.enable({ apis: ['setInterval', 'Date'] });
    const stream = fakeStream(false);
    const progress = new SweepProgress('fast ×1', 1, { stream, quietMs: 100 });
    t.after(() => progress.close());
    progress.report('a', 'running');
    t.mock.timers.tick(99);
    assert.equal(lines(stream.text).length, 2);
    t.mock.timers.tick(1);
    assert.equal(lines(stream.text).length, 3, 'a line at 100 ms');
    // One tick per interval: the mocked Date moves a whole tick at once, before the timers it passes run.
    for (let i = 0; i < 3; i++) t.mock.timers.tick(100);
    assert.equal(lines(stream.text).length, 6, 'one every 100 ms while the run runs');
    assert.ok(lines(stream.text).slice(1).every((line) => line.startsWith('fast ×1: 0/1 finished · 1 running')), stream.text);
  });

  it('prints nothing when off', () => {
    const stream = fakeStream(true);
    const progress = new SweepProgress('x ×2', 2, { stream, mode: 'off' });
    progress.report('a', 'running');
    progress.report('a', 'finished');
    progress.close();
    assert.equal(stream.text, '');
  });
});

describe('progress: the live line on a terminal', () => {
  it('is redrawn every 250 ms, so its clock moves while nothing changes', (t) => {
    t.mock.timers.enable({ apis: ['setInterval', 'Date'] });
    const stream = fakeStream(true);
    const progress = new SweepProgress('live ×1', 1, { stream });
    t.after(() => progress.close());
    progress.report('a', 'running');
    const draws = (): string[] => stream.text.split('\r\x1b[2K').filter(Boolean);
    const drawn = draws().length;
    t.mock.timers.tick(249);
    assert.equal(draws().length, drawn, 'not before 250 ms');
    t.mock.timers.tick(1);
    assert.equal(draws().length, drawn + 1, 'redrawn at 250 ms');
    for (let i = 0; i < 3; i++) t.mock.timers.tick(250);
    assert.equal(draws().length, drawn + 4, 'and every 250 ms after');
    assert.equal(draws().at(-1), 'live ×1: 0/1 finished · 1 running · 0 pending · 0 failed · 0:01 elapsed · ETA –');
  });

  it('is drawn over itself, cut to the terminal width, erased before other output and redrawn after it', async () => {
    const stream = fakeStream(true, 40);
    const progress = new SweepProgress('a-long-module-name ×2', 2, { stream });
    assert.equal(progress.mode, 'live');
    progress.report('a', 'running');
    const drawn = stream.text.split('\r\x1b[2K').filter(Boolean);
    assert.ok(drawn.length >= 2);
    for (const line of drawn) assert.ok(line.length <= 39 && line.endsWith('…'), JSON.stringify(line));
    // A run writes to stderr: the line is erased first, then drawn again below the output.
    const before = stream.text.length;
    process.stderr.write('');
    assert.equal(stream.text.slice(before), '\r\x1b[2K', 'erased before the write');
    await new Promise((resolve) => setImmediate(resolve));
    assert.match(stream.text.slice(before + '\r\x1b[2K'.length), /^\r\x1b\[2Ka-long-module-name ×2: 0\/2 fin/, 'and drawn again');
    progress.report('a', 'finished');
    progress.report('b', 'finished');
    progress.close();
    assert.ok(stream.text.endsWith('\n'), 'the final line stays');
    const after = stream.text.length;
    process.stderr.write('');
    assert.equal(stream.text.length, after, 'closed: other output no longer touches it');
  });
});

const STEP = `
import { Interface, Config, Field } from '@machinable/core';
@Config() class C { @Field({ type: 'int' }) seed = 0; }
export default class Step extends Interface<C> {
  static Config = C;
  async run() { await new Promise((r) => setTimeout(r, 200)); console.log('step ' + this.config.seed); }
}`;

const SWEEP = `
import { Aggregate, Config, Field } from '@machinable/core';
@Config() class C { @Field({ type: 'int' }) from = 0; }
export default class Sweep extends Aggregate<C> {
  static Config = C;
  grid() { return [0, 1, 2, 3].map((i) => ['step', { seed: this.config.from + i }] as const); }
}`;

describe('progress: a sweep from the command line', () => {
  it('prints plain progress lines on stderr (not a terminal) up to all finished; --quiet prints none', async () => {
    const dir = makeProject({ 'sweep.ts': SWEEP, 'step.ts': STEP });
    const env = { MACHINABLE_PROGRESS: undefined, NODE_TEST_CONTEXT: undefined };
    const shown = await runNode(dir, [CLI_BIN, 'get', 'multiprocess', 'processes=2', 'sweep', '--launch'], env);
    assert.equal(shown.code, 0, shown.stderr);
    // The four steps and the sweep itself, computed in the pool.
    const progress = lines(shown.stderr).filter((line) => line.startsWith('5 runs of 2 modules: '));
    assert.ok(progress.length >= 6, shown.stderr);
    assert.match(progress[0]!, /: 0\/5 finished · 0 running · 5 pending · 0 failed · 0:00 elapsed · ETA –$/);
    assert.match(progress.at(-1)!, /: 5\/5 finished · 0 running · 0 pending · 0 failed · \d:\d\d elapsed$/);
    assert.deepEqual(lines(shown.stdout).filter((line) => line.startsWith('step ')).sort(), ['step 0', 'step 1', 'step 2', 'step 3']);

    const quiet = await runNode(dir, [CLI_BIN, 'get', 'multiprocess', 'processes=2', 'sweep', 'from=10', '--launch', '--quiet'], env);
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(lines(quiet.stderr).filter((line) => line.includes(' finished · ')).length, 0, quiet.stderr);
  });
});
