// The dedicated worker a sandbox runs in, so a whole virtual cluster never holds up the page's frames.

import { systemTimers } from '../net/timers';
import { SandboxDriver, type FromSandbox, type ToSandbox } from './driver';

const scope = self as unknown as { onmessage: ((event: MessageEvent<ToSandbox>) => void) | null; postMessage(message: FromSandbox): void };
const driver = new SandboxDriver(() => performance.now(), systemTimers, (message) => scope.postMessage(message));
scope.onmessage = (event) => driver.handle(event.data);
