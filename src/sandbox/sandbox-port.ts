// The page's handle on its sandbox: a dedicated worker running the whole virtual cluster, or the
// same driver on the main thread where workers are missing. An event API for the views.

import { Emitter } from '../net/emitter';
import type { MemberId } from '../core';
import { createWorkerTimers } from '../runtime/worker-timers';
import { SandboxDriver, type FromSandbox, type Speed, type ToSandbox } from './driver';
import type { Accepted, SandboxResults } from './engine';
import type { SandboxFrame } from './frame-report';
import type { SandboxAction, SandboxCommand, SandboxSetup } from './setup';

export type SandboxMode = 'worker' | 'main-thread';

export interface SandboxPortEvents extends Record<string, unknown> {
  /** A new run began (after load): its members and when it ends at the latest (virtual µs). */
  loaded: { members: MemberId[]; endUs: number; setup: SandboxSetup };
  /** What happened since the last frame, folded in the sandbox (frame-report.ts). */
  frame: SandboxFrame;
  /** The run is over: every node's result, and the actions that reproduce it (with the setup). */
  done: { cursorUs: number; results: SandboxResults; actions: SandboxAction[] };
  /** A message for the user: a setup, action or speed the sandbox refused, with the reason. */
  error: string;
  /** The worker failed; the sandbox is gone. */
  failed: string;
}

export class SandboxPort extends Emitter<SandboxPortEvents> {
  readonly mode: SandboxMode;
  private readonly post: (message: ToSandbox) => void;
  private readonly dispose: () => void;
  /** The run this page asked for last: batches of an older run still on their way are dropped. */
  private run = 0;
  private nextActId = 1;
  private readonly waiting = new Map<number, (accepted: Accepted) => void>();
  private readonly traces = new Map<number, (text: string) => void>();

  constructor(preferred: SandboxMode | null = null) {
    super();
    this.mode = preferred === 'main-thread' || typeof Worker === 'undefined' ? 'main-thread' : 'worker';
    if (this.mode === 'worker') {
      const worker = new Worker(new URL('./sandbox-worker.ts', import.meta.url), { type: 'module', name: 'chatterbox-sandbox' });
      worker.onmessage = (event: MessageEvent<FromSandbox>) => this.receive(event.data);
      worker.onerror = (event) => this.emit('failed', event.message || 'the sandbox worker could not start');
      this.post = (message) => worker.postMessage(message);
      this.dispose = () => worker.terminate();
    } else {
      const driver = new SandboxDriver(() => performance.now(), createWorkerTimers(), (message) => this.receive(message));
      this.post = (message) => driver.handle(message);
      this.dispose = () => undefined;
    }
  }

  /** Starts a new run (the one before is dropped); `speed` 0 loads it paused. */
  load(setup: SandboxSetup, speed: Speed = 1): void {
    this.run = -1;
    this.post({ type: 'load', setup, speed });
  }

  /** Applies a user's action at the run's next whole virtual millisecond; resolves with what the sandbox said. */
  act(command: SandboxCommand): Promise<Accepted> {
    const id = this.nextActId;
    this.nextActId += 1;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.post({ type: 'act', id, command });
    });
  }

  /** Whether frames should carry the events a guided scenario follows. */
  watchEvents(on: boolean): void {
    this.post({ type: 'watch', on });
  }

  /** The node whose commit log the page shows (null: the first member); its commits come with the frames. */
  inspect(node: MemberId | null): void {
    this.post({ type: 'inspect', node });
  }

  /** The current run's records so far, as JSON Lines (docs/TRACE.md). */
  trace(): Promise<string> {
    const id = this.nextActId;
    this.nextActId += 1;
    return new Promise((resolve) => {
      this.traces.set(id, resolve);
      this.post({ type: 'trace', id });
    });
  }

  /** Virtual seconds per real second; 0 pauses; 'max' runs as fast as the CPU allows. */
  setSpeed(speed: Speed): void {
    this.post({ type: 'speed', speed });
  }

  close(): void {
    this.post({ type: 'close' });
    this.dispose();
    for (const resolve of this.waiting.values()) resolve({ ok: false, error: 'the sandbox was closed' });
    this.waiting.clear();
    for (const resolve of this.traces.values()) resolve('');
    this.traces.clear();
  }

  private receive(message: FromSandbox): void {
    switch (message.type) {
      case 'loaded':
        this.run = message.run;
        this.emit('loaded', { members: message.members, endUs: message.endUs, setup: message.setup });
        break;
      case 'frame':
        if (message.run === this.run) this.emit('frame', JSON.parse(message.json) as SandboxFrame);
        break;
      case 'trace':
        this.traces.get(message.id)?.(message.run === this.run ? message.text : '');
        this.traces.delete(message.id);
        break;
      case 'acted':
        this.waiting.get(message.id)?.(message.run === this.run ? message.accepted : { ok: false, error: 'the run it was meant for was replaced' });
        this.waiting.delete(message.id);
        break;
      case 'done':
        if (message.run === this.run) this.emit('done', { cursorUs: message.cursorUs, results: message.results, actions: message.actions });
        break;
      case 'error':
        this.emit('error', message.message);
        break;
    }
  }
}
