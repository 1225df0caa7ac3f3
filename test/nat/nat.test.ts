// Nodes behind NATs: two homes behind port-randomising NATs connect only through a TURN relay
// (coturn), and a public node joins them. Real namespaces, real NAT rules, real coturn (needs root).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB, missingPrerequisites, NatLab, type LabHost, type LabProcess } from '../support/nat-lab';
import { randomRoom } from '../support/cli-process';

/** Developers without root or coturn may skip this file; CI must not (it runs as root and installs them). */
const SKIP = process.env.CHATTERBOX_SKIP_NAT === '1';

const SIGNAL_URL = `ws://${LAB.server}:8787`;
const TURN_USER = 'chatterbox';
const TURN_PASSWORD = 'nat-lab-secret';
const TURN = `turn:${TURN_USER}:${TURN_PASSWORD}@${LAB.server}:3478`;
const STUN = `stun:${LAB.server}:3478`;
/**
 * Private ranges coturn must never relay to (the hardening README's recipe recommends). Here they
 * are also needed: coturn has no route to the homes' private candidates, and trying one closed the
 * whole allocation, so without these lines (b) and (c) stall with exit 4.
 */
const DENIED_PEER_RANGES = ['0.0.0.0-0.255.255.255', '10.0.0.0-10.255.255.255', '100.64.0.0-100.127.255.255', '127.0.0.0-127.255.255.255', '169.254.0.0-169.254.255.255', '172.16.0.0-172.31.255.255', '192.168.0.0-192.168.255.255'];
/** A candidate pair with a relay candidate (coturn's address) at either end: the traffic goes through coturn. */
const RELAYED = new RegExp(`(^|-> )relay ${LAB.server.replace(/\./g, '\\.')}:`);
const RESULT_LINE = /^\(\d+, \d+\.\d{10}\)$/;

