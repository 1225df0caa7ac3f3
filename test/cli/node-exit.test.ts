// `chatterbox node`'s exit code once its run ended: a cluster that disagrees is a failure (5), not success.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { NODE_EXIT, nodeExitCode } from '../../src/cli/node';
import { judgeAgreement } from '../../src/runtime/agreement';

const result = (count: number, checksum: string) => ({ count, checksum, complete: true });
const complete = { complete: true };
const stalled = { complete: false };

describe('chatterbox node exit code', () => {
  it('is 5 when a member printed a different result', () => {
    const verdict = judgeAgreement(['n1', 'n2'], new Map([['n1', result(5, '2.0000000000')], ['n2', result(4, '1.0000000000')]]), true);
    expect(nodeExitCode(complete, verdict)).toBe(5);
    expect(NODE_EXIT.disagree).toBe(5);
  });

  it('is 0 when every result is equal, and when a member sent none (it is named, not judged)', () => {
    const same = new Map([['n1', result(5, '2.0000000000')], ['n2', result(5, '2.0000000000')]]);
    expect(nodeExitCode(complete, judgeAgreement(['n1', 'n2'], same, true))).toBe(0);
    expect(nodeExitCode(complete, judgeAgreement(['n1', 'n2', 'n3'], same, true))).toBe(0);
  });

  it('is 4 (stalled) when this node could not complete, whatever the others printed', () => {
    const differing = new Map([['n1', result(5, '2.0000000000')], ['n2', result(4, '1.0000000000')]]);
    expect(nodeExitCode(stalled, judgeAgreement(['n1', 'n2'], differing, true))).toBe(4);
  });

  it('is documented in --help', () => {
    const help = spawnSync(process.execPath, ['bin/chatterbox.js', 'node', '--help'], { encoding: 'utf8', timeout: 60_000 });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/5 finished but the cluster disagrees/);
  });
});
