// The top bar: the room and how to share it, who this tab is, signaling and mesh status, the phase.

import { useState } from 'react';
import type { PageConfig } from '../config';
import { roomUrl } from '../config';
import { useColors, usePanel } from '../hooks';
import { meshStatus } from '../mesh-status';
import { useStore } from '../store';
import { PhaseIndicator } from './PhaseIndicator';

export function TopBar({ config }: { config: PageConfig | null }) {
  return (
    <header className="top-bar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">◎</span>
        <span className="brand-name">Chatterbox</span>
        <span className="brand-sub">for the web</span>
      </div>
      {config && <RoomInfo config={config} />}
      {config && <OwnId role={config.role} />}
      {config?.role === 'member' && <NodeModeView />}
      {config && <SignalingStatusView />}
      {config && <MeshStatusView />}
      <PhaseIndicator />
    </header>
  );
}

function RoomInfo({ config }: { config: PageConfig }) {
  const [copied, setCopied] = useState(false);
  const link = roomUrl(window.location, config.room);
  const copy = (): void => {
    navigator.clipboard?.writeText(link).then(
      () => {
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      },
      () => setCopied(false),
    );
  };
  return (
    <div className="top-item room">
      <span className="label">Room</span>
      <span className="value mono" data-testid="room-name">{config.room}</span>
      <button type="button" className="small" onClick={copy} aria-label="Copy the link to this room" title={link}>
        {copied ? 'Copied' : 'Copy link'}
      </button>
      <button type="button" className="small" onClick={() => window.open(roomUrl(window.location, config.room), '_blank')} aria-label="Open another node in this room in a new tab">
        Open another node
      </button>
      <a className="small-link" href={roomUrl(window.location, config.room, { observe: '' })} target="_blank" rel="noreferrer">
        Observe
      </a>
    </div>
  );
}

function OwnId({ role }: { role: string }) {
  const id = useStore((s) => s.selfId);
  const colorOf = useColors();
  return (
    <div className="top-item">
      <span className="label">{role === 'observer' ? 'Observer' : 'This node'}</span>
      <span className="value mono own-id" data-testid="own-id" style={{ color: id ? colorOf(id) : undefined }}>
        {id ?? '…'}
      </span>
    </div>
  );
}

const MODE_TEXT = { worker: 'worker', 'main-thread': 'main thread' } as const;
const MODE_TITLE = {
  worker: "This tab's protocol runs in a dedicated worker that owns its data channels: the page's rendering does not block it (it still shares the CPU).",
  'main-thread': "This browser cannot move data channels to a worker, so this tab's protocol shares the main thread with the page; a busy page slows it down.",
} as const;

/** Where this tab's protocol runs: a worker, or (where the browser cannot transfer data channels) the main thread. */
function NodeModeView() {
  const mode = useStore((s) => s.nodeMode);
  if (!mode) return null;
  return (
    <div className="top-item" title={MODE_TITLE[mode]}>
      <span className="label">Protocol</span>
      <span className="value" data-testid="node-mode">
        in {MODE_TEXT[mode]}
      </span>
    </div>
  );
}

const STATUS_TEXT = { connecting: 'connecting', open: 'connected', reconnecting: 'reconnecting', closed: 'closed' } as const;

function SignalingStatusView() {
  const status = useStore((s) => s.signaling);
  return (
    <div className="top-item">
      <span className="label">Signaling</span>
      <span className={`value status status-${status}`} data-testid="signaling-status">
        <span className="dot" aria-hidden="true" />
        {STATUS_TEXT[status]}
      </span>
    </div>
  );
}

function MeshStatusView() {
  const roster = useStore((s) => s.roster);
  const runMembers = usePanel((view) => view.history.run?.members);
  const status = meshStatus(roster, runMembers);
  return (
    <div className="top-item">
      <span className="label">Mesh</span>
      <span className={`value status ${status.complete ? 'status-open' : 'status-connecting'}`} data-testid="mesh-status">
        <span className="dot" aria-hidden="true" />
        {status.connected} of {status.total} connected
      </span>
    </div>
  );
}
