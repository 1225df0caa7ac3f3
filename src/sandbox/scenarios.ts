// The guided scenarios, as data: short narrated runs in the sandbox, each step saying what to
// watch and why the protocol does it, what to change, and when to move on (scenario-runner.ts).

import { HEALTHY_LINK } from '../net/link-shaper';
import type { Scenario } from './scenario-runner';
import { defaultSetup, type SandboxSetup } from './setup';

/** A small, calm cluster: constant delays (no reordering), so every frame's path is easy to follow. */
function calmSetup(nodes: number, overrides: { sendForMs?: number; waitForMs?: number; latencyMs?: number; window?: number; seed?: number }): SandboxSetup {
  const base = defaultSetup(nodes, overrides.seed ?? 1);
  return {
    ...base,
    params: { ...base.params, sendForMs: overrides.sendForMs ?? 2000, waitForMs: overrides.waitForMs ?? 1000, window: overrides.window ?? 1 },
    network: { ...base.network, latencyMs: overrides.latencyMs ?? 40, delay: 'constant' },
  };
}

const CUT = { cut: true, lossPercent: 0, delayMs: 0 };

const happyPath: Scenario = {
  id: 'happy-path',
  title: 'The happy path: stop-and-wait, ack-all, commit on next',
  summary: 'Three nodes, no faults: how one message becomes committed everywhere.',
  setup: calmSetup(3, { latencyMs: 40 }),
  speed: 0.1,
  steps: [
    {
      title: 'Three nodes, one stream each',
      text:
        'Each node broadcasts a stream of numbered messages (#1, #2, ...) to every member, itself included. ' +
        'When the run starts, each node makes its message #1 and sends it to the two others; its own copy is delivered in-process. ' +
        'Press Next and watch the DATA frames fly (slow motion: a 40 ms link takes 0.4 s here).',
      advance: { on: 'user', hold: true },
    },
    {
      title: 'Every DATA is acked',
      text:
        'A node acks every DATA it receives. The sender keeps its message current until every member has acked it: ' +
        'one message in flight per sender, like stop-and-wait. Watch the ack ring of n1 fill up.',
      advance: { on: 'event', event: { type: 'send', node: 'n1', kind: 'data', seq: 2 } },
      focus: ['n1'],
    },
    {
      title: 'Ack-all, then the next message at once',
      text:
        'The last ack of #1 reached n1, and n1 sent #2 straight away, without waiting for its 100 ms tick. ' +
        'So the rate of a sender is bounded by the round trip to its slowest member, not by the tick.',
      advance: { on: 'event', event: { type: 'commit', node: 'n2', from: 'n1', seq: 1 } },
      focus: ['n1', 'n2'],
    },
    {
      title: 'Commit on next',
      text:
        "n2 received n1's #2, and committed n1's #1. Why is that safe? n1 only moves on once every member acked #1, " +
        'so #2 proves that every node holds #1: it can never be lost. The newest message of each sender waits in a ' +
        'one-message receive buffer until the next one arrives.',
      advance: { on: 'user', hold: true },
      focus: ['n2'],
    },
    {
      title: 'The same rules, over and over',
      text: 'Every node runs the same three rules for its own stream and everyone else\'s. Real time now: watch the counts grow together.',
      speed: 1,
      advance: { on: 'event', event: { type: 'phase', phase: 'waiting' } },
    },
    {
      title: 'Everyone prints the same line',
      text:
        'The send phase is over; each node finishes its last message, sends a FIN, and prints (count, checksum). ' +
        'They all committed the same messages, so they all print the same line.',
      speed: 1,
      advance: { on: 'end' },
    },
  ],
};

