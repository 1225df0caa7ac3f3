// The worker's frames: a frame whose traffic is over the page's budget goes out thinned to whole
// messages of a sparser sample, and the frames after it keep that sample.

import { describe, expect, it } from 'vitest';
import { isProtocolFrame, type TraceRecord } from '../../src/core';
import { createEngine } from '../../src/sandbox/engine';
import { FrameReporter, type SandboxFrame } from '../../src/sandbox/frame-report';
import { defaultSetup } from '../../src/sandbox/setup';
import { messageKey } from '../../src/ui/timeline/flights';

/** The frames of a 12-node run advanced `sliceUs` of virtual time at a time. */
function frames(sliceUs: number): SandboxFrame[] {
  const created = createEngine(defaultSetup(12, 5));
  if (!created.ok) throw new Error(created.error);
  const engine = created.engine;
  const reporter = new FrameReporter(engine.members);
  const taken: SandboxFrame[] = [];
  while (!engine.done) {
    engine.advance(engine.cursor + sliceUs, 4000);
    reporter.fold(engine.takeRecords());
    taken.push(reporter.take(engine.cursor, (id) => engine.nodeState(id)));
  }
  return taken;
}

/** The message a traffic record belongs to: a DATA's is its sender's, an ACK's that of the node it goes to. */
function messageOf(record: TraceRecord): number | null {
  if (record.ev === 'commit') return messageKey(record.from, record.seq);
  if (record.ev !== 'send' && record.ev !== 'recv' && record.ev !== 'drop') return null;
  if (!isProtocolFrame(record.frame)) return null;
  const from = record.ev === 'recv' ? record.from : record.node;
  const to = record.ev === 'recv' ? record.node : record.to;
  return messageKey(record.frame.kind === 'ack' ? to : from, record.frame.seq);
}

describe('the traffic in sandbox frames', () => {
  it('fits the budget from the first frame, with whole messages of the sample the frame names', () => {
    const taken = frames(100_000);
    expect(taken[0].every).toBeGreaterThan(1);
    for (const frame of taken) {
      if (frame.every < 64) expect(frame.traffic.length).toBeLessThanOrEqual(400);
      for (const record of frame.traffic) {
        const isFin = (record.ev === 'send' || record.ev === 'recv' || record.ev === 'drop') && isProtocolFrame(record.frame) && record.frame.kind === 'fin';
        if (!isFin) expect(messageOf(record)! % frame.every).toBe(0);
      }
    }
  });

  it('never goes back to a denser sample within a run at one speed', () => {
    const everies = frames(100_000).map((frame) => frame.every);
    expect(everies).toEqual([...everies].sort((a, b) => a - b));
  });
});
