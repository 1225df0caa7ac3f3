// Timers whose timeouts run in a dedicated Web Worker, so a hidden tab still gets its ticks on time.
// Browsers throttle main-thread timers in background tabs to about once a second; dedicated
// workers keep their timers. Falls back to the main thread's setTimeout where Worker is missing,
// and moves pending timers there if the worker fails.

import { systemTimers, type Timers } from '../net/timers';

/** The worker: runs setTimeout for each request and posts the request's id back when it fires. */
const WORKER_SOURCE = `
const handles = new Map();
self.onmessage = (event) => {
  const { op, id, delayMs } = event.data;
  if (op === 'set') {
    handles.set(id, setTimeout(() => { handles.delete(id); self.postMessage(id); }, delayMs));
  } else if (op === 'clear') {
    clearTimeout(handles.get(id));
    handles.delete(id);
  }
};
`;

type TimerRequest = { op: 'set'; id: number; delayMs: number } | { op: 'clear'; id: number };

interface Pending {
  callback: () => void;
  /** performance.now() when it is due. */
  dueMs: number;
  /** Set once the timer runs on the main thread instead. */
  fallback: ReturnType<typeof setTimeout> | null;
}

/** Creates worker-backed timers, or the system timers when no worker can be started. */
export function createWorkerTimers(): Timers {
  const worker = startWorker();
  return worker ? new WorkerTimers(worker) : systemTimers;
}

function startWorker(): Worker | null {
  if (typeof Worker === 'undefined' || typeof Blob === 'undefined' || typeof URL.createObjectURL !== 'function') return null;
  try {
    const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
    return new Worker(url);
  } catch {
    return null; // e.g. a Content-Security-Policy without worker-src blob:
  }
}

class WorkerTimers implements Timers {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failed = false;

  constructor(private readonly worker: Worker) {
    worker.onmessage = (event: MessageEvent<unknown>) => this.fire(event.data);
    worker.onerror = () => this.fallBack();
  }

  set(callback: () => void, delayMs: number): unknown {
    const id = this.nextId;
    this.nextId += 1;
    const delay = Math.max(0, delayMs);
    const timer: Pending = { callback, dueMs: performance.now() + delay, fallback: null };
    this.pending.set(id, timer);
    if (this.failed) timer.fallback = setTimeout(() => this.fire(id), delay);
    else this.post({ op: 'set', id, delayMs: delay });
    return id;
  }

  clear(handle: unknown): void {
    if (typeof handle !== 'number') return;
    const timer = this.pending.get(handle);
    if (!timer) return;
    this.pending.delete(handle);
    if (timer.fallback !== null) clearTimeout(timer.fallback);
    else if (!this.failed) this.post({ op: 'clear', id: handle });
  }

  private fire(id: unknown): void {
    if (typeof id !== 'number') return;
    const timer = this.pending.get(id);
    if (!timer) return; // cleared while the message was on its way
    this.pending.delete(id);
    timer.callback();
  }

  /** The worker broke: run every pending timer, and all later ones, on the main thread. */
  private fallBack(): void {
    if (this.failed) return;
    this.failed = true;
    this.worker.terminate();
    const now = performance.now();
    for (const [id, timer] of this.pending) timer.fallback = setTimeout(() => this.fire(id), Math.max(0, timer.dueMs - now));
  }

  private post(request: TimerRequest): void {
    this.worker.postMessage(request);
  }
}
