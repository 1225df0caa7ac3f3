// The conformance harness's recomputation: a run's (count, checksum) from one trace's DATA and FIN records alone.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditTrace } from '../../src/cli/trace-audit';

const RUN = 77;
const start = { t: 0, node: 'n1', ev: 'start', run: RUN, runId: 'x', members: ['n1', 'n2'], params: { sendForMs: 100, waitForMs: 100, seed: 0, tickMs: 10, window: 1 } };
const data = (from: string, seq: number, sentAt: number, value: number) => ({ kind: 'data', run: RUN, from, seq, sentAt, value });
const fin = (from: string, seq: number) => ({ kind: 'fin', run: RUN, from, seq });

// Golden values (docs/PROTOCOL.md): seed 0, n1 #1 1983157950, n1 #2 6849986717, n2 #1 9460587691.
const records = [
  start,
  { t: 10, node: 'n1', ev: 'send', to: 'n2', frame: data('n1', 1, 10, 1983157950) },
  { t: 15, node: 'n1', ev: 'recv', from: 'n2', frame: data('n2', 1, 15, 9460587691) },
  { t: 16, node: 'n1', ev: 'recv', from: 'n2', frame: data('n2', 1, 15, 9460587691) },
  { t: 20, node: 'n1', ev: 'send', to: 'n2', frame: data('n1', 2, 20, 6849986717) },
  { t: 30, node: 'n1', ev: 'recv', from: 'n2', frame: fin('n2', 2) },
  { t: 31, node: 'n1', ev: 'send', to: 'n2', frame: fin('n1', 3) },
];
const trace = (lines: object[]) => lines.map((line) => JSON.stringify(line)).join('\n') + '\n';

describe('auditTrace', () => {
  it('recomputes count and checksum from the DATA and FIN frames, ordered by (sentAt, from, seq)', () => {
    // 1 · 1983157950 + 2 · 9460587691 + 3 · 6849986717 = 41454293483 (scaled by 10^10)
    expect(auditTrace(trace(records))).toEqual({ node: 'n1', members: ['n1', 'n2'], count: 3, checksum: '4.1454293483', problems: [] });
  });

  it('does not read commit or result records: a lying result record changes nothing', () => {
    const lying = [...records, { t: 40, node: 'n1', ev: 'result', count: 99, checksum: '1.0000000000', complete: true }];
    expect(auditTrace(trace(lying))).toMatchObject({ count: 3, checksum: '4.1454293483' });
  });

  it('gives no result when a member\'s FIN is missing', () => {
    const audit = auditTrace(trace(records.filter((record) => !('frame' in record && record.frame.kind === 'fin' && record.frame.from === 'n2'))));
    expect(audit).toMatchObject({ count: null, checksum: null, problems: ["n1's trace has no FIN from n2"] });
  });

  it('gives no result when a DATA before the FIN is missing', () => {
    const audit = auditTrace(trace(records.filter((record) => !('frame' in record && record.frame.kind === 'data' && record.frame.seq === 2))));
    expect(audit).toMatchObject({ count: null, problems: ["n1's trace lacks DATA 2 from n1 (FIN 3)"] });
  });

  it('names a DATA whose value is not value(seed, from, seq), and counts the documented value instead', () => {
    const forged = records.map((record) => ('frame' in record && record.frame.kind === 'data' && record.frame.from === 'n2' ? { ...record, frame: { ...record.frame, value: 5 } } : record));
    const audit = auditTrace(trace(forged));
    expect(audit.problems).toEqual(['DATA 1 from n2 carries 5, not value(seed, n2, 1) = 9460587691']);
    expect(audit.checksum).toBe('4.1454293483');
  });

  it('names a message seen with two sentAt, and frames of another run are ignored', () => {
    const twice = [...records, { t: 50, node: 'n1', ev: 'recv', from: 'n2', frame: data('n2', 1, 99, 9460587691) }];
    expect(auditTrace(trace(twice)).problems).toEqual(['DATA 1 from n2 was seen with two sentAt: 15 and 99']);
    const otherRun = [...records, { t: 50, node: 'n1', ev: 'recv', from: 'n2', frame: { ...data('n2', 1, 99, 5), run: RUN + 1 } }];
    expect(auditTrace(trace(otherRun)).problems).toEqual([]);
  });

  it('refuses a trace without a start record, and names lines that are not JSON', () => {
    expect(auditTrace('{"ev":"send"}\nnot json\n')).toEqual({ node: null, members: [], count: null, checksum: null, problems: ['line 2 is not JSON', 'the trace has no valid start record'] });
  });
});

describe('auditTrace on a simulated run with loss and duplication', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chatterbox-audit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('recomputes every node\'s printed result from that node\'s records', () => {
    const file = path.join(dir, 'sim.jsonl');
    const sim = spawnSync(process.execPath, ['bin/chatterbox.js', 'sim', '--nodes', '3', '--send-for', '0.5', '--wait-for', '2', '--window', '4', '--loss', '0.1', '--dup', '0.1', '--with-seed', '9', '--trace', file, '--json'], { encoding: 'utf8', timeout: 60_000 });
    expect(sim.status, sim.stderr).toBe(0);
    const report = JSON.parse(sim.stdout);
    expect(report.agree).toBe(true);
    const text = readFileSync(file, 'utf8');
    for (const node of report.nodes) {
      expect(auditTrace(text, node.id)).toMatchObject({ node: node.id, count: node.count, checksum: node.checksum, problems: [] });
    }
  });
});
