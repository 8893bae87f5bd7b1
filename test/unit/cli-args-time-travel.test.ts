// gradlens train's time-travel flags: --recover kinds, --max-recoveries, the snapshot ring's size, and the usage
// errors that name the flag.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs, UsageError, type TrainArgs } from '../../cli/args';

const train = (...argv: string[]): TrainArgs => parseArgs(['train', 'model.ts', ...argv]) as TrainArgs;

test('--recover, --max-recoveries and the snapshot flags reach the train arguments', () => {
  assert.deepEqual(train().recover, []);
  assert.equal(train().snapshots, undefined);
  const a = train('--recover', 'lossSpike,nonFinite', '--max-recoveries', '0', '--snapshot-every', '5', '--snapshot-depth=3');
  assert.deepEqual([a.recover, a.maxRecoveries, a.snapshots], [['lossSpike', 'nonFinite'], 0, { every: 5, depth: 3 }]);
  assert.equal(train('--no-snapshots').snapshots, false);
});

test('time-travel usage errors name the flag', () => {
  const usage = (argv: string[], re: RegExp) => assert.throws(() => parseArgs(['train', ...argv]), (e: unknown) => e instanceof UsageError && re.test(e.message));
  usage(['m.ts', '--recover', 'spike'], /--recover: unknown anomaly kind "spike"/);
  usage(['m.ts', '--recover', ','], /--recover needs anomaly kinds/);
  usage(['m.ts', '--max-recoveries', '2'], /--max-recoveries needs --recover/);
  usage(['m.ts', '--snapshot-every', '0'], /--snapshot-every needs an integer >= 1/);
  usage(['m.ts', '--no-snapshots', '--recover', 'nonFinite'], /--no-snapshots leaves nothing/);
  usage(['train.py', '--recover', 'nonFinite'], /not yet for a PyTorch script/);
});
