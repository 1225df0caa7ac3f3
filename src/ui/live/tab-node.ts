// A tab's node: the protocol host and its feed to the page, driven by messages. The same class runs
// in a dedicated worker (src/ui/live/node-worker.ts) or, where data channels cannot move to a
// worker, on the page's main thread; only the way messages travel differs.

import type { StartNotice } from '../../signaling';
import type { MemberId } from '../../core';
import type { FrameChannel } from '../../net/frame-plane';
import type { LinkSettings } from '../../net/link-shaper';
import type { Timers } from '../../net/timers';
import { NodeHost } from '../../runtime/node-host';
import { rejectedFramesLog } from '../../runtime/counting-log';
import type { NodeSnapshot } from '../../runtime/snapshot';
import { NodeFeed, type FeedBatch } from './feed';

/** From the page to its node. */
export type ToNode =
  | { type: 'attach'; peer: MemberId; attempt: number; channel: FrameChannel }
  | { type: 'detach'; peer: MemberId; attempt: number }
  | { type: 'shape'; peer: MemberId; settings: LinkSettings }
  | { type: 'start'; self: MemberId; notice: StartNotice }
  | { type: 'close' };

/** From the node to its page. */
export type FromNode =
  | { type: 'open'; peer: MemberId; attempt: number }
  | { type: 'lost'; peer: MemberId; attempt: number; reason: string }
  | { type: 'telemetry'; snapshot: NodeSnapshot }
  | { type: 'finished'; runId: string }
  | { type: 'feed'; runId: string; batch: FeedBatch }
  | { type: 'log'; message: string };

export class TabNode {
  private readonly host: NodeHost;
  private feed: NodeFeed | null = null;

  constructor(clock: () => number, timers: Timers, post: (message: FromNode) => void) {
    this.host = new NodeHost({ clock, timers });
    const rejections = rejectedFramesLog((message) => post({ type: 'log', message }));
    this.host.on('open', (open) => post({ type: 'open', ...open }));
    this.host.on('lost', (lost) => post({ type: 'lost', ...lost }));
    this.host.on('telemetry', ({ snapshot }) => post({ type: 'telemetry', snapshot }));
    this.host.on('finished', ({ runId }) => post({ type: 'finished', runId }));
    this.host.on('run', ({ runtime, notice }) => {
      this.feed?.close();
      this.feed = new NodeFeed(runtime, this.host.plane, timers, clock, (batch) => post({ type: 'feed', runId: notice.runId, batch }));
      runtime.on('rejected', ({ from, reason }) => rejections.report(from, reason));
    });
  }

  handle(message: ToNode): void {
    switch (message.type) {
      case 'attach':
        this.host.attach(message.peer, message.attempt, message.channel);
        break;
      case 'detach':
        this.host.detach(message.peer, message.attempt);
        break;
      case 'shape':
        this.host.shape(message.peer, message.settings);
        break;
      case 'start':
        this.host.start(message.self, message.notice);
        break;
      case 'close':
        this.feed?.close();
        this.host.close();
        break;
    }
  }
}
