// Timers whose timeouts run in a dedicated Web Worker, so a hidden tab still gets its ticks on time.
// Browsers throttle main-thread timers in background tabs to about once a second; dedicated
// workers keep their timers. Falls back to the main thread's setTimeout where Worker is missing.

import { systemTimers, type Timers } from './clock';

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
  private readonly callbacks = new Map<number, () => void>();
  private nextId = 1;

  constructor(private readonly worker: Worker) {
    worker.onmessage = (event: MessageEvent<unknown>) => this.fire(event.data);
  }

  set(callback: () => void, delayMs: number): unknown {
    const id = this.nextId;
    this.nextId += 1;
    this.callbacks.set(id, callback);
    this.post({ op: 'set', id, delayMs: Math.max(0, delayMs) });
    return id;
  }

  clear(handle: unknown): void {
    if (typeof handle !== 'number' || !this.callbacks.delete(handle)) return;
    this.post({ op: 'clear', id: handle });
  }

  private fire(id: unknown): void {
    if (typeof id !== 'number') return;
    const callback = this.callbacks.get(id);
    if (!callback) return; // cleared while the message was on its way
    this.callbacks.delete(id);
    callback();
  }

  private post(request: TimerRequest): void {
    this.worker.postMessage(request);
  }
}
