// Spawns N nodes against a signaling server and timestamps their -v logs.
import { spawn } from 'node:child_process';
const [url, n, room] = [process.argv[2], Number(process.argv[3]), 'form' + Date.now()];
const t0 = Date.now();
const procs = [];
for (let i = 1; i <= n; i++) {
  const id = 'n' + String(i).padStart(2, '0');
  const p = spawn(process.execPath, ['bin/chatterbox.js', 'node', '--signal', url, '--room', room, '--id', id, '--expect', String(n), '--send-for', '1', '--wait-for', '1', '-v', '--connect-timeout', '90'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let buf = '';
  p.stderr.on('data', (d) => { buf += d; let k; while ((k = buf.indexOf('\n')) >= 0) { const line = buf.slice(0, k); buf = buf.slice(k + 1); console.log(`${Date.now() - t0} ${id} ${line}`); } });
  p.stdout.on('data', (d) => console.log(`${Date.now() - t0} ${id} OUT ${String(d).trim()}`));
  procs.push(new Promise((r) => p.on('close', (c) => { console.log(`${Date.now() - t0} ${id} EXIT ${c}`); r(); })));
}
await Promise.all(procs);
