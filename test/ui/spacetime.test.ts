// The space-time diagram: its geometry (time → x, node → lane, zoom, scroll, follow), hit-testing,
// which message a click selects and what of it lights up (on a simulated run's history), the
// sampling of crowded windows, and the SVG export of the same drawing.

import { describe, expect, it } from 'vitest';
import { traceLine, type TraceRecord } from '../../src/core';
import { simulate } from '../../src/sim/simulate';
import { memberColors } from '../../src/ui/colors';
import { RunHistory } from '../../src/ui/history/history';
import { Traffic } from '../../src/ui/history/traffic';
import { flightSampleKey, samplingStep, type Flight } from '../../src/ui/timeline/flights';
import { buildDrawing, FRAME_BUDGET, shapesOf, tickLabel, type DiagramInput } from '../../src/ui/spacetime/drawing';
import { fitWindow, followWindow, hitTest, laneY, panWindow, plotOf, timeOfX, xOfTime, zoomWindow } from '../../src/ui/spacetime/geometry';
import { describeFlight, highlightOf, messageOfFlight } from '../../src/ui/spacetime/selection';
import { drawingToSvg } from '../../src/ui/spacetime/svg';

function simulatedRun(loss: number): TraceRecord[] {
  const records: TraceRecord[] = [];
  simulate({
    nodes: 3,
    params: { sendForMs: 300, waitForMs: 600, seed: 4, tickMs: 50, window: 2 },
    network: { latencyMs: 10, delay: 'exponential', loss, dup: 0, partitions: false, crash: false, skewMs: 0 },
    netSeed: 7,
    trace: (r) => records.push(JSON.parse(traceLine(r))),
  });
  return records;
}

const plot = plotOf(600, 200);

describe('the diagram geometry', () => {
  it('maps the window onto the plot and back', () => {
    const window = { start: 1_000_000, end: 3_000_000 };
    expect(xOfTime(plot, window, window.start)).toBe(plot.left);
    expect(xOfTime(plot, window, window.end)).toBe(plot.width - plot.right);
    for (const t of [1_000_000, 1_234_567, 2_999_999]) expect(timeOfX(plot, window, xOfTime(plot, window, t))).toBeCloseTo(t, 3);
  });

  it('puts lanes in member order, evenly, inside the plot', () => {
    const ys = [0, 1, 2].map((i) => laneY(plot, 3, i));
    expect(ys[0]).toBeGreaterThan(plot.top);
    expect(ys[2]).toBeLessThan(plot.height - plot.bottom);
    expect(ys[1] - ys[0]).toBeCloseTo(ys[2] - ys[1], 9);
  });

  it('zooms around the anchor, which stays at the same place on screen', () => {
    const window = { start: 0, end: 1_000_000 };
    const anchor = 250_000;
    const zoomed = zoomWindow(window, anchor, 0.5);
    expect(zoomed.end - zoomed.start).toBe(500_000);
    expect(xOfTime(plot, zoomed, anchor)).toBeCloseTo(xOfTime(plot, window, anchor), 9);
    expect(zoomWindow(window, anchor, 1e-9).end - zoomWindow(window, anchor, 1e-9).start).toBe(1000);
  });

  it('scrolls by a time and fits a stretch with a margin', () => {
    expect(panWindow({ start: 10, end: 20 }, 5)).toEqual({ start: 15, end: 25 });
    const fit = fitWindow(1_000_000, 2_000_000);
    expect(fit.start).toBeLessThan(1_000_000);
    expect(fit.end).toBeGreaterThan(2_000_000);
  });

  it('follows the playhead while the run goes on, and keeps its end in view once it is over', () => {
    expect(followWindow(2_000_000, 10_000_000, 9_990_000, false)).toEqual({ start: 8_000_000, end: 10_000_000 });
    const after = followWindow(2_000_000, 60_000_000, 9_990_000, true);
    expect(after.start).toBeLessThan(9_990_000);
    expect(after.end).toBeGreaterThan(9_990_000);
    expect(after.end).toBeLessThan(11_000_000);
  });

  it('hits the nearest shape within the tolerance, and nothing beyond it', () => {
    const shapes = [
      { item: 'a', x1: 0, y1: 0, x2: 100, y2: 0 },
      { item: 'b', x1: 0, y1: 10, x2: 100, y2: 10 },
      { item: 'dot', x: 50, y: 50, radius: 3 },
    ];
    expect(hitTest(shapes, 50, 3, 5)).toBe('a');
    expect(hitTest(shapes, 50, 8, 5)).toBe('b');
    expect(hitTest(shapes, 54, 50, 5)).toBe('dot');
    expect(hitTest(shapes, 50, 30, 5)).toBeNull();
    expect(hitTest(shapes, 120, 0, 5)).toBeNull();
  });

  it('samples by powers of two, just enough to stay within the budget', () => {
    expect(samplingStep(100, 2500)).toBe(1);
    expect(samplingStep(2500, 2500)).toBe(1);
    expect(samplingStep(2501, 2500)).toBe(2);
    expect(samplingStep(10_000, 2500)).toBe(4);
    expect(samplingStep(10_001, 2500)).toBe(8);
  });
});

