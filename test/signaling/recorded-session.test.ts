// Everything our nodes send to the signaling server in a real session, and everything it sends back,
// matches the published schemas (docs/schemas), by our validator and by ajv: a real server, real WebRTC
// (@roamhq/wrtc), a real run.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignalingServer } from '../../signaling-server/server';
import { nodePeerFactory, nodeWebSocket } from '../../src/net/node-transport';
import type { WebSocketFactory, WebSocketLike } from '../../src/net/signaling-client';
import { microsecondClock } from '../../src/runtime/clock';
import { Session } from '../../src/runtime/session';
import { checkSignalData, checkTelemetryData, descriptionProofText, describeSchemaError, fingerprintOf, SCHEMA_IDS, SCHEMAS, verifyText } from '../../src/signaling';
import { ajvAccepts } from '../support/ajv';
import { randomRoom } from '../support/cli-process';
import { PARAMS, results, startServer, waitFor, waitForMesh } from '../net/helpers';

interface Wire {
  sent: string[];
  received: string[];
}

/** The node's own WebSocket, with every text frame it sends and receives written down. */
function recordingWebSocket(wire: Wire): WebSocketFactory {
  return (url) => {
    const inner = nodeWebSocket(url);
    const outer: WebSocketLike = {
      get readyState() {
        return inner.readyState;
      },
      send(text) {
        wire.sent.push(text);
        inner.send(text);
      },
      close: (code, reason) => inner.close(code, reason),
      onopen: null,
      onclose: null,
      onerror: null,
      onmessage: null,
    };
    inner.onopen = (event) => outer.onopen?.(event);
    inner.onclose = (event) => outer.onclose?.(event);
    inner.onerror = (event) => outer.onerror?.(event);
    inner.onmessage = (event) => {
      wire.received.push(String(event.data));
      outer.onmessage?.(event);
    };
    return outer;
  };
}

function session(url: string, room: string, id: string, role: 'member' | 'observer', wire: Wire): Session {
  return new Session({ signalUrl: url, room, role, id, connect: recordingWebSocket(wire), createPeer: nodePeerFactory(), clock: microsecondClock() });
}

/** Why a message does not match a schema, or 'ok' when both our validator and ajv accept it. */
function verdict(schemaId: string, text: string): string {
  const value = JSON.parse(text);
  const error = SCHEMAS.validate(schemaId, value);
  if (error) return `${describeSchemaError('message', error)}: ${text.slice(0, 200)}`;
  return ajvAccepts(schemaId, value) ? 'ok' : `ajv refuses what our validator accepts: ${text.slice(0, 200)}`;
}

let server: SignalingServer;
let room = '';
const wires: Record<string, Wire> = { a: { sent: [], received: [] }, b: { sent: [], received: [] }, watcher: { sent: [], received: [] } };

beforeAll(async () => {
  server = await startServer();
  room = randomRoom();
  const watcher = session(server.url, room, 'watcher', 'observer', wires.watcher);
  const members = [session(server.url, room, 'a', 'member', wires.a), session(server.url, room, 'b', 'member', wires.b)];
  await waitForMesh(members);
  const [a] = members;
  a.shapeLink('b', 'a', { cut: false, lossPercent: 0, delayMs: 5 });
  await waitFor(() => wires.watcher.received.some((text) => JSON.parse(text).type === 'shape'), 5000, 'the shape');
  a.shapeLink('a', 'b', { cut: false, lossPercent: 0, delayMs: 0 });
  const done = results(members);
  a.requestStart({ ...PARAMS, sendForMs: 600, waitForMs: 800 });
  await done;
  const finished = (wire: Wire): boolean => wire.sent.some((text) => JSON.parse(text).type === 'finished');
  await waitFor(() => finished(wires.a) && finished(wires.b), 5000, 'finished from both members');
  for (const s of [...members, watcher]) s.close();
});

afterAll(async () => {
  await server.close();
});

describe('a recorded session', () => {
  it('our clients send only messages the client-message schema accepts, of every type a member uses', () => {
    const sent = Object.values(wires).flatMap((wire) => wire.sent);
    expect(sent.map((text) => verdict(SCHEMA_IDS.clientMessage, text)).filter((v) => v !== 'ok')).toEqual([]);
    const types = new Set(sent.map((text) => JSON.parse(text).type));
    expect([...types].sort()).toEqual(['accept', 'finished', 'join', 'peers', 'shape', 'signal', 'start', 'telemetry']);
  });

  it('signal data is {attempt, signal} as signal-data.json says, offers and answers signed by their sender\'s key', async () => {
    const signals = Object.values(wires).flatMap((wire) => wire.sent.map((text) => JSON.parse(text)).filter((m) => m.type === 'signal'));
    const checks = signals.map((m) => checkSignalData(m.data));
    expect(checks.filter((check) => !check.ok)).toEqual([]);
    expect(signals.filter((m) => !ajvAccepts(SCHEMA_IDS.signalData, m.data))).toEqual([]);
    const kinds = new Set(signals.map((m) => m.data.signal.type));
    expect([...kinds].sort()).toEqual(['answer', 'candidate', 'offer']);
    const offer = signals.find((m) => m.data.signal.type === 'offer')!;
    const answer = signals.find((m) => m.data.signal.type === 'answer')!;
    expect(offer.to).toBe('b'); // the lower id offers
    expect(answer.to).toBe('a');
    expect(answer.data.attempt).toBe(offer.data.attempt); // the answer echoes the attempt
    const text = descriptionProofText(room, 'a', 'b', offer.data.attempt, 'offer', offer.data.signal.sdp);
    expect(await verifyText(offer.data.key, offer.data.sig, text)).toBe(true); // exactly the bytes docs/SIGNALING.md names
    const joins = wires.a.sent.map((m) => JSON.parse(m)).filter((m) => m.type === 'join');
    expect(await fingerprintOf(offer.data.key)).toBe(await fingerprintOf(joins[0].key)); // the key that proved a's id
  });

  it('telemetry data is a snapshot of its sender, as telemetry-data.json says', () => {
    const telemetry = ['a', 'b'].flatMap((id) => wires[id].sent.map((text) => JSON.parse(text)).filter((m) => m.type === 'telemetry').map((m) => [id, m.data] as const));
    expect(telemetry.length).toBeGreaterThan(0);
    expect(telemetry.map(([id, data]) => checkTelemetryData(data, id)).filter((check) => !check.ok)).toEqual([]);
    expect(telemetry.filter(([, data]) => !ajvAccepts(SCHEMA_IDS.telemetryData, data))).toEqual([]);
  });

  it('the server sends only messages the server-message schema accepts', () => {
    const received = Object.values(wires).flatMap((wire) => wire.received);
    expect(received.map((text) => verdict(SCHEMA_IDS.serverMessage, text)).filter((v) => v !== 'ok')).toEqual([]);
    const types = new Set(received.map((text) => JSON.parse(text).type));
    expect([...types].sort()).toEqual(['hello', 'propose', 'roster', 'shape', 'signal', 'start', 'telemetry', 'welcome']);
  });
});
