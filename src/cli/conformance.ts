// `chatterbox cluster --external CMD`: the conformance harness; our nodes and another implementation run a matrix of cases, checked against our traces.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSignalingServer, type SignalingServer } from '../../signaling-server/server';
import { compareIds, DEFAULT_PARAMS, MAX_SEED, type MemberId, type RunParams } from '../core';
import { nodeWebSocket } from '../net/node-transport';
import { SignalingClient } from '../net/signaling-client';
import { createIdentity, type Identity } from '../signaling';
import { simMemberIds } from '../sim/simulate';
import { auditTrace, type TraceAudit } from './trace-audit';
import type { ClusterFlags } from './cluster';
import { UsageError } from './flags';
import type { CommandOutput } from './output';
import { runParamsToArgs } from './run-flags';
import { splitWords } from './words';

const BIN = fileURLToPath(new URL('../../bin/chatterbox.js', import.meta.url));

/** Where the external node's id sorts among ours: it offers to all, to some, or to none, and starts only when lowest. */
type Position = 'lowest' | 'middle' | 'highest';

export interface ConformanceCase {
  name: string;
  window: number;
  position: Position;
  /** Cut the link between the external node and our first node during the send phase, then heal it. */
  cut: boolean;
}

/** The matrix: windows 1, 4 and 64 with the external node's id sorting lowest and highest, one mixed mesh, one cut link. */
export const CASES: readonly ConformanceCase[] = [
  { name: 'w1-lowest', window: 1, position: 'lowest', cut: false },
  { name: 'w1-highest', window: 1, position: 'highest', cut: false },
  { name: 'w4-lowest', window: 4, position: 'lowest', cut: false },
  { name: 'w4-highest', window: 4, position: 'highest', cut: false },
  { name: 'w64-lowest', window: 64, position: 'lowest', cut: false },
  { name: 'w64-highest', window: 64, position: 'highest', cut: false },
  { name: 'w4-middle', window: 4, position: 'middle', cut: false },
  { name: 'w4-cut', window: 4, position: 'highest', cut: true },
];

/** Defaults of the matrix: short send phases (the wait phase ends early once every FIN is acked). */
const MATRIX_SEND_FOR_S = 0.5;
const MATRIX_WAIT_FOR_S = 3;
/** The cut case sends for at least this long, cut from 25 % to 65 % of it. */
const CUT_SEND_FOR_MS = 1200;
const CUT_FROM = 0.25;
const CUT_TO = 0.65;
/**
 * Our nodes give up connecting after this (their default); every process of a case is killed after
 * it plus the run's length. Only a failing case waits that long: a loaded machine may need it.
 */
const CONNECT_TIMEOUT_S = 60;
const KILL_GRACE_MS = 2000;
/**
 * Cases that run at the same time, each in its own room. Most of a case is waiting (processes
 * starting, joining, exiting), so two at once take about half as long on two cores.
 */
const CASES_AT_ONCE = 2;

export const CONFORMANCE_HELP = `With --external 'CMD ARGS…', cluster is the conformance harness for another implementation of a
node. For each case of a matrix, our --nodes N nodes (default 2 here) and one process of CMD share a
fresh room on an embedded signaling server. CMD runs with the node flags appended (--signal URL
--room NAME --expect N+1 --send-for S --wait-for S --with-seed X --tick-duration MS --window W
--id ID); it must send its RESULT to every member, print (count, checksum) on stdout and exit 0.
Cases: ${CASES.map((c) => c.name).join(', ')}.
wN is the window; the external id sorts lowest (it offers to all and starts the run), highest (ours
offer and start) or in the middle (it offers to some); in the cut case its link to our first node
is cut during the send phase, then healed. Case i uses seed --with-seed + i. Every result, the
external's printed line included, is checked against (count, checksum) recomputed from our nodes'
traces. --case NAME (repeatable) runs only those cases. Defaults here: --send-for ${MATRIX_SEND_FOR_S}, --wait-for ${MATRIX_WAIT_FOR_S}.`;

interface ProcessOutcome {
  id: MemberId;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Why it did not end by itself (killed at the case deadline, or could not be started). */
  error?: string;
}

export interface CaseRow {
  case: string;
  window: number;
  external: MemberId;
  offers: string;
  starts: MemberId;
  seed: number;
  count: number | null;
  checksum: string | null;
  agree: boolean;
  timeMs: number;
  problems: string[];
}