describe('selecting a message on a simulated run', () => {
  const records = simulatedRun(0);
  const history = RunHistory.fromRecords(records);
  const flights = history.trafficLog.flights(-Infinity, Infinity, Infinity);
  const marks = history.trafficLog.commits(-Infinity, Infinity, Infinity);
  const clicked = flights.find((f) => f.kind === 'data' && f.seq === 3)!;
  const message = messageOfFlight(clicked);
  const lit = highlightOf(message, flights, marks, Infinity);

  it('lights its DATA to every receiver', () => {
    const sends = records.filter((r) => r.ev === 'send' && r.frame.kind === 'data' && r.node === message.sender && r.frame.seq === 3);
    expect(lit.data.size).toBe(sends.length);
    expect(new Set([...lit.data].map((f) => f.to)).size).toBe(2);
  });

  it('lights the ACK of it from every receiver, and no other ACK', () => {
    const acks = records.filter((r) => r.ev === 'send' && r.frame.kind === 'ack' && r.to === message.sender && r.frame.seq === 3);
    expect(acks.length).toBeGreaterThanOrEqual(2);
    expect(lit.acks.size).toBe(acks.length);
    for (const ack of lit.acks) expect([ack.kind, ack.to, ack.seq]).toEqual(['ack', message.sender, 3]);
  });

  it('lights its commit on every node that committed it', () => {
    const commits = records.filter((r) => r.ev === 'commit' && r.from === message.sender && r.seq === 3);
    expect(commits.length).toBeGreaterThanOrEqual(2);
    expect(new Set([...lit.commits].map((m) => m.node))).toEqual(new Set(commits.map((r) => r.node)));
  });

  it('takes the first ACK covering it when a receiver never acked its serial exactly', () => {
    const data: Flight = { from: 'A', to: 'B', kind: 'data', seq: 5, start: 0, end: 10, lost: false };
    const later: Flight = { from: 'B', to: 'A', kind: 'ack', seq: 7, start: 30, end: 40, lost: false };
    const laterStill: Flight = { ...later, seq: 8, start: 50, end: 60 };
    const older: Flight = { ...later, seq: 4, start: 5, end: 15 };
    const found = highlightOf({ sender: 'A', seq: 5 }, [data, older, later, laterStill], [], Infinity);
    expect([...found.acks]).toEqual([later]);
  });

  it('draws the clicked frame where a click finds it again, and the highlight on top', () => {
    const input: DiagramInput = {
      members: history.memberIds,
      colorOf: memberColors(history.memberIds),
      plot,
      window: { start: clicked.start - 50_000, end: clicked.end + 200_000 },
      playhead: Infinity,
      origin: history.run!.startedAt,
      flights: history.trafficLog.flights(clicked.start - 50_000, clicked.end + 200_000, Infinity),
      marks: history.trafficLog.commits(clicked.start - 50_000, clicked.end + 200_000, Infinity),
      every: 1,
      highlight: lit,
    };
    const drawing = buildDrawing(input);
    const arrow = drawing.arrows.find((a) => a.flight === clicked)!;
    expect(arrow.highlighted).toBe(true);
    const hit = hitTest(shapesOf(drawing), (arrow.x1 + arrow.x2) / 2, (arrow.y1 + arrow.y2) / 2, 5) as Flight;
    expect(messageOfFlight(hit)).toEqual(message);
    const lastPlain = drawing.arrows.findIndex((a) => a.highlighted);
    expect(drawing.arrows.slice(lastPlain).every((a) => a.highlighted)).toBe(true);
  });

  it('describes a DATA by serial, sentAt and value', () => {
    const lines = describeFlight(clicked, history.run!.startedAt).join('\n');
    expect(lines).toContain('serial 3');
    expect(lines).toContain(`sentAt ${clicked.sentAt}`);
    expect(lines).toContain(`value ${clicked.value}`);
    expect(clicked.value).toBeGreaterThan(0);
  });
});

