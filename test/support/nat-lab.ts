// A network lab in Linux network namespaces: two homes behind port-randomising NATs and a public
// segment (198.18.0.0/24, inside the benchmarking range 198.18.0.0/15). Needs root, ip and iptables.

import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';

/** Addresses the lab assigns; nothing else is reachable from inside it. */
export const LAB = {
  /** The public segment's bridge host: runs the signaling server and coturn. */
  server: '198.18.0.1',
  natA: '198.18.0.2',
  natB: '198.18.0.3',
  /** A host on the public segment with no NAT in front of it. */
  publicHost: '198.18.0.4',
  homeA: '10.0.1.2',
  homeB: '10.0.2.2',
} as const;

export type LabHost = 'server' | 'homeA' | 'homeB' | 'publicHost';

/** Namespace names start with this and the owning process id, so a later run can remove a crashed run's lab. */
const NAME_PREFIX = 'cbxnat';

export interface LabProcess {
  child: ChildProcess;
  /** Everything written so far on stdout and stderr. */
  output(): { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

/** What the lab needs from the machine, or null when it has all of it. */
export function missingPrerequisites(): string | null {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('root (network namespaces and iptables)');
  for (const [command, pkg] of [['ip', 'iproute2'], ['iptables', 'iptables'], ['turnserver', 'coturn']] as const) {
    if (spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0) missing.push(`${command} (Debian package ${pkg})`);
  }
  return missing.length === 0 ? null : missing.join(', ');
}

export class NatLab {
  private readonly namespaces: Record<LabHost | 'natA' | 'natB', string>;
  private readonly processes: ChildProcess[] = [];
  private torndown = false;
  private readonly onExit = (): void => this.teardown();

  constructor() {
    const name = (role: string): string => `${NAME_PREFIX}${process.pid}-${role}`;
    this.namespaces = { server: name('pub'), natA: name('nata'), natB: name('natb'), homeA: name('homea'), homeB: name('homeb'), publicHost: name('public') };
  }

  /** Builds the namespaces, links, addresses, routes and NAT rules. Tears down what it built if any step fails. */
  build(): void {
    removeStaleLabs();
    process.once('exit', this.onExit);
    try {
      for (const ns of Object.values(this.namespaces)) {
        run('ip', ['netns', 'add', ns]);
        // IPv4 only: no IPv6 link-local addresses the lab did not assign (nor candidates on them).
        run('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
        run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      }
      const pub = this.namespaces.server;
      run('ip', ['-n', pub, 'link', 'add', 'br0', 'type', 'bridge']);
      run('ip', ['-n', pub, 'addr', 'add', `${LAB.server}/24`, 'dev', 'br0']);
      run('ip', ['-n', pub, 'link', 'set', 'br0', 'up']);
      this.plugIntoPublicSegment(this.namespaces.publicHost, 'eth0', 'port0', LAB.publicHost);
      this.buildHome(this.namespaces.natA, this.namespaces.homeA, 'port1', LAB.natA, '10.0.1');
      this.buildHome(this.namespaces.natB, this.namespaces.homeB, 'port2', LAB.natB, '10.0.2');
    } catch (error) {
      this.teardown();
      throw error;
    }
  }

  /** Starts `command args` inside a host's namespace; it is killed at teardown. */
  spawn(host: LabHost, command: string, args: string[]): LabProcess {
    const child = spawn('ip', ['netns', 'exec', this.namespaces[host], command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.processes.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    return { child, output: () => ({ stdout, stderr }), exited };
  }

  /** Kills every process in the lab and deletes its namespaces (with them go their links and iptables rules). */
  teardown(): void {
    if (this.torndown) return;
    this.torndown = true;
    process.removeListener('exit', this.onExit);
    for (const child of this.processes) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const ns of Object.values(this.namespaces)) deleteNamespace(ns);
  }

  /** A veth from `ns` (named `inside`, with `address`) to a port of the public bridge. */
  private plugIntoPublicSegment(ns: string, inside: string, port: string, address: string): void {
    const pub = this.namespaces.server;
    run('ip', ['link', 'add', inside, 'netns', ns, 'type', 'veth', 'peer', 'name', port, 'netns', pub]);
    run('ip', ['-n', pub, 'link', 'set', port, 'master', 'br0']);
    run('ip', ['-n', pub, 'link', 'set', port, 'up']);
    run('ip', ['-n', ns, 'addr', 'add', `${address}/24`, 'dev', inside]);
    run('ip', ['-n', ns, 'link', 'set', inside, 'up']);
  }

  /**
   * A home: a NAT router on the public segment (`wan`) and one host behind it on `subnet`.0/24.
   * The router masquerades with random source ports (a fresh port per destination, so a port seen
   * by a STUN server is useless to a peer) and forwards nothing inbound but replies.
   */
  private buildHome(nat: string, home: string, port: string, wanAddress: string, subnet: string): void {
    this.plugIntoPublicSegment(nat, 'wan', port, wanAddress);
    run('ip', ['link', 'add', 'lan', 'netns', nat, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', home]);
    run('ip', ['-n', nat, 'addr', 'add', `${subnet}.1/24`, 'dev', 'lan']);
    run('ip', ['-n', nat, 'link', 'set', 'lan', 'up']);
    run('ip', ['-n', home, 'addr', 'add', `${subnet}.2/24`, 'dev', 'eth0']);
    run('ip', ['-n', home, 'link', 'set', 'eth0', 'up']);
    run('ip', ['-n', home, 'route', 'add', 'default', 'via', `${subnet}.1`]);
    const inNat = (args: string[]): string => run('ip', ['netns', 'exec', nat, ...args]);
    inNat(['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    inNat(['iptables', '-t', 'nat', '-A', 'POSTROUTING', '-o', 'wan', '-j', 'MASQUERADE', '--random-fully']);
    inNat(['iptables', '-A', 'FORWARD', '-i', 'wan', '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT']);
    inNat(['iptables', '-A', 'FORWARD', '-i', 'wan', '-j', 'DROP']);
  }
}

/** Runs a command, returning its stdout; a failure throws with the command and its stderr. */
function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim() ?? '';
    throw new Error(`NAT lab: \`${command} ${args.join(' ')}\` failed: ${stderr || String(error)}`);
  }
}

/** Kills whatever still runs in a namespace, then deletes it. Never throws: teardown goes on. */
function deleteNamespace(ns: string): void {
  const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? '';
  for (const pid of pids.split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  spawnSync('ip', ['netns', 'del', ns]);
}

/** Deletes the namespaces of labs whose test process no longer exists (it was killed before its teardown). */
function removeStaleLabs(): void {
  const listing = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  for (const line of listing.split('\n')) {
    const match = new RegExp(`^(${NAME_PREFIX}(\\d+)-\\S+)`).exec(line);
    if (match && !processExists(Number(match[2]))) deleteNamespace(match[1]);
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
