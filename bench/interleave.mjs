// Times two shell commands as whole processes, interleaved A B A B after one warm-up run of each, and prints the
// median wall and CPU (user + system) seconds of each and the median, min and max of the pair-by-pair ratios A/B:
// on a shared machine whose speed drifts, a ratio taken within a pair holds where absolute times do not.
//   node bench/interleave.mjs RUNS 'command A' 'command B'
// Each run goes through bash's `time` (TIMEFORMAT '%R %U %S'), the command's own output discarded.
import { spawnSync } from 'node:child_process';
import { median } from './cli.mjs';

const [runsArg, a, b] = process.argv.slice(2);
const runs = Number(runsArg);
if (!Number.isInteger(runs) || runs < 1 || !a || !b) {
  console.error("usage: node bench/interleave.mjs RUNS 'command A' 'command B'");
  process.exit(2);
}

/** One run of `cmd`: [wall, cpu] seconds. */
function timeOnce(cmd) {
  const script = `TIMEFORMAT='%R %U %S'; { time { ${cmd} ; } > /dev/null 2>&1 ; } 2>&1`;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  const [wall, user, sys] = last.split(' ').map(Number);
  if (![wall, user, sys].every(Number.isFinite)) throw new Error(`could not time: ${cmd}\n${r.stdout}${r.stderr}`);
  return [wall, user + sys];
}

const fmt = (x) => x.toFixed(3);

timeOnce(a);
timeOnce(b);
const rows = [];
for (let i = 0; i < runs; i++) rows.push([timeOnce(a), timeOnce(b)]);
for (const [k, name] of [[0, 'wall'], [1, 'cpu']]) {
  const ratios = rows.map(([ra, rb]) => ra[k] / rb[k]);
  console.log(
    `${name}: A ${fmt(median(rows.map((r) => r[0][k])))} s, B ${fmt(median(rows.map((r) => r[1][k])))} s; ` +
      `A/B median ${fmt(median(ratios))} (min ${fmt(Math.min(...ratios))}, max ${fmt(Math.max(...ratios))}), ${runs} pairs`,
  );
}
