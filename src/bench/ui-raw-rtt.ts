// The browser's raw data-channel round trip: two pages, one RTCPeerConnection each, ping-pong in page JavaScript.

import type { Browser, Page } from '@playwright/test';
import { mean, percentile, round } from '../sim/stats';

export interface BrowserRtt {
  /** Each page in its own browser context; nothing else runs in the browser meanwhile. */
  pages: 2;
  payloadBytes: 32;
  roundTrips: number;
  seconds: number;
  roundTripsPerSec: number;
  meanMs: number;
  p95Ms: number;
}

// Page code is passed as strings: functions compiled by tsx carry helpers the page does not have.

const GATHERED = `(pc) => pc.iceGatheringState === 'complete' ? Promise.resolve() :
  new Promise((resolve) => pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve(); }))`;

/** In the pinger: makes the offer, with every ICE candidate in it (no trickling). */
const OFFER = `(async () => {
  const pc = new RTCPeerConnection();
  const channel = pc.createDataChannel('raw-rtt', { ordered: true });
  window.__rawRtt = { pc, channel, open: new Promise((resolve) => (channel.onopen = resolve)) };
  await pc.setLocalDescription(await pc.createOffer());
  await (${GATHERED})(pc);
  return JSON.stringify(pc.localDescription);
})()`;

/** In the echoer: answers the offer and echoes every message on the channel it is given. */
const answer = (offer: string): string => `(async () => {
  const pc = new RTCPeerConnection();
  window.__rawRtt = { pc };
  pc.ondatachannel = ({ channel }) => { channel.onmessage = ({ data }) => channel.send(data); };
  await pc.setRemoteDescription(${offer});
  await pc.setLocalDescription(await pc.createAnswer());
  await (${GATHERED})(pc);
  return JSON.stringify(pc.localDescription);
})()`;

/** In the pinger: 32 bytes out, wait for the echo, again, for the given seconds; every round timed. */
const pingPong = (answerSdp: string, seconds: number): string => `(async () => {
  const { pc, channel, open } = window.__rawRtt;
  await pc.setRemoteDescription(${answerSdp});
  await open;
  const payload = new Uint8Array(32);
  return await new Promise((resolve) => {
    const durations = [];
    const start = performance.now();
    let sent = start;
    channel.onmessage = () => {
      const now = performance.now();
      durations.push(now - sent);
      if (now - start >= ${seconds * 1000}) return resolve({ durations, seconds: (now - start) / 1000 });
      sent = now;
      channel.send(payload);
    };
    channel.send(payload);
  });
})()`;

/** Measures the raw round trip between two fresh pages of the browser, each in its own context. */
export async function measureBrowserRtt(browser: Browser, seconds: number): Promise<BrowserRtt> {
  const pages: Page[] = [];
  try {
    for (let i = 0; i < 2; i += 1) pages.push(await (await browser.newContext()).newPage());
    const [pinger, echoer] = pages;
    const offer = (await pinger.evaluate(OFFER)) as string;
    const answerSdp = (await echoer.evaluate(answer(offer))) as string;
    const run = (await pinger.evaluate(pingPong(answerSdp, seconds))) as { durations: number[]; seconds: number };
    return rttFigures(run.durations, run.seconds);
  } finally {
    for (const page of pages) await page.context().close();
  }
}

export function rttFigures(durations: readonly number[], seconds: number): BrowserRtt {
  if (durations.length === 0) throw new Error('the raw data channel carried no round trip');
  return {
    pages: 2,
    payloadBytes: 32,
    roundTrips: durations.length,
    seconds: round(seconds, 2),
    roundTripsPerSec: round(durations.length / seconds, 0),
    meanMs: round(mean(durations), 3),
    p95Ms: round(percentile(durations, 95) as number, 3),
  };
}
