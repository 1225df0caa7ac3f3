// Two NodeRuntimes in one process joined by an in-memory link (no WebRTC): memory against committed messages.

import { getHeapSpaceStatistics } from 'node:v8';
import { DEFAULT_PARAMS, type MemberId } from '../core';
import { microsecondClock } from '../runtime/clock';
import { NodeRuntime, type FrameSink } from '../runtime/runtime';

export interface LoopbackOptions {
  window: number;
  /** Committed counts (at node A) at which memory is sampled, ascending; the run stops after the last. */
  sampleAt: readonly number[];
  /** Gives up after this long even if the last sample was not reached. */
  maxSeconds: number;
  /** Called before each sample (e.g. global.gc). */
  beforeSample?: () => void;
}

export interface MemorySample {
  committed: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  /** V8's young generation, which V8 enlarges under a high allocation rate (part of RSS, not of heapUsed). */
  newSpaceBytes: number;
}

export interface LoopbackResult {
  samples: MemorySample[];
  committed: number;
  seconds: number;
  commitsPerSec: number;
}

/** Frames for one member, delivered all together on the next turn of the event loop (setImmediate). */
class LoopbackLink implements FrameSink {
  private queue: Array<{ to: MemberId; bytes: Uint8Array }> = [];
  private scheduled = false;

  constructor(
    private readonly from: MemberId,
    private readonly nodes: Map<MemberId, NodeRuntime>,
    private readonly afterDelivery: () => void,
  ) {}

  send(to: MemberId, bytes: Uint8Array): void {
    this.queue.push({ to, bytes });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.deliver());
  }

  private deliver(): void {
    const queue = this.queue;
    this.queue = [];
    this.scheduled = false;
    for (const { to, bytes } of queue) this.nodes.get(to)?.receive(this.from, bytes);
    this.afterDelivery();
  }
}

export function runLoopback(options: LoopbackOptions): Promise<LoopbackResult> {
  const members = ['a', 'b'];
  const nodes = new Map<MemberId, NodeRuntime>();
  const clock = microsecondClock();
  const started = performance.now();
  const samples: MemorySample[] = [];
  const pending = [...options.sampleAt];
  return new Promise((resolve) => {
    const finish = (): void => {
      clearTimeout(deadline);
      for (const node of nodes.values()) {
        node.stop();
        node.dispose();
      }
      const seconds = (performance.now() - started) / 1000;
      const committed = nodes.get('a')!.committedCount();
      resolve({ samples, committed, seconds, commitsPerSec: Math.round(committed / seconds) });
    };
    const check = (): void => {
      const committed = nodes.get('a')!.committedCount();
      if (pending.length === 0 || committed < pending[0]) return;
      while (pending.length > 0 && committed >= pending[0]) pending.shift();
      options.beforeSample?.();
      const memory = process.memoryUsage();
      const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
      samples.push({
        committed,
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        heapTotalBytes: memory.heapTotal,
        newSpaceBytes: newSpace?.space_size ?? 0,
      });
      if (pending.length === 0) finish();
    };
    const deadline = setTimeout(finish, options.maxSeconds * 1000);
    for (const id of members) nodes.set(id, new NodeRuntime({ self: id, sink: new LoopbackLink(id, nodes, check), clock }));
    const params = { ...DEFAULT_PARAMS, sendForMs: options.maxSeconds * 1000, window: options.window };
    for (const node of nodes.values()) node.start({ runId: 'loopback', run: 1, members, params });
  });
}
