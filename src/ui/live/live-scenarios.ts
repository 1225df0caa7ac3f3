// Guided scenarios for a live room of real tabs (and headless nodes): each step says what to watch
// on real WebRTC links, then starts a run, cuts or restores a link, and moves on when the room's
// run gets there. The sandbox's scenarios (src/sandbox/scenarios.ts) go further: they need a
// simulated network to lose a chosen ACK or crash a node.

import type { RunParams } from '../../core';

export type LiveAction =
  /** Proposes a run to every member: the page's parameters with these changes. */
  | { type: 'start'; params: Partial<RunParams> }
  /** Cuts the link between two members, by place in id order (0 is the lowest id). */
  | { type: 'cut'; link: [number, number] }
  /** Restores every link the scenario cut. */
  | { type: 'restore' };

export type LiveTrigger =
  /** The reader clicks "Next". */
  | { on: 'user' }
  /** The run the step started is under way. */
  | { on: 'started' }
  /** The run is over: every member of it is done, and the room may start another. */
  | { on: 'end' };

export interface LiveStep {
  title: string;
  /** What to watch, and why the protocol does it. */
  text: string;
  /** Applied when the step begins. */
  actions?: LiveAction[];
  advance: LiveTrigger;
}

export interface LiveScenario {
  id: string;
  title: string;
  summary: string;
  /** Members the room needs (the scenario is offered, disabled, until it has them). */
  members: number;
  steps: LiveStep[];
}

const cutLink: LiveScenario = {
  id: 'live-cut-link',
  title: 'A cut link on real tabs: everyone waits for the slowest',
  summary: 'Cut one WebRTC link during a run, and watch the whole room stall, then recover without losing a message.',
  members: 3,
  steps: [
    {
      title: 'A run over real data channels',
      text:
        'Every member of this room is a real node: its frames cross real WebRTC data channels. ' +
        'Next starts a 12 s run with window 1 (the original stop-and-wait protocol) with every member. Watch the counts grow together.',
      advance: { on: 'user' },
    },
    {
      title: 'Running',
      text: 'Each sender sends its current message to every member and waits for all their acks before the next one.',
      actions: [{ type: 'start', params: { sendForMs: 12_000, waitForMs: 6000, window: 1 } }],
      advance: { on: 'started' },
    },
    {
      title: 'Cut the link between the first two members',
      text:
        'The link between the two lowest ids is now cut: both ends drop every frame on it. ' +
        "Each of the two needs the other's ack before it may send its next message, and neither ack can arrive: both senders stall, resending on every tick. " +
        'The other members still reach everyone, so they go on; but no node may commit more of the two stalled streams. ' +
        'A sender moves only as fast as its slowest member. Click Next to restore the link.',
      actions: [{ type: 'cut', link: [0, 1] }],
      advance: { on: 'user' },
    },
    {
      title: 'Restore it: resends finish the job',
      text:
        'The link is back. Each sender resends its unacked message every tick (backing off), so the next resend gets through, the acks come back, and the run goes on. ' +
        'Nothing was lost and nothing is committed twice.',
      actions: [{ type: 'restore' }],
      advance: { on: 'end' },
    },
    {
      title: 'Everyone prints the same line',
      text: 'The cut only delayed the run: every member committed the same messages, so every member prints the same (count, checksum). Results says so.',
      advance: { on: 'user' },
    },
  ],
};

/** The window scenario's runs: the same 3 s, with the window alone changing. */
function windowRun(window: number): LiveAction {
  return { type: 'start', params: { sendForMs: 3000, waitForMs: 3000, window } };
}

const windowed: LiveScenario = {
  id: 'live-window',
  title: 'What a window buys, on your network',
  summary: 'The same 3 s run twice, with window 1 and window 16, over the real links of this room.',
  members: 2,
  steps: [
    {
      title: 'Stop-and-wait: one message in flight',
      text:
        'With window 1 a sender has one message in flight: it sends, waits a whole round trip for every ack, then sends the next. ' +
        'Next starts a 3 s run with window 1.',
      advance: { on: 'user' },
    },
    {
      title: 'Window 1',
      text: 'Each message costs a round trip to the slowest member. The count each member reaches is about 3 s divided by that round trip.',
      actions: [windowRun(1)],
      advance: { on: 'end' },
    },
    {
      title: 'Now 16 in flight',
      text:
        'A window of 16 lets each sender have 16 unacked messages in flight; a receiver still commits them in order. ' +
        'Next runs the same 3 s with window 16.',
      advance: { on: 'user' },
    },
    {
      title: 'Window 16',
      text: 'The same links, the same rules for committing, 16 messages per round trip instead of one.',
      actions: [windowRun(16)],
      advance: { on: 'end' },
    },
    {
      title: 'Compare the counts',
      text:
        'The runs below used the same links for the same time. The window multiplies the count until the channel, not the round trip, is the limit. ' +
        'Every member still agrees: a window changes how fast, never what is committed.',
      advance: { on: 'user' },
    },
  ],
};

export const LIVE_SCENARIOS: readonly LiveScenario[] = [cutLink, windowed];

export function liveScenarioById(id: string): LiveScenario | null {
  return LIVE_SCENARIOS.find((scenario) => scenario.id === id) ?? null;
}
