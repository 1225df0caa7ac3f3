// The sandbox's controls: the cluster and run parameters (the run controls' look), start and
// restart, the speed (pause, slow motion, real time, as fast as the CPU allows), the network
// (partition in two, heal, duplication, reordering) and "Share this run".

import { useEffect, useState, type ChangeEvent } from 'react';
import type { Speed } from '../../sandbox/driver';
import { LATENCY_MS, USER_NODES, sandboxMembers, type SandboxSetup } from '../../sandbox/setup';
import type { SandboxController } from '../sandbox/sandbox-controller';
import { useController } from '../services';
import { paramsFromDraft, useStore } from '../store';
import { ParamField, type ParamFieldSpec } from './ParamField';

interface Draft {
  nodes: string;
  seed: string;
  sendForS: string;
  waitForS: string;
  tickMs: string;
  window: string;
  latencyMs: string;
}

/** Labelled like `chatterbox sim`'s flags. */
const FIELDS: ParamFieldSpec<keyof Draft>[] = [
  { key: 'nodes', label: 'nodes', unit: '', help: `Virtual nodes, ${USER_NODES.min} to ${USER_NODES.max}`, step: '1' },
  { key: 'seed', label: 'seed', unit: '', help: 'Seed of the random values and of the network (--with-seed)', step: '1' },
  { key: 'sendForS', label: 'send-for', unit: 's', help: 'Length of the send phase', step: '0.5' },
  { key: 'waitForS', label: 'wait-for', unit: 's', help: 'Length of the wait phase (finish, FIN)', step: '0.5' },
  { key: 'tickMs', label: 'tick duration', unit: 'ms', help: 'Resend period', step: '10' },
  { key: 'window', label: 'window', unit: '', help: 'Messages in flight per sender (1 = the original protocol)', step: '1' },
  { key: 'latencyMs', label: 'latency', unit: 'ms', help: 'Mean one-way delay of every link (--latency)', step: '5' },
];

const SPEEDS: { speed: Speed; label: string; title: string }[] = [
  { speed: 0, label: '❚❚ Pause', title: 'Virtual time stands still' },
  { speed: 0.1, label: '0.1×', title: 'Slow motion: a 10 ms flight takes 100 ms' },
  { speed: 1, label: '1×', title: 'Real time' },
  { speed: 'max', label: 'Max', title: 'As fast as this machine allows' },
];

const PERCENTS = [0, 5, 20, 50];

export function SandboxControls() {
  const controller = useController();
  const sandbox = controller.sandbox;
  const facts = useStore((s) => s.sandbox);
  if (!sandbox || !facts) return null;
  return (
    <section className="sandbox-controls" aria-label="Sandbox">
      <SetupFields sandbox={sandbox} setup={facts.setup} />
      <SpeedButtons sandbox={sandbox} speed={facts.speed} />
      <NetworkControls sandbox={sandbox} />
      <ShareRun sandbox={sandbox} />
    </section>
  );
}

function SetupFields({ sandbox, setup }: { sandbox: SandboxController; setup: SandboxSetup }) {
  const [draft, setDraft] = useState(() => draftOf(setup));
  useEffect(() => setDraft(draftOf(setup)), [setup]);
  const parsed = parseDraft(draft, setup);
  const setField = (key: keyof Draft) => (event: ChangeEvent<HTMLInputElement>) => setDraft({ ...draft, [key]: event.target.value });
  const start = (): void => {
    if (typeof parsed !== 'string') sandbox.load(parsed);
  };
  return (
    <>
      {FIELDS.map((field) => (
        <ParamField key={field.key} field={field} value={draft[field.key]} onChange={setField(field.key)} testIdPrefix="sandbox" />
      ))}
      <div className="control-group">
        <button type="button" className="primary" data-testid="sandbox-start" disabled={typeof parsed === 'string'} onClick={start} title={typeof parsed === 'string' ? parsed : 'Start a new run with these settings'}>
          Start
        </button>
        <button type="button" data-testid="sandbox-restart" onClick={() => sandbox.restart()} title="Run the same cluster again from the start (the same seed gives the same run)">
          Restart
        </button>
      </div>
      {typeof parsed === 'string' && (
        <p className="param-error" role="alert">
          {parsed}
        </p>
      )}
    </>
  );
}

function SpeedButtons({ sandbox, speed }: { sandbox: SandboxController; speed: Speed }) {
  return (
    <div className="control-group" role="group" aria-label="Sandbox speed">
      <span className="control-label">Speed</span>
      {SPEEDS.map((option) => (
        <button key={String(option.speed)} type="button" className="segment" data-testid={`sandbox-speed-${option.speed}`} aria-pressed={speed === option.speed} title={option.title} onClick={() => sandbox.setSpeed(option.speed)}>
          {option.label}
        </button>
      ))}
      <SandboxStatus />
    </div>
  );
}

