// The cluster view: members placed by layout.ts for the view's size and their number (2 to 64),
// links with their state and round-trip time (SVG, the click targets; each node glyph's element
// has the bounding box the layout keeps clear of the others), and two canvases above it drawn by
// the animation loop from the scene at the playhead: the frames in flight and commits (packets.ts),
// which move every frame, and above them the nodes' changing state (node-layer.ts), redrawn only
// when the nodes' figures change (at most 20 times a second), so a frame rasters only the packets.
// React re-renders this view only when what it shows changes, at the panels' pace.

import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import type { MemberId } from '../../core';
import { HEALTHY_LINK } from '../../net/link-shaper';
import type { NodeSnapshot } from '../../runtime/snapshot';
import { useColors, useMembers, useOwnRtt, usePanel, useSelfId } from '../hooks';
import { formatRtt } from '../format';
import { useController } from '../services';
import { useStore } from '../store';
import type { RunHistory } from '../history/history';
import type { AnimationFrame } from '../timeline/animator';
import { useSize } from '../use-size';
import { CARD_MAX_MEMBERS, layoutCluster, type ClusterLayout } from './layout';
import { handleOf, linkViews, placeLinkLabels, sameLabelPlace, sameLinkView, type LabelPlace, type LinkView } from './links';
import { NodeGlyph } from './NodeGlyph';
import { NodePainter, type NodeScene } from './node-layer';
import { drawPackets, PacketPainter, packetSampling, placePackets } from './packets';
import { prepareCanvas } from '../canvas';
import { scenarioById } from '../../sandbox/scenarios';

/** The `data-serial` hooks are refreshed this often at most. */
const SERIAL_MARK_EVERY_MS = 100;

