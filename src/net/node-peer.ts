// One WebRTC connection of a headless node on @roamhq/wrtc: the part of simple-peer the mesh uses
// (trickle offer/answer, ICE states), without simple-peer's own channel and state polling.
//
// Why not simple-peer here: every wrtc getter (signalingState, remoteDescription, ...) and getStats
// is a blocking call into wrtc's signaling thread, and simple-peer reads them in every handler and
// polls getStats until it sees a candidate pair. Forming a 32-node mesh, those calls took a third
// of each node's JavaScript thread (BENCHMARKS.md, "Mesh formation"). Here a connection reads one
// state per ICE state change and nothing else; what it needs to know it keeps itself.

import { EventEmitter } from 'node:events';
import type { MeshPeer, MeshPeerOptions, MeshSignal } from './mesh';

/** The wrtc module's constructor (typed as the DOM's). */
export type PeerConnectionConstructor = new (config: RTCConfiguration & { portRange?: { min: number; max: number } }) => RTCPeerConnection;

export interface NodePeerOptions extends MeshPeerOptions {
  /** Bind this connection's sockets to these ports (wrtc's `portRange`), or let the system pick. */
  ports?: { min: number; max: number };
}

/**
 * Events, as simple-peer names them: 'signal' (an offer, answer or candidate to relay), 'connect'
 * (ICE connected, once), 'iceStateChange' (the ICE connection state), 'error', 'close'.
 */
export class NodePeer extends EventEmitter implements MeshPeer {
  readonly _pc: RTCPeerConnection;
  private readonly initiator: boolean;
  /** Remote candidates that came before the remote description (wrtc refuses them until then). */
  private pendingCandidates: RTCIceCandidateInit[] | null = [];
  /** Signals are applied one after the other: a candidate must not overtake its description. */
  private applying: Promise<void> = Promise.resolve();
  private connected = false;
  private destroyed = false;

  constructor(PeerConnection: PeerConnectionConstructor, options: NodePeerOptions) {
    super();
    this.initiator = options.initiator;
    const pc = new PeerConnection({ ...options.config, ...(options.ports ? { portRange: options.ports } : {}) });
    this._pc = pc;
    pc.onicecandidate = (event) => this.onLocalCandidate(event.candidate);
    pc.oniceconnectionstatechange = () => this.onIceState(pc.iceConnectionState);
    // The mesh creates its frame channel right after this: the offer must include it.
    if (this.initiator) setImmediate(() => this.run(() => this.offer()));
  }

  /** A signal from the other side: its offer, answer or a candidate. */
  signal(signal: MeshSignal): void {
    if (this.destroyed) return;
    if (signal.type === 'candidate') this.run(() => this.addCandidate(signal.candidate));
    else if (signal.type === 'offer' && !this.initiator) this.run(() => this.answer(signal.sdp));
    else if (signal.type === 'answer' && this.initiator) this.run(() => this.accept(signal.sdp));
    else throw new Error(`a ${signal.type} does not fit this side of the connection (${this.initiator ? 'the offerer' : 'the answerer'})`);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    const pc = this._pc;
    pc.onicecandidate = null;
    pc.oniceconnectionstatechange = null;
    pc.close();
    this.emit('close');
  }

  private run(step: () => Promise<void>): void {
    this.applying = this.applying.then(async () => {
      if (this.destroyed) return;
      try {
        await step();
      } catch (error) {
        if (!this.destroyed) this.emit('error', error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  private async offer(): Promise<void> {
    const offer = await this._pc.createOffer();
    await this._pc.setLocalDescription(offer);
    this.send({ type: 'offer', sdp: offer.sdp ?? '' });
  }

  private async answer(sdp: string): Promise<void> {
    await this.setRemote({ type: 'offer', sdp });
    const answer = await this._pc.createAnswer();
    await this._pc.setLocalDescription(answer);
    this.send({ type: 'answer', sdp: answer.sdp ?? '' });
  }

  private async accept(sdp: string): Promise<void> {
    await this.setRemote({ type: 'answer', sdp });
  }

  private async setRemote(description: RTCSessionDescriptionInit): Promise<void> {
    if (this.pendingCandidates === null) throw new Error(`a second ${description.type}`);
    await this._pc.setRemoteDescription(description);
    const pending = this.pendingCandidates;
    this.pendingCandidates = null;
    for (const candidate of pending) await this._pc.addIceCandidate(candidate);
  }

  private async addCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    if (this.pendingCandidates) this.pendingCandidates.push(candidate);
    else await this._pc.addIceCandidate(candidate);
  }

  private onLocalCandidate(candidate: RTCIceCandidate | null): void {
    if (!candidate || this.destroyed) return; // null: gathering is complete
    this.send({ type: 'candidate', candidate: { candidate: candidate.candidate, sdpMLineIndex: candidate.sdpMLineIndex, sdpMid: candidate.sdpMid } });
  }

  private onIceState(state: RTCIceConnectionState): void {
    if (this.destroyed) return;
    this.emit('iceStateChange', state);
    if ((state === 'connected' || state === 'completed') && !this.connected) {
      this.connected = true;
      this.emit('connect');
    }
    if (state === 'closed') this.destroy();
  }

  private send(signal: MeshSignal): void {
    if (!this.destroyed) this.emit('signal', signal);
  }
}
