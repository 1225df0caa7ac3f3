// The page's handle on its node: a dedicated worker where the browser can transfer data channels
// to one (the protocol then does not wait for the page's tasks), or the same node on the main thread.

import type { StartNotice } from '../../signaling';
import type { MemberId } from '../../core';
import { Emitter } from '../../net/emitter';
import type { FrameChannel } from '../../net/frame-plane';
import type { LinkSettings } from '../../net/link-shaper';
import { microsecondClock } from '../../runtime/clock';
import type { HostEvents, NodeHostPort } from '../../runtime/node-host';
import { createWorkerTimers } from '../../runtime/worker-timers';
import type { FeedBatch } from './feed';
import { TabNode, type FromNode, type ToNode } from './tab-node';

/** Where this tab's protocol runs. */
export type NodeMode = 'worker' | 'main-thread';

export interface NodePortEvents extends HostEvents {
  feed: { runId: string; batch: FeedBatch };
  log: string;
  /** The worker failed; the node is gone (the page says so). */
  failed: string;
}

export class NodePort extends Emitter<NodePortEvents> implements NodeHostPort {
  readonly mode: NodeMode;
  private readonly post: (message: ToNode, transfer?: Transferable[]) => void;
  private readonly dispose: () => void;

  /** `preferred` is the mode asked for (`?node=` in the URL); a worker needs transferable channels. */
  constructor(preferred: NodeMode | null) {
    super();
    this.mode = preferred === 'main-thread' || !canTransferDataChannels() ? 'main-thread' : 'worker';
    if (this.mode === 'worker') {
      const worker = new Worker(new URL('./node-worker.ts', import.meta.url), { type: 'module', name: 'chatterbox-node' });
      worker.onmessage = (event: MessageEvent<FromNode>) => this.receive(event.data);
      worker.onerror = (event) => this.emit('failed', event.message || 'the worker could not start');
      this.post = (message, transfer = []) => worker.postMessage(message, transfer);
      this.dispose = () => worker.terminate();
    } else {
      const node = new TabNode(microsecondClock(), createWorkerTimers(), (message) => this.receive(message));
      this.post = (message) => node.handle(message);
      this.dispose = () => undefined;
    }
  }

  attach(peer: MemberId, attempt: number, channel: FrameChannel): void {
    this.post({ type: 'attach', peer, attempt, channel }, [channel as unknown as Transferable]);
  }

  detach(peer: MemberId, attempt: number): void {
    this.post({ type: 'detach', peer, attempt });
  }

  shape(peer: MemberId, settings: LinkSettings): void {
    this.post({ type: 'shape', peer, settings });
  }

  start(self: MemberId, notice: StartNotice): void {
    this.post({ type: 'start', self, notice });
  }

  /** A tab has no exit to wait for: closing the page closes its channels. */
  drain(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {
    this.post({ type: 'close' });
    this.dispose();
  }

  private receive(message: FromNode): void {
    switch (message.type) {
      case 'open':
        this.emit('open', { peer: message.peer, attempt: message.attempt });
        break;
      case 'lost':
        this.emit('lost', { peer: message.peer, attempt: message.attempt, reason: message.reason });
        break;
      case 'telemetry':
        this.emit('telemetry', { snapshot: message.snapshot });
        break;
      case 'finished':
        this.emit('finished', { runId: message.runId });
        break;
      case 'feed':
        this.emit('feed', { runId: message.runId, batch: message.batch });
        break;
      case 'log':
        this.emit('log', message.message);
        break;
    }
  }
}

/**
 * Whether this browser can move an RTCDataChannel to a worker (Chromium and Safari can, at
 * creation; Firefox cannot). Probed once with a channel of a throwaway connection.
 */
function canTransferDataChannels(): boolean {
  if (typeof Worker === 'undefined' || typeof RTCPeerConnection === 'undefined' || typeof MessageChannel === 'undefined') return false;
  const connection = new RTCPeerConnection();
  const { port1, port2 } = new MessageChannel();
  try {
    const channel = connection.createDataChannel('transfer-probe');
    port1.postMessage(channel, [channel as unknown as Transferable]);
    return true;
  } catch {
    return false;
  } finally {
    port1.close();
    port2.close();
    connection.close();
  }
}
