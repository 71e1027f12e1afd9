import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EtaEstimator, formatDuration } from '../src/cli/eta.ts';
import { progressBar } from '../src/cli/progress.ts';

test('durations are rounded once: never "1m60s"', () => {
  assert.equal(formatDuration(59.6), '1m00s');
  assert.equal(formatDuration(119.7), '2m00s');
  assert.equal(formatDuration(65), '1m05s');
  assert.equal(formatDuration(7), '7s');
  assert.equal(formatDuration(3599.6), '1h00m');
  assert.equal(formatDuration(7620), '2h07m');
  assert.equal(formatDuration(Number.NaN), '--');
  for (let s = 0; s < 8000; s += 0.37) assert.doesNotMatch(formatDuration(s), /[^0-9]60[sm]/);
});

test('the estimate is unknown at the start, not "0s", and then smooth under uneven steps', () => {
  const eta = new EtaEstimator();
  assert.equal(eta.update(0, 0, 1000), null);
  assert.equal(eta.update(0.5, 1, 1000), null, 'no estimate during the warm-up');
  // 1 step a second on average, with every tenth step 10× slower than the others.
  let t = 0.5;
  const estimates: number[] = [];
  for (let done = 2; done < 400; done++) {
    t += done % 10 === 0 ? 5.5 : 0.5;
    const left = eta.update(t, done, 1000);
    if (t > 40) estimates.push(left! / (1000 - done));
  }
  // Seconds per remaining step stay near the true 1 s (a raw last-step estimate would swing 0.5 → 5.5).
  assert.ok(
    Math.min(...estimates) > 0.7 && Math.max(...estimates) < 1.4,
    `${Math.min(...estimates)}..${Math.max(...estimates)}`,
  );
  // A new phase (another total) starts a fresh estimate instead of carrying the old pace over.
  assert.equal(eta.update(t + 1, 1, 50), null);
});

/** A fake terminal stream recording what is written. */
function fakeStream(tty: boolean): NodeJS.WriteStream & { text: string } {
  const s = {
    isTTY: tty,
    columns: 200,
    text: '',
    write(chunk: string) {
      s.text += chunk;
      return true;
    },
  };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

test('on a terminal a log line clears the bar first and the bar is redrawn below it', () => {
  const out = fakeStream(true);
  const bar = progressBar('train', out);
  bar.update(1, 10, 'geometry');
  assert.match(out.text, /ETA --/);
  bar.log('resuming from iteration 500');
  assert.ok(out.text.includes('\r\x1b[Kresuming from iteration 500\n'), JSON.stringify(out.text));
  const after = out.text.split('resuming from iteration 500\n')[1]!;
  assert.ok(after.startsWith('\r\x1b[Ktrain ['), JSON.stringify(after));
  bar.stop();
  assert.ok(out.text.endsWith('\n'));
  bar.update(5, 10);
  assert.ok(out.text.endsWith('\n'), 'nothing drawn after stop');
});

test('without a terminal the bar prints whole lines and a log line is its own line', () => {
  const out = fakeStream(false);
  const bar = progressBar('eval', out);
  bar.update(0, 2);
  bar.log('a note');
  bar.update(2, 2);
  bar.stop();
  const lines = out.text.split('\n').filter((l) => l);
  assert.deepEqual(
    lines.map((l) => l.replace(/\[.*\]/, '[]')),
    ['eval [] 0% | 0/2 | ETA --', 'a note', 'eval [] 100% | 2/2 | ETA 0s'],
  );
  assert.ok(!out.text.includes('\x1b'));
});
