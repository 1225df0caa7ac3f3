// `chatterbox node`: one headless node that joins a room, forms the mesh, runs and prints its result.

import { createWriteStream, existsSync, readFileSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { compareIds, formatFixed, memberListError, isMemberId, type MemberId, type NodeResult, type RunParams } from '../core';
import { nodePeerFactory, nodeWebSocket, PORTS_PER_CONNECTION, type PortRange } from '../net/node-transport';
import { microsecondClock } from '../runtime/clock';
import type { NodeRuntime, PeerResult } from '../runtime/runtime';
import { Session } from '../runtime/session';
import { traceLine } from '../runtime/trace';
import { MAX_RUN_MS, meshGaps, shortFingerprint, type CancelledNotice, type IceServer, type Identity, type ProposeNotice, type RosterMessage } from '../signaling';
import { describeDifference, judgeAgreement, type Agreement } from '../runtime/agreement';
import { defineFlags, describeFlags, readFlags, UsageError, type FlagValues } from './flags';
import { rejectedFramesLog } from '../runtime/counting-log';
import { identityFromKeyFile } from './key-file';
import type { CommandOutput } from './output';
import { checkedRoom, iceServersFromFlag, RUN_FLAGS, RUN_PARAM_FLAGS, runParamsFromFlags, runParamsToArgs } from './run-flags';

export const NODE_EXIT = { done: 0, error: 1, usage: 2, noConnection: 3, stalled: 4, disagree: 5, interrupted: 130 } as const;
export const DEFAULT_SIGNAL_URL = 'ws://127.0.0.1:8787';
/** A node shares at most this many lines of its trace (the first ones), as a tab keeps at most. */
const MAX_SHARED_TRACE_LINES = 500_000;
/** After its run, a node that shares its trace stays while someone fetches it: until this long without a trace-get… */
const TRACE_SHARING_QUIET_MS = 2000;
/** …and this long at most. */
const TRACE_SHARING_LINGER_MS = 120_000;

const NODE_FLAGS = defineFlags({
  ...RUN_FLAGS,
  signal: { type: 'string', value: 'URL', default: DEFAULT_SIGNAL_URL, help: 'signaling server' },
  room: { type: 'string', value: 'NAME', help: 'room to join (default "chatterbox")' },
  id: { type: 'string', value: 'ID', help: 'this node\'s member id (default: assigned by the server)' },
  expect: { type: 'integer', value: 'N', min: 1, max: 64, help: 'start the run once N members are connected to each other over WebRTC' },
  'peer-config-file': { type: 'string', value: 'FILE', help: 'JSON array of member ids: start when exactly these are connected' },
  ice: { type: 'strings', value: 'URL', help: 'STUN/TURN server, repeatable; turn:USER:PASS@host:port for credentials' },
  'ice-ports': { type: 'string', value: 'MIN-MAX', help: `bind WebRTC sockets to these ports, ${PORTS_PER_CONNECTION} per connection in turn (default: any free port)` },
  trace: { type: 'string', value: 'FILE', help: 'write this node\'s run as JSON Lines (docs/TRACE.md), and share it with participants who ask (docs/SIGNALING.md, "Sharing traces")' },
  json: { type: 'boolean', help: 'print the result as one JSON object' },
  'no-batching': { type: 'boolean', help: 'send every frame on its own (the plain protocol, byte for byte)' },
  'connect-timeout': { type: 'number', value: 'SECONDS', min: 1, max: 3600, default: 60, help: 'give up if the run has not started by then' },
  verbose: { type: 'boolean', short: 'v', help: 'log protocol details on stderr' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
  key: { type: 'string', value: 'FILE', help: 'this node\'s key pair (a JWK file, created with mode 0600 if missing); default: a new key per process' },
  'room-secret': { type: 'string', value: 'SECRET', help: 'the room\'s secret (1-128 characters): set by the room\'s first join, required of every later one' },
});

type NodeFlags = FlagValues<typeof NODE_FLAGS>;

export const NODE_HELP = `chatterbox node [options]

Joins a room on the signaling server as a member, connects to every other member over WebRTC,
runs the protocol when the run starts and prints one line on stdout: (count, checksum).
Without --expect or --peer-config-file it waits for another member (a tab, say) to start.
A run is only proposed: this node accepts it unless a run flag given on the command line
contradicts the run's params, or the run is not the members --expect or --peer-config-file
ask for; it then declines and says why. Runs last at most ${MAX_RUN_MS / 60_000} minutes (send-for + wait-for).

${describeFlags(NODE_FLAGS)}

Exit codes: ${NODE_EXIT.done} done, ${NODE_EXIT.usage} bad flags, ${NODE_EXIT.noConnection} could not connect (signaling or mesh; the id is bound
to another key; a member declined this node's proposed run),
${NODE_EXIT.stalled} stalled (a member stopped acking; named on stderr), ${NODE_EXIT.disagree} finished but the cluster disagrees
(who differs is named on stderr), ${NODE_EXIT.error} unexpected error.`;

export interface NodeConfig {
  signalUrl: string;
  room: string;
  id?: MemberId;
  expect?: number;
  peers?: MemberId[];
  params: RunParams;
  /** The run flags given on the command line (the others are defaults): a run that contradicts them is declined. */
  givenFlags: string[];
  keyPath?: string;
  roomSecret?: string;
  iceServers: IceServer[];
  icePorts?: PortRange;
  tracePath?: string;
  json: boolean;
  batching: boolean;
  verbose: boolean;
  connectTimeoutMs: number;
}

export async function runNode(args: readonly string[], out: CommandOutput): Promise<number> {
  const config = readNodeArgs(args);
  if (config === 'help') {
    out.stdout(NODE_HELP);
    return 0;
  }
  const node = await createHeadlessNode(config, out, 1);
  const interrupt = (): void => node.interrupt();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  return node.run();
}

/** A node's command line (what `chatterbox node` takes), checked: its config, or 'help' for --help. Throws UsageError. */
export function readNodeArgs(args: readonly string[]): NodeConfig | 'help' {
  const { values: flags, given } = readFlags(args, NODE_FLAGS);
  if (flags.help) return 'help';
  const givenRunFlags = RUN_PARAM_FLAGS.filter((flag) => given.has(flag));
  return nodeConfigFromFlags(flags, givenRunFlags);
}

/**
 * A headless node, ready to run, with its key (read or created from --key, else a fresh one).
 * `nodesInProcess`: how many nodes this process runs (`chatterbox nodes`), reported beside its RSS.
 */
export async function createHeadlessNode(config: NodeConfig, out: CommandOutput, nodesInProcess: number): Promise<HeadlessNode> {
  const identity = config.keyPath === undefined ? undefined : await identityFromKeyFile(config.keyPath);
  return new HeadlessNode(config, identity, out, nodesInProcess);
}

function nodeConfigFromFlags(flags: NodeFlags, givenRunFlags: string[]): NodeConfig {
  const signalUrl = flags.signal;
  if (!/^wss?:\/\/[^\s]+$/.test(signalUrl)) throw new UsageError(`--signal must be a ws:// or wss:// URL, got ${JSON.stringify(signalUrl)}`);
  const room = checkedRoom(flags.room ?? 'chatterbox');
  const id = flags.id;
  if (id !== undefined && !isMemberId(id)) throw new UsageError('--id must be 1-32 letters, digits, _ or -');
  const peersFile = flags['peer-config-file'];
  const peers = peersFile ? readPeerConfig(peersFile, id) : undefined;
  if (peers && flags.expect !== undefined) throw new UsageError('use either --expect or --peer-config-file, not both');
  const iceServers = iceServersFromFlag(flags.ice);
  const tracePath = flags.trace;
  if (tracePath !== undefined && !existsSync(dirname(tracePath))) {
    throw new UsageError(`--trace ${tracePath}: the folder ${dirname(tracePath)} does not exist`);
  }
  const params = runParamsFromFlags(flags);
  if (params.sendForMs + params.waitForMs > MAX_RUN_MS) throw new UsageError(`--send-for plus --wait-for must be at most ${MAX_RUN_MS / 1000} s (the longest run a signaling server starts)`);
  return {
    signalUrl,
    room,
    id,
    expect: flags.expect,
    peers,
    params,
    givenFlags: givenRunFlags,
    keyPath: flags.key,
    roomSecret: checkedRoomSecret(flags['room-secret']),
    iceServers,
    icePorts: flags['ice-ports'] === undefined ? undefined : icePortsFromFlag(flags['ice-ports']),
    tracePath,
    json: flags.json,
    batching: !flags['no-batching'],
    verbose: flags.verbose,
    connectTimeoutMs: flags['connect-timeout'] * 1000,
  };
}

/** `--ice-ports MIN-MAX`: ports from 1024 to 65535, at least one connection's worth. */
function icePortsFromFlag(text: string): PortRange {
  const match = /^(\d{1,5})-(\d{1,5})$/.exec(text);
  const [min, max] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!(min >= 1024 && max <= 65535 && max - min + 1 >= PORTS_PER_CONNECTION)) {
    throw new UsageError(`--ice-ports must be MIN-MAX with 1024 <= MIN < MAX <= 65535 (${PORTS_PER_CONNECTION} ports or more), got ${JSON.stringify(text)}`);
  }
  return { min, max };
}

/** `--room-secret SECRET`: 1 to 128 characters, as the server takes it. */
function checkedRoomSecret(secret: string | undefined): string | undefined {
  if (secret !== undefined && secret.length > 128) throw new UsageError('--room-secret must be at most 128 characters');
  return secret;
}

/** Reads the original's peers.json: a JSON array of member ids that must include this node. */
function readPeerConfig(path: string, id: MemberId | undefined): MemberId[] {
  let ids: unknown;
  try {
    ids = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--peer-config-file ${path}: ${error instanceof SyntaxError ? 'not valid JSON' : 'cannot be read'}`);
  }
  if (!Array.isArray(ids)) throw new UsageError(`--peer-config-file ${path}: must be a JSON array of member ids`);
  const error = memberListError(ids);
  if (error) throw new UsageError(`--peer-config-file ${path}: ${error}`);
  if (!id) throw new UsageError('--peer-config-file needs --id (one of the ids in the file)');
  if (!ids.includes(id)) throw new UsageError(`--peer-config-file ${path} does not list --id ${id}`);
  return ids as MemberId[];
}

/** Wall-clock moments of a node's life (epoch ms), reported with --json for benchmarks. */
export interface NodeTimeline {
  processStartMs: number;
  joinedMs?: number;
  runStartMs?: number;
  doneMs?: number;
}

export class HeadlessNode {
  private session: Session | null = null;
  private readonly timeline: NodeTimeline = { processStartMs: Math.round(performance.timeOrigin) };
  private trace: WriteStream | null = null;
  /** The run's trace lines, kept (with --trace) to share with whoever asks (docs/SIGNALING.md, "Sharing traces"). */
  private shared: { runId: string; lines: string[]; done: boolean } | null = null;
  private finish: (code: number) => void = () => undefined;
  private startRequested = 0;
  private connectTimer: ReturnType<typeof setTimeout> | null = null;
  private progressTimer: ReturnType<typeof setInterval> | null = null;
  private readonly rejected = rejectedFramesLog((line) => this.out.stderr(line));
  /** The run this node proposed and is waiting for consent to. */
  private proposedRunId: string | null = null;
  /** Server errors already printed while a run goes on (a retried join repeats them). */
  private readonly printedErrors = new Set<string>();

  constructor(
    private readonly config: NodeConfig,
    private readonly identity: Identity | undefined,
    private readonly out: CommandOutput,
    private readonly nodesInProcess: number,
  ) {}

  /**
   * Joins, forms the mesh, runs and reports; resolves with the node's exit code once it has shut
   * down. `holdOpen` is called when the node is done: its connections close once the promise it
   * returns settles (nodes sharing a process keep answering their peers until all are done).
   */
  run(holdOpen: () => Promise<void> = async () => undefined): Promise<number> {
    return new Promise<number>((resolve) => {
      this.finish = (code) => {
        this.finish = () => undefined;
        void holdOpen()
          .then(() => this.shutdown())
          .then(() => resolve(code));
      };
      this.open();
    });
  }

  /** Ctrl-C or SIGTERM: the node stops and exits 130. */
  interrupt(): void {
    this.out.stderr('interrupted');
    this.finish(NODE_EXIT.interrupted);
  }

  private open(): void {
    const { config } = this;
    const session = new Session({
      signalUrl: config.signalUrl,
      room: config.room,
      role: 'member',
      id: config.id,
      ...(this.identity ? { identity: Promise.resolve(this.identity) } : {}),
      consent: (proposal) => this.consentTo(proposal),
      sharedTrace: () => this.shared && { runId: this.shared.runId, done: this.shared.done, pieces: () => this.shared?.lines ?? [] },
      withoutTrace: () => `${this.session?.id ?? 'this node'} keeps no trace: it was started without --trace`,
      ...(config.roomSecret === undefined ? {} : { secret: config.roomSecret }),
      watchTelemetry: false,
      connect: nodeWebSocket,
      createPeer: nodePeerFactory(config.icePorts),
      iceServers: config.iceServers,
      batching: config.batching,
      clock: microsecondClock(),
      // Without -v no log: the mesh then skips what it fetches only to log it (ICE stats per link).
      ...(config.verbose ? { log: (message: string) => this.debug(message) } : {}),
    });
    this.session = session;
    session.on('welcome', ({ id }) => {
      this.timeline.joinedMs ??= Date.now();
      void session.identity.then(({ fingerprint }) => this.debug(`joined room ${config.room} as ${id} (key ${shortFingerprint(fingerprint)}…)`));
    });
    session.on('proposal', ({ notice, declined }) => this.onProposal(notice, declined));
    session.on('cancelled', (notice) => this.onCancelled(notice));
    session.on('refused', ({ peer, reason }) => this.out.stderr(`refused a connection from ${peer}: ${reason}`));
    session.on('roster', () => this.maybeRequestStart());
    session.on('link', ({ peer, state }) => {
      this.debug(`link to ${peer}: ${state}`);
      this.maybeRequestStart();
    });
    session.on('error', ({ code, message }) => this.onServerError(code, message));
    session.on('run', ({ runtime, notice }) => this.onRun(runtime, notice.runId));
    this.connectTimer = setTimeout(() => this.giveUp(), config.connectTimeoutMs);
    this.progressTimer = setInterval(() => this.showProgress(), 200);
  }

  /** Members this node waits for before asking to start, or null if someone else starts. */
  private expectedMembers(): MemberId[] | null {
    const roster = this.session?.roster;
    if (this.config.peers) return this.config.peers;
    if (this.config.expect === undefined || !roster || !this.session?.id) return null;
    return this.config.expect === 1 ? [this.session.id] : reachableMembers(roster, this.config.expect);
  }

  /** The lowest expected id asks the server to start once every expected pair is connected. */
  private maybeRequestStart(): void {
    const session = this.session;
    const expected = this.expectedMembers();
    if (!session || !expected || session.runtime || !session.id) return;
    if (!expected.includes(session.id) || [...expected].sort()[0] !== session.id) return;
    if (!meshComplete(session, expected)) return;
    if (Date.now() - this.startRequested < 1000) return;
    this.startRequested = Date.now();
    this.debug(`mesh of ${expected.length} complete; asking to start`);
    session.requestStart(this.config.params, expected);
  }

  private onServerError(code: string, message: string): void {
    if (code === 'mesh-incomplete' || code === 'run-in-progress') {
      this.debug(`start refused (${code}: ${message}); will retry`);
      setTimeout(() => this.maybeRequestStart(), 500);
      return;
    }
    if (code === 'duplicate-id' && this.session?.runtime) {
      // Mid-run (after a signaling restart, say): the run's data channels do not need signaling.
      if (!this.printedErrors.has(message)) this.out.stderr(`signaling: ${code}: ${message}; the run goes on over its data channels, and this node tries to join again`);
      this.printedErrors.add(message);
      return;
    }
    this.out.stderr(`signaling: ${code}: ${message}`);
    const refusedJoin = code === 'forbidden' && this.timeline.joinedMs === undefined;
    if (refusedJoin || code === 'duplicate-id' || code === 'room-full' || code === 'bad-room' || code === 'bad-id' || code === 'too-many-rooms' || code === 'bad-proof') {
      this.finish(NODE_EXIT.noConnection);
    }
  }

  /**
   * Whether this node consents to a proposed run (null) or why not: a run flag given on the
   * command line that the params contradict (defaults never do), or members other than those
   * --peer-config-file lists or --expect N expects.
   */
  private consentTo(proposal: ProposeNotice): string | null {
    const reasons = [...this.contradictedFlags(proposal), ...this.missingMembers(proposal)];
    return reasons.length === 0 ? null : reasons.join('; ');
  }

  private contradictedFlags(proposal: ProposeNotice): string[] {
    const own = runParamsToArgs(this.config.params);
    const run = runParamsToArgs(proposal.params);
    const contradicted: string[] = [];
    for (let i = 0; i < own.length; i += 2) {
      const flag = own[i].slice(2);
      if (this.config.givenFlags.includes(flag) && own[i + 1] !== run[i + 1]) contradicted.push(`${own[i]} ${own[i + 1]} (the run asks for ${run[i + 1]})`);
    }
    return contradicted.length === 0 ? [] : [`its own flags ${contradicted.join(', ')}`];
  }

  private missingMembers(proposal: ProposeNotice): string[] {
    const named = proposal.members;
    if (this.config.peers) {
      const same = named.length === this.config.peers.length && this.config.peers.every((id) => named.includes(id));
      return same ? [] : [`the run names ${named.join(', ')}, but --peer-config-file lists ${[...this.config.peers].sort(compareIds).join(', ')}`];
    }
    if (this.config.expect === undefined) return [];
    if (named.length < this.config.expect) return [`the run names ${named.length} member(s), but --expect asks for ${this.config.expect}`];
    const left = (this.expectedMembers() ?? []).filter((id) => !named.includes(id));
    return left.length === 0 ? [] : [`the run leaves out ${left.join(', ')}, reachable members that --expect ${this.config.expect} counts on`];
  }

  private onProposal(notice: ProposeNotice, declined: string | null): void {
    const self = this.session?.id;
    if (notice.proposedBy === self) {
      this.proposedRunId = notice.runId;
      this.debug(`proposed run ${notice.runId} to ${notice.members.join(', ')}; waiting for their consent`);
    } else if (declined === null) {
      this.out.stderr(`accepted ${notice.proposedBy}'s run ${notice.runId}: members ${notice.members.join(', ')}; ${describeParams(notice.params)}`);
    } else {
      this.out.stderr(`declined ${notice.proposedBy}'s run ${notice.runId}: ${declined}`);
    }
  }

  /** A proposal naming this node did not start: its proposer gives up on a decline, and asks again otherwise. */
  private onCancelled(notice: CancelledNotice): void {
    this.out.stderr(`run ${notice.runId} was not started: ${notice.reason}`);
    if (notice.runId !== this.proposedRunId) return;
    this.proposedRunId = null;
    if (notice.cause === 'declined') this.finish(NODE_EXIT.noConnection);
    else setTimeout(() => this.maybeRequestStart(), 500);
  }

  private onRun(runtime: NodeRuntime, runId: string): void {
    this.timeline.runStartMs = Date.now();
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = null;
    if (this.config.tracePath) {
      const trace = createWriteStream(this.config.tracePath);
      this.trace = trace;
      trace.on('error', (error) => {
        this.out.stderr(`cannot write the trace ${this.config.tracePath}: ${error.message}`);
        this.finish(NODE_EXIT.error);
      });
      const shared = { runId, lines: [] as string[], done: false };
      this.shared = shared;
      runtime.on('trace', (record) => {
        const line = traceLine(record) + '\n';
        trace.write(line);
        if (shared.lines.length < MAX_SHARED_TRACE_LINES) shared.lines.push(line);
      });
      runtime.on('phase', ({ phase }) => {
        shared.done = phase === 'done';
      });
    }
    runtime.on('log', ({ level, message }) => (level === 'warn' ? this.out.stderr(message) : this.debug(message)));
    runtime.on('rejected', ({ from, reason }) => this.rejected.report(from, reason));
    runtime.on('phase', ({ phase }) => this.debug(`phase ${phase}`));
    runtime.on('result', (result) => this.onResult(runtime, result));
  }

  /** Prints once every member's result is in (or after a grace period), so we can say who agrees. */
  private onResult(runtime: NodeRuntime, result: NodeResult): void {
    this.timeline.doneMs = Date.now();
    const members = runtime.run?.members ?? [];
    const graceMs = Math.max(2000, runtime.params.waitForMs + 1000);
    const report = (): void => {
      unsubscribe();
      clearTimeout(timer);
      this.report(result, members, runtime.results);
    };
    const timer = setTimeout(report, graceMs);
    const unsubscribe = runtime.on('results', (results) => {
      if (members.every((m) => results.has(m))) report();
    });
    if (members.every((m) => runtime.results.has(m))) report();
  }

  private report(result: NodeResult, members: MemberId[], results: Map<MemberId, PeerResult>): void {
    const mine = { count: result.count, checksum: formatFixed(result.checksum) };
    const verdict = judgeAgreement(members, results, true);
    const differing = verdict.kind === 'disagree' ? verdict.differences.map((d) => d.id) : [];
    const agree = verdict.kind === 'agree' && verdict.missing.length === 0;
    this.out.progress('');
    if (this.config.json) {
      const stats = { timeline: this.timeline, rssBytes: process.memoryUsage().rss, nodesInProcess: this.nodesInProcess };
      this.out.stdout(JSON.stringify({ id: this.session?.id, ...mine, complete: result.complete, agree, differing, missingResults: verdict.missing, badValuesFrom: result.badValuesFrom, reason: result.reason, ...stats }));
    } else {
      this.out.stdout(result.line);
    }
    if (agree) this.out.stderr(`cluster agrees: ${members.length} of ${members.length} results equal`);
    else if (verdict.kind === 'disagree') this.out.stderr(`DISAGREE: ${verdict.differences.map(describeDifference).join('; ')}`);
    if (verdict.missing.length > 0) this.out.stderr(`no result from ${verdict.missing.join(', ')}`);
    if (result.badValuesFrom.length > 0) this.out.stderr(`forged values: ${result.badValuesFrom.join(', ')} sent DATA whose value is not value(seed, sender, seq); it was rejected and never acked`);
    if (!result.complete) {
      const fins = result.missingFins.length > 0 ? `missing FIN from ${result.missingFins.join(', ')}` : '';
      const acks = result.unackedBy.length > 0 ? `no ack from ${result.unackedBy.join(', ')}` : '';
      this.out.stderr(`stalled: ${[acks, fins].filter(Boolean).join('; ')}`);
    }
    this.finish(nodeExitCode(result, verdict));
  }

  private giveUp(): void {
    const session = this.session;
    if (!session || session.signaling.status !== 'open') {
      this.out.stderr(`could not connect to the signaling server at ${this.config.signalUrl}`);
    } else {
      const expected = this.expectedMembers();
      const connected = session.connectedPeers();
      const waiting = expected ? `waiting for ${expected.filter((m) => m !== session.id && !connected.includes(m)).join(', ') || 'the mesh to complete'}` : 'no run was started';
      this.out.stderr(`could not start within ${this.config.connectTimeoutMs / 1000} s: connected to ${connected.length} peer(s) [${connected.join(', ')}], ${waiting}`);
    }
    this.finish(NODE_EXIT.noConnection);
  }

  private showProgress(): void {
    const runtime = this.session?.runtime;
    const session = this.session;
    if (!session) return;
    if (!runtime) {
      this.out.progress(`connecting: signaling ${session.signaling.status}, ${session.connectedPeers().length} peer(s) connected`);
      return;
    }
    const deadline = runtime.phaseEndsAt();
    const left = deadline === null ? '' : ` ${Math.max(0, (deadline - Date.now() * 1000) / 1e6).toFixed(1)} s left,`;
    this.out.progress(`${runtime.phase}${left} ${runtime.committedCount()} committed, serial ${runtime.highestSent()}`);
  }

  private debug(message: string): void {
    if (this.config.verbose) this.out.stderr(message);
  }

  private async shutdown(): Promise<void> {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    if (this.progressTimer) clearInterval(this.progressTimer);
    this.rejected.flush();
    this.out.progress('');
    if (this.shared) await this.session?.traceSharingIdle(TRACE_SHARING_QUIET_MS, TRACE_SHARING_LINGER_MS);
    await this.session?.leaveBeforeExit(); // the command's process exits next (src/cli/entry.ts)
    const trace = this.trace;
    if (trace) await new Promise<void>((resolve) => trace.end(resolve));
  }
}

