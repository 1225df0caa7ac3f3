// The cluster view: members on a circle, links with their state and round-trip time (SVG, the
// click targets), and one canvas above it drawn by the animation loop from the scene at the
// playhead: the nodes' changing state (node-layer.ts) and the frames in flight and commits
// (packets.ts), redrawn when either changed. React re-renders this view only when what it shows
// changes, at the panels' pace.

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
import { layoutCluster, type ClusterLayout } from './layout';
import { linkViews, sameLinkView, type LinkView } from './links';
import { NodeGlyph } from './NodeGlyph';
import { NodePainter, type NodeScene } from './node-layer';
import { drawPackets, PacketPainter, placePackets } from './packets';
import { prepareCanvas } from '../canvas';

/** Handles sit this far along a link from its smaller end, so crossing diagonals never share one. */
const HANDLE_AT = 0.42;
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
  const absence = useAbsence();
  const { ref, size } = useSize<HTMLDivElement>({ width: 640, height: 520 });
  const layout = useMemo(() => layoutCluster(members, size.width, size.height), [members, size.width, size.height]);
  const overlay = useRef<HTMLCanvasElement>(null);
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
      return overlay.current ? drawCluster(overlay.current, scene, frame, nodes, packets) : false;
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
      if (useStore.getState().mode !== 'live') return;
      const shape = link.shape ?? HEALTHY_LINK;
      controller.live?.shapeLink(link.a, link.b, { ...shape, cut: !shape.cut });
    },
    [controller],
  );

  return (
    <div className="cluster-view" ref={ref}>
      {members.length === 0 && <p className="empty-note">{joined ? 'Waiting for members to join the room…' : 'This tab is in no room: open a trace to replay it.'}</p>}
      <svg width={size.width} height={size.height} role="img" aria-label={`Cluster of ${members.length} nodes`}>
        <g className="links">
          {links.map((link) => (
            <LinkLine key={link.key} link={link} layout={layout} selected={link.key === selectedLink} onClick={clickLink} />
          ))}
        </g>
        <g className="nodes">
          {members.map((id) => {
            const node = layout.nodes.get(id);
            return node ? <NodeGlyph key={id} node={node} layout={layout} snapshot={snapshots[id] ?? null} colorOf={colorOf} isSelf={id === selfId} absence={absence(id)} selected={id === selectedNode} onSelect={selectNode} register={register} /> : null;
          })}
        </g>
      </svg>
      <canvas className="cluster-overlay" ref={overlay} aria-hidden="true" />
    </div>
  );
}

const LinkLine = memo(function LinkLine({ link, layout, selected, onClick }: { link: LinkView; layout: ClusterLayout; selected: boolean; onClick: (link: LinkView) => void }) {
  const a = layout.nodes.get(link.a);
  const b = layout.nodes.get(link.b);
  if (!a || !b) return null;
  const handle = { x: a.x + (b.x - a.x) * HANDLE_AT, y: a.y + (b.y - a.y) * HANDLE_AT };
  const length = Math.hypot(b.x - a.x, b.y - a.y) || 1;
  const normal = { x: -(b.y - a.y) / length, y: (b.x - a.x) / length };
  const label = linkLabel(link);
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
        <text className="link-label" x={handle.x + normal.x * labelOffset(label, normal)} y={handle.y + normal.y * labelOffset(label, normal) + 3}>
          {label}
        </text>
      )}
    </g>
  );
});

/** How far from the handle a label sits so it clears it: further when the text runs across the normal. */
function labelOffset(label: string, normal: { x: number; y: number }): number {
  const halfWidth = label.length * 3.4;
  return 16 + Math.abs(normal.x) * halfWidth;
}

function linkLabel(link: LinkView): string {
  const parts: string[] = [];
  if (link.state === 'cut') parts.push('cut');
  else if (link.rttMs !== null) parts.push(formatRtt(link.rttMs));
  if (link.shape && !link.shape.cut && link.shape.lossPercent > 0) parts.push(`${link.shape.lossPercent}% loss`);
  if (link.shape && !link.shape.cut && link.shape.delayMs > 0) parts.push(`+${link.shape.delayMs} ms`);
  return parts.join(' · ');
}

function describeLink(link: LinkView): string {
  const rtt = link.rttMs !== null ? `, round trip ${formatRtt(link.rttMs)}` : '';
  const action = link.state === 'cut' ? 'Click to restore it.' : 'Click to cut it.';
  return `Link ${link.a}–${link.b}: ${link.state}${rtt}. ${action}`;
}

/** How the cluster is drawn (React's part); the snapshots come from each frame's scene. */
type ClusterLook = Omit<NodeScene, 'snapshots'>;

/** Draws the nodes and the packets when either changed; returns whether packets are moving. */
function drawCluster(canvas: HTMLCanvasElement, scene: NodeScene, frame: AnimationFrame, nodes: NodePainter, packets: PacketPainter): boolean {
  const moving = placePackets(scene, frame, packets);
  if (!moving && !packets.drewSome && !nodes.changed(scene)) return false;
  const context = prepareCanvas(canvas, scene.layout.width, scene.layout.height);
  if (!context) return moving;
  nodes.draw(context, scene);
  drawPackets(context, scene, packets);
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

/** Why a drawn member has no live state: it left the room, or a replayed trace did not record it. */
function useAbsence(): (id: MemberId) => string | null {
  const realTime = usePanel((view) => view.history.realTime);
  const roster = useStore((s) => s.roster);
  const rebuilt = usePanel((view) => view.history.rebuilt.join(' '));
  return useMemo(() => {
    if (!realTime) return (id: MemberId) => (rebuilt.split(' ').includes(id) ? null : 'not traced');
    if (!roster) return () => null;
    const present = new Set(roster.members.map((m) => m.id));
    return (id: MemberId) => (present.has(id) ? null : 'left');
  }, [realTime, roster, rebuilt]);
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
  const previous = useRef<LinkView[]>([]);
  return useMemo(() => {
    const before = new Map(previous.current.map((link) => [link.key, link]));
    const next = linkViews(members, { mode, selfId, roster, ownLinks, rttMs, telemetry, shapes }).map((link) => {
      const old = before.get(link.key);
      return old && sameLinkView(old, link) ? old : link;
    });
    previous.current = next;
    return next;
  }, [members, mode, selfId, roster, ownLinks, rttMs, telemetry, shapes]);
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
