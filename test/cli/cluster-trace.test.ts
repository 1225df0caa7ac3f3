// `chatterbox cluster --trace-dir` merges its nodes' traces into one cluster trace the page can replay.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTrace } from '../../src/ui/replay/trace-parser';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'chatterbox-cluster-trace-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('chatterbox cluster --trace-dir', () => {
  it('writes cluster.jsonl: every node\'s records on one clock, headed by how each clock was aligned', async () => {
    const run = spawnSync(process.execPath, ['bin/chatterbox.js', 'cluster', '--nodes', '3', '--send-for', '0.5', '--wait-for', '0.5', '--trace-dir', tmp, '--json'], { encoding: 'utf8', timeout: 90_000 });
    expect(run.status, run.stderr).toBe(0);
    const nodes: { id: string; count: number }[] = JSON.parse(run.stdout).nodes;
    const text = readFileSync(path.join(tmp, 'cluster.jsonl'), 'utf8');
    const parsed = await parseTrace(text);
    if (!parsed.ok) throw new Error(`line ${parsed.line}: ${parsed.message}`);
    const records = parsed.trace.records;
    const clocks = records.filter((r) => r.ev === 'clock');
    expect(clocks.map((r) => r.node)).toEqual(['n1', 'n2', 'n3']);
    for (const clock of clocks) expect(clock).toMatchObject({ rttUs: expect.any(Number) });
    for (const { id, count } of nodes) {
      const own = readFileSync(path.join(tmp, `${id}.jsonl`), 'utf8').trim().split('\n');
      expect(records.filter((r) => r.node === id && r.ev !== 'clock')).toHaveLength(own.length);
      expect(records.filter((r) => r.node === id && r.ev === 'commit')).toHaveLength(count);
    }
    const times = records.map((r) => r.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(run.stderr).toContain('clocks aligned to n1');
  });
});