function SandboxStatus() {
  const facts = useStore((s) => s.sandbox);
  if (!facts) return null;
  const text = !facts.loaded ? 'starting…' : facts.done ? 'run over' : facts.speed === 0 ? 'paused' : 'running';
  return (
    <span className="sandbox-status" data-testid="sandbox-status">
      {text}
    </span>
  );
}

function NetworkControls({ sandbox }: { sandbox: SandboxController }) {
  const facts = useStore((s) => s.sandbox);
  if (!facts) return null;
  const members = sandboxMembers(facts.setup);
  const half = members.slice(0, Math.floor(members.length / 2));
  const partitioned = facts.network.partition !== null;
  const percent = (type: 'dup' | 'reorder') => (event: ChangeEvent<HTMLSelectElement>) => void sandbox.act({ type, percent: Number(event.target.value) });
  return (
    <div className="control-group" role="group" aria-label="Sandbox network">
      <span className="control-label">Network</span>
      {partitioned ? (
        <button type="button" data-testid="sandbox-heal" onClick={() => void sandbox.act({ type: 'heal' })} title="Messages cross between the two sides again">
          Heal
        </button>
      ) : (
        <button type="button" data-testid="sandbox-partition" onClick={() => void sandbox.act({ type: 'partition', side: half })} title={`Split the cluster: ${half.join(', ')} on one side, the others on the other`}>
          Partition in two
        </button>
      )}
      <label className="param" title="Share of messages delivered twice (the copy may overtake)">
        <span className="param-label">duplicate</span>
        <select value={facts.network.dupPercent} onChange={percent('dup')} aria-label="Duplicate (%)">
          {withCurrent(PERCENTS, facts.network.dupPercent).map((value) => (
            <option key={value} value={value}>
              {value} %
            </option>
          ))}
        </select>
      </label>
      <label className="param" title="Share of messages held back by one to three mean delays, so later ones overtake them">
        <span className="param-label">reorder</span>
        <select value={facts.network.reorderPercent} onChange={percent('reorder')} aria-label="Reorder (%)">
          {withCurrent(PERCENTS, facts.network.reorderPercent).map((value) => (
            <option key={value} value={value}>
              {value} %
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

function ShareRun({ sandbox }: { sandbox: SandboxController }) {
  const [link, setLink] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const share = (): void => {
    const url = sandbox.shareUrl(window.location);
    setLink(url);
    setCopied(false);
    navigator.clipboard?.writeText(url).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <>
      <div className="control-group">
        <button type="button" data-testid="sandbox-share" onClick={share} title="Copy a link that reproduces this run: the same cluster, seed and actions">
          {copied ? 'Copied' : 'Share this run'}
        </button>
      </div>
      {link && <input className="share-url" readOnly value={link} data-testid="share-url" aria-label="Link to this run" onFocus={(e) => e.currentTarget.select()} />}
    </>
  );
}

function withCurrent(values: readonly number[], current: number): number[] {
  return values.includes(current) ? [...values] : [...values, current].sort((a, b) => a - b);
}

function draftOf(setup: SandboxSetup): Draft {
  const p = setup.params;
  return {
    nodes: String(setup.nodes),
    seed: String(p.seed),
    sendForS: String(p.sendForMs / 1000),
    waitForS: String(p.waitForMs / 1000),
    tickMs: String(p.tickMs),
    window: String(p.window),
    latencyMs: String(setup.network.latencyMs),
  };
}

/** The typed settings as a new run's setup (the network seed is the value seed, as `chatterbox sim`'s default), or what is wrong. */
function parseDraft(draft: Draft, base: SandboxSetup): SandboxSetup | string {
  const number = (text: string): number => (text.trim() === '' ? NaN : Number(text));
  const nodes = number(draft.nodes);
  if (!Number.isInteger(nodes) || nodes < USER_NODES.min || nodes > USER_NODES.max) return `Nodes must be a whole number from ${USER_NODES.min} to ${USER_NODES.max}.`;
  const latencyMs = number(draft.latencyMs);
  if (!(latencyMs >= LATENCY_MS.min && latencyMs <= LATENCY_MS.max)) return `Latency must be from ${LATENCY_MS.min} to ${LATENCY_MS.max} ms.`;
  const params = paramsFromDraft(draft);
  if (typeof params === 'string') return params;
  return { ...base, nodes, params, netSeed: params.seed, network: { ...base.network, latencyMs }, actions: [] };
}
