// The cluster view (SVG): members on a circle, links with their state and round-trip time, frames
// in flight and commits (drawn by the animation loop), node glyphs from the states at the playhead.

import { memo, useCallback, useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import type { MemberId } from '../../core';
import { HEALTHY_LINK } from '../../net/link-shaper';
import { useColors, useMembers, useSelfId } from '../hooks';
import { formatRtt } from '../format';
import { useController } from '../services';
import { useStore } from '../store';
import { useSize } from '../use-size';
import type { NodeSnapshot } from '../../runtime/snapshot';
import { layoutCluster, type ClusterLayout } from './layout';
import { linkViews, type LinkView } from './links';
import { NodeGlyph } from './NodeGlyph';
import { drawPackets, type PacketScene } from './packets';

/** Handles sit this far along a link from its smaller end, so crossing diagonals never share one. */
const HANDLE_AT = 0.42;

export function ClusterView({ joined }: { joined: boolean }) {
  const controller = useController();
  const members = useMembers();
  const colorOf = useColors();
  const selfId = useSelfId();
  const snapshots = useStore((s) => s.view.snapshots);
  const serialOf = useSerials(snapshots);
  const selectedNode = useStore((s) => s.selectedNode ?? s.selfId);
  const selectedLink = useStore((s) => s.selectedLink);
  const links = useLinks(members);
  const absence = useAbsence();
  const { ref, size } = useSize<HTMLDivElement>({ width: 640, height: 520 });
  const layout = useMemo(() => layoutCluster(members, size.width, size.height), [members, size.width, size.height]);
  const overlay = useRef<HTMLCanvasElement>(null);
  const scene = useRef<PacketScene>({ layout, colorOf, dirty: true });
  scene.current = { ...scene.current, layout, colorOf };

  useEffect(() => {
    scene.current.dirty = true;
    controller.animator.wake();
  }, [controller, layout, colorOf]);
  useEffect(() => controller.animator.addLayer((frame) => (overlay.current ? drawPackets(overlay.current, scene.current, frame) : false)), [controller]);

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
            return node ? <NodeGlyph key={id} node={node} layout={layout} snapshot={snapshots[id] ?? null} serial={serialOf(id)} colorOf={colorOf} isSelf={id === selfId} absence={absence(id)} selected={id === selectedNode} onSelect={selectNode} /> : null;
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

/**
 * Each node's current outgoing serial for the `data-serial` attribute: this node's own and, in a
 * replay, everyone's at the playhead; live, the others' latest telemetry.
 */
function useSerials(snapshots: Record<MemberId, NodeSnapshot | null>): (id: MemberId) => number {
  const mode = useStore((s) => s.mode);
  const selfId = useStore((s) => s.selfId);
  const telemetry = useStore((s) => s.telemetry);
  return (id) => {
    if (mode === 'replay' || id === selfId) return snapshots[id]?.seq ?? 0;
    return telemetry[id]?.seq ?? 0;
  };
}

/** Why a drawn member has no live state: it left the room, or a replayed trace did not record it. */
function useAbsence(): (id: MemberId) => string | null {
  const mode = useStore((s) => s.mode);
  const roster = useStore((s) => s.roster);
  const recorded = useStore((s) => s.replay?.recorded);
  return useMemo(() => {
    if (mode === 'replay') return (id: MemberId) => (recorded?.includes(id) ? null : 'not traced');
    if (!roster) return () => null;
    const present = new Set(roster.members.map((m) => m.id));
    return (id: MemberId) => (present.has(id) ? null : 'left');
  }, [mode, roster, recorded]);
}

function useLinks(members: readonly MemberId[]): LinkView[] {
  const mode = useStore((s) => s.mode);
  const selfId = useStore((s) => s.selfId);
  const roster = useStore((s) => s.roster);
  const ownLinks = useStore((s) => s.ownLinks);
  const rttMs = useStore((s) => s.rttMs);
  const telemetry = useStore((s) => s.telemetry);
  const shapes = useStore((s) => s.shapes);
  return useMemo(
    () => linkViews(members, { mode, selfId, roster, ownLinks, rttMs, telemetry, shapes }),
    [members, mode, selfId, roster, ownLinks, rttMs, telemetry, shapes],
  );
}