export function ClusterView({ joined }: { joined: boolean }) {
  const controller = useController();
  const members = useMembers();
  const colorOf = useColors();
  const selfId = useSelfId();
  const snapshots = usePanel((view) => view.scene.snapshots);
  const selectedNode = useStore((s) => s.selectedNode ?? s.selfId);
  const selectedLink = useStore((s) => s.selectedLink);
  const links = useLinks(members);
  const focus = useScenarioFocus();
  const absence = useAbsence();
  const { ref, size } = useSize<HTMLDivElement>({ width: 640, height: 520 });
  const layout = useMemo(() => layoutCluster(members, size.width, size.height), [members, size.width, size.height]);
  const labels = useLabelPlaces(layout, links);
  const sampling = packetSampling(members.length);
  const packetCanvas = useRef<HTMLCanvasElement>(null);
  const nodeCanvas = useRef<HTMLCanvasElement>(null);
  const glyphs = useRef(new Map<MemberId, SVGGElement>());
  const look = useRef<ClusterLook>({ layout, colorOf, absence });

  useLayoutEffect(() => {
    look.current = { layout, colorOf, absence };
    controller.animator.wake();
  }, [controller, layout, colorOf, absence]);
  useEffect(() => {
    const nodes = new NodePainter();
    const packets = new PacketPainter();
    const serials = new SerialMarks(glyphs.current);
    return controller.animator.addLayer((frame) => {
      serials.mark(controller.history);
      const scene: NodeScene = { ...look.current, snapshots: frame.scene.snapshots };
      if (nodeCanvas.current) drawNodes(nodeCanvas.current, scene, nodes);
      return packetCanvas.current ? drawMoving(packetCanvas.current, scene, frame, packets) : false;
    });
  }, [controller]);

  const register = useCallback((id: MemberId, element: SVGGElement | null): void => {
    if (element) glyphs.current.set(id, element);
    else glyphs.current.delete(id);
  }, []);
  const selectNode = useCallback((id: MemberId): void => useStore.setState({ selectedNode: id, selectedLink: null }), []);
  const clickLink = useCallback(
    (link: LinkView): void => {
      useStore.setState({ selectedLink: link.key });
      if (useStore.getState().mode === 'replay') return;
      const shape = link.shape ?? HEALTHY_LINK;
      controller.shapeLink(link.a, link.b, { ...shape, cut: !shape.cut });
    },
    [controller],
  );

  return (
    <>
      <div className="cluster-view" ref={ref}>
        {members.length === 0 && <p className="empty-note">{joined ? 'Waiting for members to join the room…' : 'This tab is in no room: open a trace to replay it.'}</p>}
        <svg className={members.length > CARD_MAX_MEMBERS ? 'cluster-dense' : undefined} width={size.width} height={size.height} role="img" aria-label={`Cluster of ${members.length} nodes`}>
          <g className="links">
            {links.map((link) => (
              <LinkLine key={link.key} link={link} layout={layout} label={labels.get(link.key)} selected={link.key === selectedLink} onClick={clickLink} />
            ))}
          </g>
          <g className="nodes">
            {members.map((id) => {
              const node = layout.nodes.get(id);
              return node ? <NodeGlyph key={id} node={node} layout={layout} snapshot={snapshots[id] ?? null} colorOf={colorOf} isSelf={id === selfId} absence={absence(id)} selected={id === selectedNode} highlighted={focus.includes(id)} onSelect={selectNode} register={register} /> : null;
            })}
          </g>
        </svg>
        <canvas className="cluster-overlay cluster-packets" ref={packetCanvas} aria-hidden="true" />
        <canvas className="cluster-overlay cluster-nodes" ref={nodeCanvas} aria-hidden="true" />
      </div>
      {sampling > 1 && (
        <p className="sample-note" data-testid="packet-sampling">
          {members.length} nodes: showing the packets of 1 in {sampling} messages (each one's DATA, ACKs and commits)
        </p>
      )}
    </>
  );
}

interface LinkLineProps {
  link: LinkView;
  layout: ClusterLayout;
  /** Its label's place; a label that does not fit is shown on hover only. */
  label: LabelPlace | undefined;
  selected: boolean;
  onClick: (link: LinkView) => void;
}

const LinkLine = memo(function LinkLine({ link, layout, label, selected, onClick }: LinkLineProps) {
  const a = layout.nodes.get(link.a);
  const b = layout.nodes.get(link.b);
  const handle = handleOf(layout, link);
  if (!a || !b || !handle) return null;
  const description = describeLink(link);
  const onKey = (event: KeyboardEvent): void => {
    if (event.key === 'Enter' || event.key === ' ') onClick(link);
  };
  return (
    <g className={`link link-${link.state}${selected ? ' link-selected' : ''}`}>
      <line className="link-hit" x1={a.x} y1={a.y} x2={b.x} y2={b.y} onClick={() => onClick(link)} />
      <line className="link-line" x1={a.x} y1={a.y} x2={b.x} y2={b.y} />
      <g
        className="link-handle"
        data-testid={`link-${link.a}-${link.b}`}
        data-state={link.state}
        role="button"
        tabIndex={0}
        aria-label={description}
        transform={`translate(${handle.x},${handle.y})`}
        onClick={() => onClick(link)}
        onKeyDown={onKey}
      >
        <title>{description}</title>
        <circle r={9} />
        <text y={3.5}>{link.state === 'cut' ? '✕' : '✂'}</text>
      </g>
      {label && (
        <text className={label.fits ? 'link-label' : 'link-label link-label-hover'} x={label.x} y={label.y}>
          {label.text}
        </text>
      )}
    </g>
  );
});

function describeLink(link: LinkView): string {
  const rtt = link.rttMs !== null ? `, round trip ${formatRtt(link.rttMs)}` : '';
  const action = link.state === 'cut' ? 'Click to restore it.' : 'Click to cut it.';
  return `Link ${link.a}–${link.b}: ${link.state}${rtt}. ${action}`;
}

/** How the cluster is drawn (React's part); the snapshots come from each frame's scene. */
type ClusterLook = Omit<NodeScene, 'snapshots'>;

/** Draws the nodes when their figures or look changed. */
function drawNodes(canvas: HTMLCanvasElement, scene: NodeScene, nodes: NodePainter): void {
  if (!nodes.changed(scene)) return;
  const context = prepareCanvas(canvas, scene.layout.width, scene.layout.height);
  if (context) nodes.draw(context, scene);
}

/** Draws the packets when any are moving or were drawn last frame; returns whether packets are moving. */
function drawMoving(canvas: HTMLCanvasElement, scene: NodeScene, frame: AnimationFrame, packets: PacketPainter): boolean {
  const moving = placePackets(scene, frame, packets);
  if (!moving && !packets.drewSome) return false;
  const context = prepareCanvas(canvas, scene.layout.width, scene.layout.height);
  if (context) drawPackets(context, scene, packets);
  return moving;
}

/**
 * Keeps each node glyph's `data-serial` hook (its current outgoing serial) up to date without
 * React: each node's newest state in the history (live: not delayed by the animation; a trace's
 * nodes: at its end). Attributes are written only when they change, and at most every
 * SERIAL_MARK_EVERY_MS.
 */
class SerialMarks {
  private readonly written = new WeakMap<SVGGElement, number>();
  private lastMarkMs = -Infinity;

  constructor(private readonly glyphs: ReadonlyMap<MemberId, SVGGElement>) {}

  mark(history: RunHistory): void {
    const nowMs = performance.now();
    if (nowMs - this.lastMarkMs < SERIAL_MARK_EVERY_MS) return;
    this.lastMarkMs = nowMs;
    for (const [id, element] of this.glyphs) {
      const serial = history.track(id)?.latest()?.snapshot.seq ?? 0;
      if (this.written.get(element) === serial) continue;
      this.written.set(element, serial);
      element.setAttribute('data-serial', String(serial));
    }
  }
}

/** Why a drawn member has no live state: it left the room, a replayed trace did not record it, or it crashed in the sandbox (asked per node and per buffer slot at each drawing of the nodes). */
function useAbsence(): (id: MemberId) => string | null {
  const realTime = usePanel((view) => view.history.realTime);
  const roster = useStore((s) => s.roster);
  const rebuilt = usePanel((view) => view.history.rebuilt.join(' '));
  const crashed = useStore((s) => (s.mode === 'sandbox' ? (s.sandbox?.crashed.join(' ') ?? '') : null));
  return useMemo(() => {
    if (crashed !== null) {
      const down = new Set(crashed.split(' '));
      return (id: MemberId) => (down.has(id) ? 'crashed' : null);
    }
    if (!realTime) {
      const traced = new Set(rebuilt.split(' '));
      return (id: MemberId) => (traced.has(id) ? null : 'not traced');
    }
    if (!roster) return () => null;
    const present = new Set(roster.members.map((m) => m.id));
    return (id: MemberId) => (present.has(id) ? null : 'left');
  }, [realTime, roster, rebuilt, crashed]);
}

const NO_FOCUS: readonly MemberId[] = [];

/** The nodes the guided scenario's step showing names. */
function useScenarioFocus(): readonly MemberId[] {
  const shown = useStore((s) => s.scenario);
  return useMemo(() => (shown ? (scenarioById(shown.id)?.steps[shown.step]?.focus ?? NO_FOCUS) : NO_FOCUS), [shown]);
}

/** Where the links' labels go; a label whose place did not change keeps its object (its line is not re-rendered). */
function useLabelPlaces(layout: ClusterLayout, links: readonly LinkView[]): Map<string, LabelPlace> {
  const previous = useRef(new Map<string, LabelPlace>());
  return useMemo(() => {
    const next = placeLinkLabels(layout, links);
    for (const [key, place] of next) {
      const old = previous.current.get(key);
      if (old && sameLabelPlace(old, place)) next.set(key, old);
    }
    previous.current = next;
    return next;
  }, [layout, links]);
}

/** The links' views, at the panels' pace; a link whose view did not change keeps its object (its line is not re-rendered). */
function useLinks(members: readonly MemberId[]): LinkView[] {
  const mode = useStore((s) => s.mode);
  const selfId = useStore((s) => s.selfId);
  const roster = usePanel((view) => view.app.roster);
  const ownLinks = usePanel((view) => view.app.ownLinks);
  const rttMs = useOwnRtt();
  const telemetry = usePanel((view) => reportedSnapshots(view.scene.snapshots));
  const shapes = usePanel((view) => view.app.shapes);
  const partition = usePanel((view) => view.app.sandbox?.network.partition ?? null);
  const previous = useRef<LinkView[]>([]);
  return useMemo(() => {
    const before = new Map(previous.current.map((link) => [link.key, link]));
    const next = linkViews(members, { mode, selfId, roster, ownLinks, rttMs, telemetry, shapes, partition }).map((link) => {
      const old = before.get(link.key);
      return old && sameLinkView(old, link) ? old : link;
    });
    previous.current = next;
    return next;
  }, [members, mode, selfId, roster, ownLinks, rttMs, telemetry, shapes, partition]);
}

const reportedCache = new WeakMap<object, Record<MemberId, NodeSnapshot>>();

/** The members' snapshots at the scene, without the members that have none (whose round trips label links). */
function reportedSnapshots(snapshots: Readonly<Record<MemberId, NodeSnapshot | null>>): Record<MemberId, NodeSnapshot> {
  let reported = reportedCache.get(snapshots);
  if (!reported) {
    reported = {};
    for (const [id, snapshot] of Object.entries(snapshots)) if (snapshot) reported[id] = snapshot;
    reportedCache.set(snapshots, reported);
  }
  return reported;
}