const lostAck: Scenario = {
  id: 'lost-ack',
  title: 'A lost ACK and the resend',
  summary: 'An acknowledgement vanishes: the sender waits a tick and resends, and nothing is committed twice.',
  setup: calmSetup(3, { latencyMs: 30, seed: 2 }),
  speed: 0.1,
  steps: [
    {
      title: 'Frames can be lost, acks too',
      text:
        'The network may lose any frame. A lost DATA is easy: the sender resends it. But what if the DATA arrived and ' +
        'only its ACK is lost? Press Next: we will make the network lose the next ACK that n3 sends to n1.',
      advance: { on: 'user', hold: true },
    },
    {
      title: 'The ACK is lost',
      text: "Watch n3's next ACK to n1 vanish on its way. n3 holds n1's message; n1 does not know that.",
      actions: [{ type: 'lose-next', from: 'n3', to: 'n1', kind: 'ack' }],
      advance: { on: 'event', event: { type: 'drop', node: 'n3', to: 'n1', kind: 'ack' } },
      focus: ['n1', 'n3'],
    },
    {
      title: 'n1 waits for its tick',
      text:
        "n1 has n2's ack but not n3's. It cannot tell a lost DATA from a lost ACK, so it keeps the message current, " +
        'and when its tick comes (every 100 ms) it resends it, to n3 only: n2 has acked.',
      advance: { on: 'event', event: { type: 'resend', node: 'n1', to: 'n3', kind: 'data' } },
      focus: ['n1', 'n3'],
    },
    {
      title: 'A duplicate is acked again',
      text:
        'n3 already holds that message: the duplicate changes nothing in its buffer and commits nothing twice. ' +
        'But n3 acks it again, because its first ack may have been lost (it was). With that ack, n1 moves on.',
      advance: { on: 'event', event: { type: 'send', node: 'n1', kind: 'data' } },
      focus: ['n1', 'n3'],
    },
    {
      title: 'The cost of a loss',
      text: 'One tick of waiting, one extra DATA and one extra ACK. The run goes on, and everyone still agrees.',
      speed: 1,
      advance: { on: 'end' },
    },
  ],
};

const cutLink: Scenario = {
  id: 'cut-link',
  title: 'A cut link: everyone waits for the slowest',
  summary: 'Cut one link: the two senders at its ends stall, the others go on, and a heal restarts them.',
  setup: calmSetup(4, { latencyMs: 30, sendForMs: 3000, seed: 3 }),
  speed: 0.25,
  steps: [
    {
      title: 'Four nodes',
      text: 'Four nodes send to each other, each at the pace of its round trips. In a moment we cut the link between n1 and n2, both ways.',
      advance: { on: 'time', ms: 400 },
    },
    {
      title: 'n1 and n2 stall',
      text:
        "n1 needs n2's ack before it moves on, and n2 needs n1's. Neither can arrive: both senders are stuck on their current " +
        'message and resend it on every tick (watch the drops on the cut link). n3 and n4 still reach everybody, so they go on.',
      actions: [{ type: 'link', a: 'n1', b: 'n2', settings: CUT }],
      advance: { on: 'time', ms: 800 },
      focus: ['n1', 'n2'],
    },
    {
      title: 'As fast as the slowest member',
      text:
        'A sender moves only as fast as its slowest member: the counts of n1 and n2 messages freeze on every node, ' +
        'because nobody may commit a message that some member might not hold. A slow link does the same, less brutally.',
      advance: { on: 'user', hold: false },
    },
    {
      title: 'Heal',
      text: "The link is back. The next resend gets through, n2 acks and commits n1's stuck message, and both senders go on.",
      actions: [{ type: 'link', a: 'n1', b: 'n2', settings: HEALTHY_LINK }],
      advance: { on: 'event', event: { type: 'commit', node: 'n2', from: 'n1' } },
      focus: ['n1', 'n2'],
    },
    {
      title: 'Agreement',
      text: 'Nothing was lost: the stall only delayed n1 and n2. Everyone prints the same line.',
      speed: 1,
      advance: { on: 'end' },
    },
  ],
};

const crashedNode: Scenario = {
  id: 'crashed-node',
  title: 'A crashed node: the run stalls, the survivors say who is missing',
  summary: 'A node stops for good: everyone waits for its acks until the deadline, then reports it.',
  setup: calmSetup(4, { latencyMs: 30, sendForMs: 2000, waitForMs: 1000, seed: 4 }),
  speed: 0.25,
  steps: [
    {
      title: 'Four nodes',
      text: 'Four nodes send to each other. In a moment n4 crashes: its process stops, and frames sent to it are lost.',
      advance: { on: 'time', ms: 400 },
    },
    {
      title: 'Everyone stalls',
      text:
        "Every sender needs n4's ack to move on, and none comes: every node is stuck on its current message, resending " +
        'it to n4 on each tick (less often as it backs off). Committed counts stop growing everywhere.',
      actions: [{ type: 'crash', node: 'n4' }],
      advance: { on: 'time', ms: 600 },
      focus: ['n4'],
    },
    {
      title: 'Crashed or slow?',
      text:
        'Nobody can tell a crashed node from a very slow one, so the survivors keep trying: giving up early could break ' +
        'agreement if n4 came back. Only the run\'s deadlines end the wait.',
      advance: { on: 'user', hold: false },
    },
    {
      title: 'The wait phase',
      text: 'The send phase ended on time. In the wait phase the survivors still need n4\'s acks and its FIN; they will not come.',
      speed: 1,
      advance: { on: 'event', event: { type: 'phase', node: 'n1', phase: 'waiting' } },
    },
    {
      title: 'Who is missing',
      text:
        "At the wait phase's deadline each survivor prints its result marked incomplete, and says why: n4 never acked its " +
        'last message. No FIN came from anyone either, since every sender was stuck waiting for n4. The survivors still ' +
        'print the same line: they all stalled on the same messages.',
      speed: 1,
      advance: { on: 'end' },
    },
  ],
};