describe('a crowded window', () => {
  const members = ['A', 'B', 'C'];
  const traffic = new Traffic(100_000);
  const flights: Flight[] = [];
  for (let seq = 1; seq <= 3000; seq += 1) {
    flights.push({ from: 'A', to: 'B', kind: 'data', seq, start: seq * 100, end: seq * 100 + 50, lost: false });
    flights.push({ from: 'B', to: 'A', kind: 'ack', seq, start: seq * 100 + 50, end: seq * 100 + 90, lost: false });
  }
  flights.push({ from: 'A', to: 'B', kind: 'fin', seq: 3001, start: 300_200, end: 300_300, lost: false });
  for (const flight of flights) traffic.addFlight(flight);
  const window = { start: 0, end: 400_000 };
  const every = traffic.messageSampling(window.start, window.end, FRAME_BUDGET);
  const sample = traffic.flights(window.start, window.end, Infinity, every);
  const input: DiagramInput = { members, colorOf: memberColors(members), plot, window, playhead: Infinity, origin: 0, flights: sample, marks: [], every, highlight: null };

  it('keeps about the budget: whole messages (DATA with its ACKs), the same at every look, and the FIN', () => {
    expect(every).toBe(4);
    expect(sample.length).toBeLessThanOrEqual(FRAME_BUDGET);
    expect(sample.length).toBeGreaterThan(FRAME_BUDGET / 2);
    const dataSeqs = new Set(sample.filter((f) => f.kind === 'data').map((f) => f.seq));
    const ackSeqs = new Set(sample.filter((f) => f.kind === 'ack').map((f) => f.seq));
    expect(ackSeqs).toEqual(dataSeqs);
    expect(sample.some((f) => f.kind === 'fin')).toBe(true);
    expect(traffic.flights(window.start, window.end, Infinity, every)).toEqual(sample);
    const coarser = new Set(traffic.flights(window.start, window.end, Infinity, every * 2));
    expect([...coarser].every((f) => sample.includes(f))).toBe(true);
  });

  it('forgets the sampled copies with the items a bounded log drops', () => {
    const small = new Traffic(100);
    for (const flight of flights) small.addFlight(flight);
    const kept = small.flights(-Infinity, Infinity, Infinity);
    const sampled = small.flights(-Infinity, Infinity, Infinity, 2);
    expect(sampled.length).toBeGreaterThan(0);
    expect(sampled.every((f) => kept.includes(f))).toBe(true);
  });

  it('draws a highlighted message even when the sample leaves it out', () => {
    const left = flights.find((f) => f.kind === 'data' && !sample.includes(f))!;
    const lit = highlightOf(messageOfFlight(left), flights, [], Infinity);
    const drawing = buildDrawing({ ...input, highlight: lit });
    expect(drawing.arrows.filter((a) => a.highlighted).map((a) => a.kind).sort()).toEqual(['ack', 'data']);
    expect(drawing.arrows.length).toBe(sample.length + 2);
    expect(flightSampleKey(left)! % every).not.toBe(0);
  });

  it('stops frames at the playhead and draws nothing sent after it', () => {
    const drawing = buildDrawing({ ...input, flights: flights.slice(0, 40), every: 1, playhead: 1025 });
    expect(drawing.arrows.map((a) => a.flight.start)).toEqual(flights.slice(0, 19).map((f) => f.start));
    const inFlight = drawing.arrows[drawing.arrows.length - 1];
    expect(inFlight.head).toBe(false);
    expect(inFlight.x2 - inFlight.x1).toBeCloseTo((xOfTime(plot, input.window, 1050) - inFlight.x1) / 2, 6);
  });
});

describe('the SVG export', () => {
  const records = simulatedRun(0.2);
  const history = RunHistory.fromRecords(records);
  const window = fitWindow(history.run!.startedAt, history.trafficLog.lastActivity);
  const drawing = buildDrawing({
    members: history.memberIds,
    colorOf: memberColors(history.memberIds),
    plot,
    window,
    playhead: Infinity,
    origin: history.run!.startedAt,
    flights: history.trafficLog.flights(window.start, window.end, Infinity),
    marks: history.trafficLog.commits(window.start, window.end, Infinity),
    every: 1,
    highlight: null,
  });
  const svg = drawingToSvg(drawing, 'run <1> & "friends"');

  it('is one SVG element per frame and commit drawn, with lane names and time ticks', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<g class="frame /g)?.length).toBe(drawing.arrows.length);
    expect(svg.match(/<circle class="commit/g)?.length).toBe(drawing.dots.length);
    for (const id of history.memberIds) expect(svg).toContain(`>${id}</text>`);
    expect(drawing.ticks.length).toBeGreaterThan(1);
    expect(drawing.arrows.some((a) => a.flight.lost && !a.head)).toBe(true);
  });

  it('escapes text', () => {
    expect(svg).toContain('<title>run &lt;1&gt; &amp; &quot;friends&quot;</title>');
  });

  it('labels ticks in the unit of the span', () => {
    expect(tickLabel(1_500_000, 5_000_000)).toBe('1.5 s');
    expect(tickLabel(250_000, 1_000_000)).toBe('250 ms');
    expect(tickLabel(800, 1500)).toBe('800 µs');
  });
});
