// A sandbox run as the page holds it: frames folded in the worker (figures, the inspected node's commits, a sample of the
// traffic by whole messages) give the page the same counts, commit logs and results as the run, and
// its space-time sample holds every frame of the messages it shows.

import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/sandbox/engine';
import { FrameReporter } from '../../src/sandbox/frame-report';
import { defaultSetup } from '../../src/sandbox/setup';
import { RunHistory } from '../../src/ui/history/history';
import { commitRowsOf, resultsOf, scene } from '../../src/ui/history/scene';

/** Runs a sandbox to its end in frames of `sliceUs` of virtual time (at most `recordsPerFrame` records), appending each to a page's history. */
function playIntoHistory(nodes: number, sliceUs: number, recordsPerFrame: number, inspect: (frame: number) => string | null = () => null) {
  const created = createEngine(defaultSetup(nodes, 5));
  if (!created.ok) throw new Error(created.error);
  const engine = created.engine;
  const reporter = new FrameReporter(engine.members);
  const history = new RunHistory({ run: { runId: 'sim', run: 1, members: engine.members, params: engine.setup.params, startedAt: 0 }, trafficKept: 500_000 });
  let frames = 0;
  while (!engine.done) {
    reporter.inspect(inspect(frames));
    engine.advance(engine.cursor + sliceUs, recordsPerFrame);
    reporter.fold(engine.takeRecords());
    // Node figures in every third frame and the last, as the driver sends them at most 20 times a second.
    const withNodes = frames % 3 === 0 || engine.done;
    const frame = JSON.parse(JSON.stringify(reporter.take(engine.cursor, (id) => engine.nodeState(id), withNodes))) as ReturnType<FrameReporter['take']>;
    history.appendFrame(frame);
    frames += 1;
  }
  return { history, results: engine.results!, frames };
}

describe('a sandbox run appended frame by frame', () => {
  it('shows every node’s count and result as the run ended, and the commit log of the node inspected', () => {
    const { history, results } = playIntoHistory(4, 5_000, 300);
    const view = scene(history, Infinity);
    const shown = resultsOf(history, view);
    for (const node of results.nodes) {
      expect(view.nodes[node.id]!.snapshot.count).toBe(node.count);
      expect(shown[node.id]).toMatchObject({ count: node.count, checksum: node.checksum });
    }
    const first = results.nodes[0];
    const rows = commitRowsOf(history, view, first.id)!;
    expect(rows.size).toBe(Math.min(first.count, 10_000));
    expect(rows.row(0)!.index).toBe(first.count);
  });

  it('a node inspected midway shows its newest 500 commits up to the end, in order, without gaps', () => {
    const { frames } = playIntoHistory(4, 5_000, 300);
    const { history, results } = playIntoHistory(4, 5_000, 300, (frame) => (frame < frames - 3 ? 'n1' : 'n3')); // picked in the last frames
    const view = scene(history, Infinity);
    const n3 = results.nodes.find((node) => node.id === 'n3')!;
    const rows = commitRowsOf(history, view, 'n3')!;
    expect(n3.count).toBeGreaterThan(500);
    for (let offset = 0; offset < 500; offset += 1) expect(rows.row(offset)?.index).toBe(n3.count - offset);
  });

  it('at high rates hands over whole messages, 1 in k, and says k', () => {
    const { history } = playIntoHistory(12, 100_000, 4000);
    const every = history.trafficSampling;
    expect(typeof every === 'number' && every > 1).toBe(true);
    const flights = history.trafficLog.flights(-Infinity, Infinity, Infinity);
    const acks = new Set(flights.filter((f) => f.kind === 'ack').map((f) => `${f.from}>${f.to}#${f.seq}`));
    const data = flights.filter((f) => f.kind === 'data');
    const allAcked = data.filter((f) => acks.has(`${f.to}>${f.from}#${f.seq}`));
    // A DATA in the sample comes with its receiver's ACK (all but messages cut by a doubling of k).
    expect(data.length).toBeGreaterThan(100);
    expect(allAcked.length / data.length).toBeGreaterThan(0.95);
    const sentData = data.length;
    const { history: full } = playIntoHistory(12, 5_000, 100_000);
    expect(full.trafficSampling).toBe(1);
    expect(full.trafficLog.flights(-Infinity, Infinity, Infinity).filter((f) => f.kind === 'data').length).toBeGreaterThan(sentData * 1.5);
  });
});