describe.skipIf(SKIP)('nodes behind port-randomising NATs', () => {
  const lab = new NatLab();
  let dir = '';
  let turnserver: LabProcess;

  beforeAll(async () => {
    const missing = missingPrerequisites();
    if (missing) {
      throw new Error(`the NAT test needs ${missing}. CI runs as root and .ci/run installs iproute2, iptables and coturn; on a developer machine set CHATTERBOX_SKIP_NAT=1 to skip it.`);
    }
    dir = mkdtempSync(join(tmpdir(), 'chatterbox-nat-'));
    lab.build();
    const signal = lab.spawn('server', process.execPath, ['bin/chatterbox.js', 'signal', '--host', LAB.server, '--port', '8787']);
    turnserver = lab.spawn('server', 'turnserver', ['-c', writeCoturnConfig(dir)]);
    await waitForOutput(signal, /Chatterbox signaling.* on http:\/\//, 'the signaling server'); // with or without a built UI
    await waitForOutput(turnserver, /listener opened on/, 'coturn');
  }, 90_000);

  afterAll(() => {
    lab.teardown();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('(a) without TURN the two NATed nodes cannot connect, with or without STUN, and exit 3 with a reason', async () => {
    const withoutIce = pair([]);
    const stunOnly = pair(['--ice', STUN]);
    for (const node of [...(await withoutIce), ...(await stunOnly)]) {
      expect(node.code, node.stderr).toBe(3);
      expect(node.stderr).toMatch(/could not start within 8 s: connected to 0 peer/);
      expect(node.stdout).toBe(''); // no result line from a run that never started
    }

    /** Two NATed nodes in a fresh room, each expecting the other. */
    function pair(ice: string[]): Promise<NodeRun[]> {
      const room = randomRoom();
      return Promise.all((['homeA', 'homeB'] as const).map((host, i) => runNode(host, ['--room', room, '--id', `n${i}`, '--expect', '2', '--connect-timeout', '8', ...ice])));
    }
  }, 60_000);

  it('(b) with TURN they agree, and their link goes through the relay', async () => {
    const room = randomRoom();
    const nodes = await Promise.all([
      runNode('homeA', ['--room', room, '--id', 'a', '--expect', '2', '--ice', TURN, '-v', ...SHORT_RUN]),
      runNode('homeB', ['--room', room, '--id', 'b', '--expect', '2', '--ice', TURN, '-v', ...SHORT_RUN]),
    ]);
    expectAgreement(nodes);
    // Each node says its link has a relay candidate on coturn at one end (the other end may be
    // the peer's NAT mapping, learnt as a peer-reflexive candidate), and coturn counted the packets.
    expect(selectedPair(nodes[0], 'b'), nodes[0].stderr).toMatch(RELAYED);
    expect(selectedPair(nodes[1], 'a'), nodes[1].stderr).toMatch(RELAYED);
    await waitForOutput(turnserver, /peer usage: .*rp=\d{3,}/, "coturn's count of relayed packets (a 'peer usage' line)");
  }, 60_000);

  it('(c) a mixed cluster, two NATed nodes and a public one, agrees', async () => {
    const room = randomRoom();
    const nodes = await Promise.all([
      runNode('homeA', ['--room', room, '--id', 'a', '--expect', '3', '--ice', TURN, '-v', ...SHORT_RUN]),
      runNode('homeB', ['--room', room, '--id', 'b', '--expect', '3', '--ice', TURN, '-v', ...SHORT_RUN]),
      runNode('publicHost', ['--room', room, '--id', 'c', '--expect', '3', '--ice', TURN, '-v', ...SHORT_RUN]),
    ]);
    expectAgreement(nodes);
    expect(selectedPair(nodes[0], 'b'), nodes[0].stderr).toMatch(RELAYED); // only a relay joins the two NATed homes
    expect(selectedPair(nodes[1], 'a'), nodes[1].stderr).toMatch(RELAYED);
    for (const [node, peer] of [[0, 'c'], [1, 'c'], [2, 'a'], [2, 'b']] as const) expect(selectedPair(nodes[node], peer), nodes[node].stderr).not.toBeNull();
  }, 60_000);

  /** Runs `chatterbox node` on a lab host against the lab's signaling server. */
  async function runNode(host: LabHost, args: string[]): Promise<NodeRun> {
    const node = lab.spawn(host, process.execPath, ['bin/chatterbox.js', 'node', '--signal', SIGNAL_URL, ...args]);
    const code = await node.exited;
    return { host, code, ...node.output() };
  }
});

interface NodeRun {
  host: LabHost;
  code: number | null;
  stdout: string;
  stderr: string;
}

const SHORT_RUN = ['--send-for', '2', '--wait-for', '2', '--connect-timeout', '40'];

function expectAgreement(nodes: NodeRun[]): void {
  for (const node of nodes) {
    expect(node.code, `${node.host}: ${node.stderr}`).toBe(0);
    expect(node.stdout.trim()).toMatch(RESULT_LINE);
  }
  expect(new Set(nodes.map((n) => n.stdout.trim())).size).toBe(1);
}

/** The candidate pair a node's `-v` log says its link to `peer` uses, or null. */
function selectedPair(node: NodeRun, peer: string): string | null {
  return new RegExp(`mesh: link to ${peer} uses (.+)`).exec(node.stderr)?.[1] ?? null;
}

/** coturn listening only on the lab's public address, long-term credentials, no relaying to private ranges. */
function writeCoturnConfig(dir: string): string {
  const path = join(dir, 'turnserver.conf');
  const lines = [
    `listening-ip=${LAB.server}`,
    `relay-ip=${LAB.server}`,
    'listening-port=3478',
    'min-port=49152',
    'max-port=49407',
    'realm=chatterbox.test',
    'lt-cred-mech',
    `user=${TURN_USER}:${TURN_PASSWORD}`,
    'fingerprint',
    'no-tls',
    'no-dtls',
    'no-cli',
    `userdb=${join(dir, 'turndb')}`,
    `pidfile=${join(dir, 'turnserver.pid')}`,
    'log-file=stdout',
    'simple-log',
    'verbose',
    ...DENIED_PEER_RANGES.map((range) => `denied-peer-ip=${range}`),
  ];
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** Waits until a lab process prints `pattern` (it is ready), or fails naming it and what it printed. */
async function waitForOutput(server: LabProcess, pattern: RegExp, name: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { stdout, stderr } = server.output();
    if (pattern.test(stdout) || pattern.test(stderr)) return;
    if (server.child.exitCode !== null) throw new Error(`${name} exited with ${server.child.exitCode}: ${stderr || stdout}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} was not ready within ${timeoutMs / 1000} s: ${JSON.stringify(server.output())}`);
}