interface HarnessSettings {
  command: string[];
  ours: MemberId[];
  base: RunParams;
  traceRoot: string;
  noBatching: boolean;
  verbose: boolean;
  /** The key of the harness's observer, which cuts links (signaling joins are signed). */
  observer: Identity;
}

/** `given`: the flags the command line names (the others hold the cluster's defaults, not the matrix's). */
export async function runConformance(flags: ClusterFlags, given: ReadonlySet<string>, out: CommandOutput): Promise<number> {
  const settings = { ...harnessSettings(flags, given), observer: await createIdentity() };
  const cases = selectedCases(flags.case, settings.ours.length);
  const keptTraceDir = flags['trace-dir'];
  const server = await createSignalingServer({ port: 0, host: '127.0.0.1', maxMembersPerRoom: Math.max(32, settings.ours.length + 1) });
  let finished = 0;
  out.progress(`0/${cases.length} cases done`);
  try {
    const rows = await inParallel(cases, CASES_AT_ONCE, async (testCase) => {
      const row = await runCase(testCase, CASES.indexOf(testCase), settings, server, out);
      out.progress(`${++finished}/${cases.length} cases done`);
      return row;
    });
    out.progress('');
    return printRows(rows, flags.json, out);
  } finally {
    out.progress('');
    await server.close();
    if (!keptTraceDir) rmSync(settings.traceRoot, { recursive: true, force: true });
  }
}

/** Runs `task` over `items`, at most `limit` at a time; results in the order of `items`. */
async function inParallel<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function harnessSettings(flags: ClusterFlags, given: ReadonlySet<string>): Omit<HarnessSettings, 'observer'> {
  for (const refused of ['window', 'signal', 'room']) {
    if (given.has(refused)) throw new UsageError(`--${refused} does not go with --external: the matrix sets windows, server and rooms itself`);
  }
  const nodes = given.has('nodes') ? flags.nodes : 2;
  if (nodes > 31) throw new UsageError('--nodes with --external must be at most 31: a room holds 32 members, the external node included');
  const command = splitWords(flags.external!, '--external');
  const traceDir = flags['trace-dir'];
  return {
    command,
    ours: simMemberIds(nodes),
    base: {
      sendForMs: Math.round((given.has('send-for') ? flags['send-for'] : MATRIX_SEND_FOR_S) * 1000),
      waitForMs: Math.round((flags['wait-for'] ?? MATRIX_WAIT_FOR_S) * 1000),
      seed: flags['with-seed'],
      tickMs: flags['tick-duration'],
      window: DEFAULT_PARAMS.window,
    },
    traceRoot: traceDir ?? mkdtempSync(path.join(os.tmpdir(), 'chatterbox-conformance-')),
    noBatching: flags['no-batching'],
    verbose: flags.verbose,
  };
}

function selectedCases(names: readonly string[], ourCount: number): ConformanceCase[] {
  const unknown = names.filter((name) => !CASES.some((c) => c.name === name));
  if (unknown.length > 0) throw new UsageError(`--case: no case ${unknown.join(', ')}; the cases are ${CASES.map((c) => c.name).join(', ')}`);
  const chosen = names.length > 0 ? CASES.filter((c) => names.includes(c.name)) : [...CASES];
  return ourCount >= 2 ? chosen : chosen.filter((c) => c.position !== 'middle');
}

/** The external node's id: sorting before all of ours, after all of ours, or between the first two. */
export function externalId(position: Position, ours: readonly MemberId[]): MemberId {
  if (position === 'lowest') return 'a-ext';
  if (position === 'highest') return 'z-ext';
  return `${ours[0]}-ext`;
}

/** Who offers to whom: of each pair, the lower id (docs/SIGNALING.md). */
function describeOffers(external: MemberId, ours: readonly MemberId[]): string {
  const to = ours.filter((id) => compareIds(external, id) < 0);
  const from = ours.filter((id) => compareIds(id, external) < 0);
  if (from.length === 0) return `${external} → all`;
  if (to.length === 0) return `all → ${external}`;
  return `${from.join(',')} → ${external} → ${to.join(',')}`;
}

