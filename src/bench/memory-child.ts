// Child process of the memory bench: runs the in-memory loopback and prints its result as one JSON line.
//
// Usage: node --expose-gc --import tsx src/bench/memory-child.ts <window> <maxSeconds> <count> [count...]

import { runLoopback } from './loopback';

const [window, maxSeconds, ...counts] = process.argv.slice(2).map(Number);
if (!(window >= 1) || !(maxSeconds > 0) || counts.length === 0 || counts.some((c) => !(c > 0))) {
  process.stderr.write('usage: memory-child.ts <window> <maxSeconds> <count> [count...]\n');
  process.exit(2);
}
const gc = (globalThis as { gc?: () => void }).gc;
const result = await runLoopback({ window, maxSeconds, sampleAt: counts, beforeSample: gc });
process.stdout.write(JSON.stringify({ ...result, gcBeforeSample: gc !== undefined }) + '\n');