/** Run params as a person reads them, in the CLI's flag names. */
function describeParams(params: RunParams): string {
  return `seed ${params.seed}, window ${params.window}, send-for ${params.sendForMs / 1000} s, wait-for ${params.waitForMs / 1000} s, tick ${params.tickMs} ms`;
}

/**
 * The exit code of a node whose run ended: stalled (4) if it could not complete, else disagree (5)
 * if a member's result differs, else done (0). Members that sent no result are named, not judged.
 */
export function nodeExitCode(result: Pick<NodeResult, 'complete'>, verdict: Agreement): number {
  if (!result.complete) return NODE_EXIT.stalled;
  if (verdict.kind === 'disagree') return NODE_EXIT.disagree;
  return NODE_EXIT.done;
}

/**
 * `--expect N`: the first N members, in id order, that the roster shows connected to each other
 * over WebRTC (both ends report the channel), among those connected to at least N − 1 members. A
 * member that joined the room but never connects (a stranger holding the lowest id, say) is not
 * waited for. Every node computes the same set from the same roster.
 */
function reachableMembers(roster: RosterMessage, count: number): MemberId[] | null {
  const reports = new Map(roster.members.map((m) => [m.id, new Set(m.connected)]));
  const linked = (a: MemberId, b: MemberId): boolean => Boolean(reports.get(a)?.has(b) && reports.get(b)?.has(a));
  const ids = [...reports.keys()].sort(compareIds);
  const candidates = ids.filter((id) => ids.filter((other) => other !== id && linked(id, other)).length >= count - 1);
  const chosen: MemberId[] = [];
  for (const id of candidates) {
    if (chosen.every((other) => linked(id, other))) chosen.push(id);
    if (chosen.length === count) return chosen;
  }
  return null;
}

/** Every expected member is connected to every other, as this node and the roster see it. */
function meshComplete(session: Session, expected: MemberId[]): boolean {
  const connected = new Set(session.connectedPeers());
  if (!expected.every((m) => m === session.id || connected.has(m))) return false;
  const reports = new Map(session.roster?.members.map((m) => [m.id, m]) ?? []);
  const members = expected.map((id) => reports.get(id) ?? { id, connected: [] });
  return meshGaps(members).length === 0;
}