async function runCase(testCase: ConformanceCase, index: number, settings: HarnessSettings, server: SignalingServer, out: CommandOutput): Promise<CaseRow> {
  const began = Date.now();
  const external = externalId(testCase.position, settings.ours);
  const members = [...settings.ours, external].sort(compareIds);
  const params = caseParams(testCase, index, settings.base);
  const room = `conform-${randomBytes(4).toString('hex')}-${testCase.name}`;
  const traceDir = path.join(settings.traceRoot, testCase.name);
  mkdirSync(traceDir, { recursive: true });
  const deadlineMs = (CONNECT_TIMEOUT_S + 5) * 1000 + params.sendForMs + 2 * params.waitForMs;
  const cutter = testCase.cut ? new LinkCutter(server, room, [external, settings.ours[0]], params, settings.observer, out) : null;
  const nodeArgs = ['--signal', server.url, '--room', room, '--expect', String(members.length), ...runParamsToArgs(params)];
  const log = { verbose: settings.verbose, caseName: testCase.name, out };
  const ourRuns = new AbortController();
  const externalRun = runProcess(external, settings.command[0], [...settings.command.slice(1), ...nodeArgs, '--id', external], deadlineMs, log);
  void externalRun.then((outcome) => outcome.error?.startsWith('could not start') && ourRuns.abort());
  const outcomes = await Promise.all([
    ...settings.ours.map((id) => runProcess(id, process.execPath, [BIN, 'node', ...nodeArgs, '--id', id, ...ourExtraArgs(settings, traceDir, id)], deadlineMs, log, ourRuns.signal)),
    externalRun,
  ]);
  const cutWindow = cutter?.stop();
  const { problems, audit } = judge(outcomes, external, traceDir, settings.ours);
  if (cutter) problems.push(...(cutWindow ? checkCut(readTrace(traceDir, settings.ours[0]), settings.ours[0], external, cutWindow) : ['the link was never cut: the run did not start']));
  return {
    case: testCase.name,
    window: params.window,
    external,
    offers: describeOffers(external, settings.ours),
    starts: members[0],
    seed: params.seed,
    count: audit.count,
    checksum: audit.checksum,
    agree: problems.length === 0,
    timeMs: Date.now() - began,
    problems,
  };
}

function caseParams(testCase: ConformanceCase, index: number, base: RunParams): RunParams {
  return {
    ...base,
    window: testCase.window,
    seed: Math.min(base.seed + index, MAX_SEED),
    sendForMs: testCase.cut ? Math.max(base.sendForMs, CUT_SEND_FOR_MS) : base.sendForMs,
  };
}

function ourExtraArgs(settings: HarnessSettings, traceDir: string, id: MemberId): string[] {
  const args = ['--json', '--trace', path.join(traceDir, `${id}.jsonl`), '--connect-timeout', String(CONNECT_TIMEOUT_S)];
  if (settings.noBatching) args.push('--no-batching');
  if (settings.verbose) args.push('--verbose');
  return args;
}

interface CaseLog {
  verbose: boolean;
  caseName: string;
  out: CommandOutput;
}

/** Runs one node process to its end, killed at the case deadline (or when `stop` aborts: the external could not start). */
function runProcess(id: MemberId, command: string, args: string[], deadlineMs: number, log: CaseLog, stop?: AbortSignal): Promise<ProcessOutcome> {
  const outcome: ProcessOutcome = { id, exitCode: null, stdout: '', stderr: '' };
  let child: ChildProcess;
  try {
    child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: stop });
  } catch (error) {
    return Promise.resolve({ ...outcome, error: `could not start ${command}: ${(error as Error).message}` });
  }
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (outcome.stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    outcome.stderr += chunk;
    if (log.verbose) for (const line of chunk.split('\n').filter(Boolean)) log.out.stderr(`[${log.caseName} ${id}] ${line}`);
  });
  const deadline = setTimeout(() => {
    outcome.error = `still running after ${Math.round(deadlineMs / 1000)} s; killed`;
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS).unref();
  }, deadlineMs);
  return new Promise((resolve) => {
    child.on('error', (error) => (outcome.error = error.name === 'AbortError' ? 'stopped: the external command could not start' : `could not start ${command}: ${error.message}`));
    child.on('close', (code) => {
      clearTimeout(deadline);
      resolve({ ...outcome, exitCode: code });
    });
  });
}

