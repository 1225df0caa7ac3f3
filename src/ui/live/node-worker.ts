// The dedicated worker a tab's protocol runs in: its frame channels arrive transferred from the page.

import { microsecondClock } from '../../runtime/clock';
import { systemTimers } from '../../net/timers';
import { TabNode, type FromNode, type ToNode } from './tab-node';

const scope = self as unknown as { onmessage: ((event: MessageEvent<ToNode>) => void) | null; postMessage(message: FromNode): void };
const node = new TabNode(microsecondClock(), systemTimers, (message) => scope.postMessage(message));
scope.onmessage = (event) => node.handle(event.data);