const windowSetup = (window: number): SandboxSetup => calmSetup(3, { latencyMs: 50, sendForMs: 2000, window, seed: 5 });

const slidingWindow: Scenario = {
  id: 'window',
  title: 'Why W = 1 is slow, and what a window buys',
  summary: 'The same cluster with one message in flight per sender, then eight.',
  setup: windowSetup(1),
  speed: 1,
  steps: [
    {
      title: 'One message in flight',
      text:
        'With W = 1 (the original protocol) a sender has one message in flight: each one costs a full round trip, 100 ms on ' +
        'these 50 ms links. That is about 10 messages a second per sender, however fast the machines are.',
      advance: { on: 'user', hold: true },
    },
    {
      title: 'Count them',
      text: 'Watch the committed counts: they grow by about 30 a second (three senders, ten each).',
      advance: { on: 'end' },
    },
    {
      title: 'Now W = 8',
      text:
        'The same cluster, the same links, with W = 8: a sender may have eight unacked messages in flight, and acks are ' +
        'cumulative. A receiver that sees #k commits everything up to #k - 8: each of those was acked by all before #k left.',
      setup: windowSetup(8),
      advance: { on: 'user', hold: true },
    },
    {
      title: 'Eight times the throughput',
      text:
        'About eight times as many messages in the same time. The price: until the end, two nodes\' counts may differ by up to ' +
        'W per sender (eight buffered messages instead of one), and the FIN settles the last eight instead of one.',
      advance: { on: 'end' },
    },
  ],
};

const waitAndFin: Scenario = {
  id: 'wait-and-fin',
  title: 'The wait phase and FIN: why everyone prints the same line',
  summary: 'How a run ends: the last message, the FIN, a lost FIN resent, and one result everywhere.',
  setup: calmSetup(3, { latencyMs: 30, sendForMs: 1000, waitForMs: 1000, seed: 6 }),
  speed: 0.25,
  steps: [
    {
      title: 'How does a run end?',
      text:
        'Each node buffers the newest message of every sender until the next one commits it. When senders stop, who commits ' +
        'the last messages? Press Next and watch the end of the send phase (1 s).',
      advance: { on: 'user', hold: true },
      speed: 1,
    },
    {
      title: 'The send phase ends, FIN',
      text:
        'At 1 s n1 stops making new messages, but it keeps resending its current one until every member has acked it. ' +
        'Then it sends a FIN: serial last + 1, no value. A FIN commits the last message just as a next message would. ' +
        "We have told the network to lose n1's FIN on its way to n2.",
      actions: [{ type: 'lose-next', from: 'n1', to: 'n2', kind: 'fin' }],
      speed: 1,
      advance: { on: 'event', event: { type: 'send', node: 'n1', kind: 'fin' } },
      focus: ['n1', 'n2'],
    },
    {
      title: 'A lost FIN is resent',
      text:
        'n2 did not ack the FIN, so n1 resends it on its next tick, as it resends everything unacked. (The original ' +
        'Chatterbox stopped resending in the wait phase, so a lost frame there could end a run without agreement.)',
      advance: { on: 'event', event: { type: 'resend', node: 'n1', to: 'n2', kind: 'fin' } },
      focus: ['n1', 'n2'],
    },
    {
      title: 'Settled',
      text:
        'A node that holds every FIN, and whose own FIN every member acked, is done: nothing can change its set of ' +
        'messages any more. It does not wait for the deadline.',
      advance: { on: 'event', event: { type: 'result' } },
    },
    {
      title: 'One line everywhere',
      text:
        'Every node committed the same messages; each orders them by (sentAt, from, seq) and sums i × value: the same ' +
        '(count, checksum) everywhere.',
      advance: { on: 'end' },
    },
  ],
};

/** Every guided scenario, in the order a menu shows them. */
export const SCENARIOS: readonly Scenario[] = [happyPath, lostAck, cutLink, crashedNode, slidingWindow, waitAndFin];

export function scenarioById(id: string): Scenario | null {
  return SCENARIOS.find((s) => s.id === id) ?? null;
}