export interface CutWindow {
  /** When the harness cut and healed the link, ms since the epoch (the nodes' clocks are this machine's). */
  cutAtMs: number;
  healedAtMs: number;
}

/**
 * Watches the room as an observer; once the run starts, cuts `link` in the name of our node at its
 * end (as a member of the run may, docs/SIGNALING.md "Shaping links"), and heals it later in the
 * send phase.
 */
class LinkCutter {
  private readonly observer: SignalingClient;
  private readonly sorted: [MemberId, MemberId];
  private readonly timers: NodeJS.Timeout[] = [];
  private cutAtMs: number | null = null;
  private healedAtMs: number | null = null;

  constructor(
    private readonly server: SignalingServer,
    private readonly room: string,
    private readonly link: [external: MemberId, ours: MemberId],
    params: RunParams,
    identity: Identity,
    private readonly out: CommandOutput,
  ) {
    this.sorted = [...link].sort(compareIds) as [MemberId, MemberId];
    this.observer = new SignalingClient({ url: server.url, room, role: 'observer', connect: nodeWebSocket, reconnect: false, identity: Promise.resolve(identity) });
    this.observer.on('start', () => {
      this.timers.push(setTimeout(() => (this.cutAtMs = this.shape(true)), params.sendForMs * CUT_FROM));
      this.timers.push(setTimeout(() => (this.healedAtMs = this.shape(false)), params.sendForMs * CUT_TO));
    });
  }

  /** Stops watching; the link is healed if it is still cut. Null when the cut never happened. */
  stop(): CutWindow | null {
    for (const timer of this.timers) clearTimeout(timer);
    if (this.cutAtMs !== null && this.healedAtMs === null) this.healedAtMs = this.shape(false);
    this.observer.close();
    return this.cutAtMs === null ? null : { cutAtMs: this.cutAtMs, healedAtMs: this.healedAtMs! };
  }

  private shape(cut: boolean): number {
    const refused = this.server.shapeLinkAs(this.room, this.link[1], { link: this.sorted, cut, lossPercent: 0, delayMs: 0 });
    if (refused) this.out.stderr(`cluster: could not ${cut ? 'cut' : 'heal'} ${this.sorted.join('–')}: ${refused}`);
    return Date.now();
  }
}

function readTrace(traceDir: string, id: MemberId): string {
  try {
    return readFileSync(path.join(traceDir, `${id}.jsonl`), 'utf8');
  } catch {
    return '';
  }
}

/** Every way a case can fail: a process that did not finish well, a trace that does not add up, a result that differs from it. */
function judge(outcomes: ProcessOutcome[], external: MemberId, traceDir: string, ours: readonly MemberId[]): { problems: string[]; audit: TraceAudit } {
  const problems: string[] = [];
  const audits = ours.map((id) => auditTrace(readTrace(traceDir, id)));
  for (const [i, audit] of audits.entries()) problems.push(...audit.problems.map((p) => `${ours[i]}'s trace: ${p}`));
  const expected = audits[0];
  for (const audit of audits.slice(1)) {
    if (audit.count !== expected.count || audit.checksum !== expected.checksum) {
      problems.push(`the traces of ${ours[0]} and ${audit.node} give different results`);
    }
  }
  problems.push(...checkRunMembers(audits, [...ours, external]));
  for (const outcome of outcomes) {
    const line = outcome.id === external ? externalResult(outcome) : ourResult(outcome);
    problems.push(...compareResult(outcome, line, expected));
  }
  return { problems, audit: expected };
}

/** The run must have had every node of the case as a member. */
function checkRunMembers(audits: TraceAudit[], members: MemberId[]): string[] {
  const expected = [...members].sort(compareIds).join(', ');
  return audits
    .filter((audit) => audit.node !== null && audit.members.join(', ') !== expected)
    .map((audit) => `${audit.node} ran with members ${audit.members.join(', ')}, not ${expected}`);
}

interface PrintedResult {
  count: number;
  checksum: string;
  problems: string[];
}

/** The external node's stdout: its last line must be exactly `(count, checksum)`. */
function externalResult(outcome: ProcessOutcome): PrintedResult | null {
  const last = outcome.stdout.trim().split('\n').pop() ?? '';
  const match = /^\((\d+), (\d{1,40}\.\d{10})\)$/.exec(last);
  return match ? { count: Number(match[1]), checksum: match[2], problems: [] } : null;
}

