// Quiet machine: other processes (a shared 2-core VM) distort timings, two-thread peers most of all. Before each
// measurement the bench scripts sample /proc/stat while their own peers are idle; if other work (steal time from
// other guests included) is using more than `quietCores`, they wait, up to `waitS` seconds, and record the load seen.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

function cpuTicks() {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] ?? 0);
    return { busy: f.reduce((a, b) => a + b, 0) - idle, total: f.reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Busy cores outside this run, measured over 200 ms (null where /proc/stat is missing). */
async function externalLoad() {
  const a = cpuTicks();
  await sleep(200);
  const b = cpuTicks();
  if (!a || !b || b.total === a.total) return null;
  return ((b.busy - a.busy) / (b.total - a.total)) * cpus().length;
}

/** Waits until other work uses at most `quietCores` cores, or `waitS` seconds have passed; returns the last load. */
export async function waitQuiet(quietCores, waitS) {
  const t0 = Date.now();
  let load = await externalLoad();
  while (load !== null && load > quietCores && Date.now() - t0 < waitS * 1000) {
    await sleep(800);
    load = await externalLoad();
  }
  return load;
}
