// Run parameters, the lecture preset, the "slow network" switch and the Start button.

import type { ChangeEvent } from 'react';
import type { RunParams } from '../../core';
import { phaseOf } from '../history/scene';
import { usePanel } from '../hooks';
import { meshStatus } from '../mesh-status';
import { useController } from '../services';
import { draftFromParams, linkKey, pairs, paramsFromDraft, useStore, type ParamsDraft } from '../store';
import { ParamField, type ParamFieldSpec } from './ParamField';

/** A run slow enough to follow by eye: a message a second per node, 10 s of sending. */
const LECTURE_PARAMS: RunParams = { sendForMs: 10_000, waitForMs: 5000, seed: 0, tickMs: 1000, window: 1 };

/** Labelled like the command line's flags (--send-for, --wait-for, --with-seed, --tick-duration, --window). */
const FIELDS: ParamFieldSpec<keyof ParamsDraft>[] = [
  { key: 'sendForS', label: 'send-for', unit: 's', help: 'Length of the send phase', step: '0.5' },
  { key: 'waitForS', label: 'wait-for', unit: 's', help: 'Length of the wait phase (finish, FIN)', step: '0.5' },
  { key: 'seed', label: 'seed', unit: '', help: 'Seed of the random values', step: '1' },
  { key: 'tickMs', label: 'tick duration', unit: 'ms', help: 'Resend period', step: '10' },
  { key: 'window', label: 'window', unit: '', help: 'Messages in flight per sender (1 = the original protocol)', step: '1' },
];

export function RunControls() {
  const controller = useController();
  const draft = useStore((s) => s.paramsDraft);
  const parsed = paramsFromDraft(draft);
  const canStart = useCanStart();
  const slow = useSlowNetwork();
  const setField = (key: keyof ParamsDraft) => (event: ChangeEvent<HTMLInputElement>) =>
    useStore.setState((s) => ({ paramsDraft: { ...s.paramsDraft, [key]: event.target.value } }));
  const start = (): void => {
    if (typeof parsed !== 'string') controller.live?.requestStart(parsed);
  };
  const lecture = (): void => {
    useStore.setState({ paramsDraft: draftFromParams(LECTURE_PARAMS) });
    controller.animator.setScale(1);
    controller.animator.jumpToEnd();
    if (!slow.on) controller.live?.setSlowNetwork(true);
  };
  return (
    <section className="run-controls" aria-label="Run parameters">
      {FIELDS.map((field) => (
        <ParamField key={field.key} field={field} value={draft[field.key]} onChange={setField(field.key)} testIdPrefix="param" />
      ))}
      <div className="run-actions">
        <button type="button" onClick={lecture} title="Tick 1 s, send for 10 s, window 1, and a 400 ms delay on every link">
          Lecture preset
        </button>
        <label className="toggle" title="Adds a 400 ms one-way delay to every link (for every node in the room)">
          <input type="checkbox" checked={slow.on} disabled={!slow.possible} onChange={(e) => controller.live?.setSlowNetwork(e.target.checked)} />
          Slow network
        </label>
        <button type="button" className="primary" data-testid="start-run" disabled={!canStart.ok || typeof parsed === 'string'} onClick={start} title={typeof parsed === 'string' ? parsed : canStart.reason}>
          Start run
        </button>
      </div>
      {typeof parsed === 'string' && (
        <p className="param-error" role="alert">
          {parsed}
        </p>
      )}
      {typeof parsed !== 'string' && !canStart.ok && <p className="param-hint">{canStart.reason}</p>}
    </section>
  );
}

function useCanStart(): { ok: boolean; reason: string } {
  const role = useStore((s) => s.mode === 'live' && s.selfId !== null && s.roster?.members.some((m) => m.id === s.selfId));
  const signaling = useStore((s) => s.signaling);
  const roster = useStore((s) => s.roster);
  const running = usePanel((view) => view.history.run !== null && phaseOf(view.history, view.scene) !== 'done');
  const serverRun = roster?.run ?? null;
  if (!role) return { ok: false, reason: 'Only a member of the room can start a run.' };
  if (signaling !== 'open') return { ok: false, reason: 'Waiting for the signaling server.' };
  if (running) return { ok: false, reason: 'A run is in progress.' };
  if (serverRun) return { ok: false, reason: 'The last run ends when every member has finished (or a few seconds after its deadline).' };
  const mesh = meshStatus(roster);
  if (!mesh.complete) return { ok: false, reason: `Waiting for the mesh: ${mesh.connected} of ${mesh.total} members are connected to everyone.` };
  return { ok: true, reason: `Start a run with all ${mesh.total} member${mesh.total === 1 ? '' : 's'} of the room.` };
}

/** The slow network is on when every link of the room has a delay. */
function useSlowNetwork(): { on: boolean; possible: boolean } {
  const members = useStore((s) => s.roster?.members);
  const shapes = useStore((s) => s.shapes);
  const signaling = useStore((s) => s.signaling);
  const links = pairs(members?.map((m) => m.id) ?? []);
  const delayed = links.filter(([a, b]) => (shapes[linkKey(a, b)]?.delayMs ?? 0) > 0).length;
  return { on: links.length > 0 && delayed === links.length, possible: links.length > 0 && signaling === 'open' };
}