/** Our node's --json line: its result, and whether it heard an equal RESULT from every member. */
function ourResult(outcome: ProcessOutcome): PrintedResult | null {
  try {
    const result = JSON.parse(outcome.stdout.trim().split('\n').pop() ?? '');
    const problems: string[] = [];
    if (result.missingResults?.length > 0) problems.push(`${outcome.id} got no RESULT from ${result.missingResults.join(', ')}`);
    if (result.differing?.length > 0) problems.push(`${outcome.id} got differing RESULTs from ${result.differing.join(', ')}`);
    if (result.badValuesFrom?.length > 0) problems.push(`${outcome.id} got forged values from ${result.badValuesFrom.join(', ')}`);
    if (result.complete !== true) problems.push(`${outcome.id} did not complete (${result.reason})`);
    return { count: result.count, checksum: result.checksum, problems };
  } catch {
    return null;
  }
}

function compareResult(outcome: ProcessOutcome, printed: PrintedResult | null, expected: TraceAudit): string[] {
  const lastLog = outcome.stderr.trim().split('\n').pop() ?? '';
  if (outcome.error) return [`${outcome.id}: ${outcome.error}${lastLog ? ` (last log: ${lastLog})` : ''}`];
  const problems = outcome.exitCode === 0 ? [] : [`${outcome.id} exited ${outcome.exitCode}${lastLog ? `: ${lastLog}` : ''}`];
  if (!printed && outcome.exitCode === 0) return [`${outcome.id} printed no result line: ${JSON.stringify(outcome.stdout.trim().slice(-120))}`];
  if (!printed) return problems;
  problems.push(...printed.problems);
  if (expected.count !== null && (printed.count !== expected.count || printed.checksum !== expected.checksum)) {
    problems.push(`${outcome.id} printed (${printed.count}, ${printed.checksum}); the traces give (${expected.count}, ${expected.checksum})`);
  }
  return problems;
}

/**
 * The cut must show in our node's trace: while the link was cut, a gap in what it received from the
 * external node at least half as long as the cut (the shape reaches the node a little after the cut).
 */
export function checkCut(trace: string, ours: MemberId, external: MemberId, window: CutWindow): string[] {
  const received = trace
    .split('\n')
    .map(parseJsonOrNull)
    .filter((record): record is Record<string, any> => record?.ev === 'recv' && record.from === external && typeof record.t === 'number')
    .map((record) => record.t / 1000);
  const times = [window.cutAtMs, ...received.filter((t) => t > window.cutAtMs && t < window.healedAtMs), window.healedAtMs];
  const longestGap = Math.max(...times.slice(1).map((t, i) => t - times[i]));
  const cutMs = window.healedAtMs - window.cutAtMs;
  return longestGap >= cutMs / 2 ? [] : [`the cut of ${external}–${ours} (${cutMs} ms) did not show: ${ours} kept receiving from ${external} (longest gap ${Math.round(longestGap)} ms)`];
}

function parseJsonOrNull(line: string): Record<string, any> | null {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

function printRows(rows: CaseRow[], json: boolean, out: CommandOutput): number {
  const agree = rows.length > 0 && rows.every((row) => row.agree);
  if (json) {
    out.stdout(JSON.stringify({ cases: rows, agree }));
    return agree ? 0 : 1;
  }
  const table = [
    ['case', 'W', 'external', 'offers', 'starts', 'count', 'checksum', 'agree', 'time'],
    ...rows.map((row) => [row.case, String(row.window), row.external, row.offers, row.starts, String(row.count ?? '-'), row.checksum ?? '-', row.agree ? 'yes' : 'NO', `${(row.timeMs / 1000).toFixed(1)} s`]),
  ];
  const widths = table[0].map((_, column) => Math.max(...table.map((cells) => cells[column].length)));
  for (const cells of table) out.stdout(cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
  for (const row of rows) for (const problem of row.problems) out.stdout(`${row.case}: ${problem}`);
  out.stdout(agree ? `conformance: all ${rows.length} cases agree` : `conformance: ${rows.filter((row) => !row.agree).length} of ${rows.length} cases DISAGREE`);
  return agree ? 0 : 1;
}
