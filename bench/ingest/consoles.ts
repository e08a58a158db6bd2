/**
 * The ingestion bench's 20 consoles, as socket.io-client connections in a process of their own: their decoding stays
 * out of the measured process's event loop (where it would delay ingestion and flushes as real consoles, on other
 * machines, never do), though on this machine it still takes CPU beside it. They time what they receive against the
 * publication time each message carries (stamps.ts) and answer the bench's `snapshot` with percentiles.
 *
 * Modes: `zhili`, the backend's consoles (credentialed handshake, `feed:tick`); `relay-message`, a bare relay's
 * consoles receiving every raw message as it is relayed (`raw`); `relay-tick`, the same relay batching raw messages
 * into one emit per tick (`raw-batch`).
 */
import { io, type Socket } from 'socket.io-client';
import { BACKEND_PROTOCOL_VERSION } from '../../src/shared/backend/protocol.js';
import type { FeedTick } from '../../src/shared/domain/feed.js';
import { LatencyHistogram, publishedFromLongitude, publishedFromRawText, publishedFromValue } from './stamps.js';

export type ConsolesMode = 'zhili' | 'relay-message' | 'relay-tick';
export type ConsolesCommand =
  | { type: 'connect'; url: string; mode: ConsolesMode; consoles: { consoleId: string; credential: string | null }[] }
  | { type: 'snapshot'; id: number; reset: boolean }
  | { type: 'close' };

export interface Percentiles {
  count: number;
  p50: number;
  p99: number;
}
export type ConsolesReply =
  | { type: 'connected' }
  | {
      type: 'snapshot';
      id: number;
      /** Publication to receipt, every message seen by every console. */
      e2e: Percentiles;
      /** Publication to receipt at the first console to receive each tick or batch. */
      firstConsole: Percentiles;
      /** The flush's start (the tick's `at`) to receipt, once per tick and console (zhili only). */
      delivery: Percentiles;
      /** Receipt less the first flush after publication: what is added beyond the tick's batching (zhili only). */
      beyondTick: Percentiles;
      /** Messages seen by one console (positions that changed, alarms, raw messages), and ticks or batches. */
      messages: number;
      /** Of those, how many came in a later tick than the first flush after their publication (zhili only). */
      missedTick: number;
      ticks: number;
    };

const histograms = { e2e: new LatencyHistogram(), firstConsole: new LatencyHistogram(), delivery: new LatencyHistogram(), beyondTick: new LatencyHistogram() };
let messages = 0;
let missedTick = 0;
let ticks = 0;
const sockets: Socket[] = [];

/** What one tick or batch carried, worked out once at the first console to receive it and reused by the others. */
interface Observed {
  published: number[];
  /** For each message, the first flush at or after its publication (zhili only). */
  firstFlush: number[];
  flushAt: number;
  consolesLeft: number;
}
const observedBySeq = new Map<number, Observed>();
/** Flush times of recent ticks, oldest first. */
const flushTimes: number[] = [];
let previousLongitudes: Float64Array | null = null;

function firstFlushAfter(publishedMs: number): number {
  let index = flushTimes.length - 1;
  while (index > 0 && (flushTimes[index - 1] as number) >= publishedMs) index -= 1;
  return flushTimes[index] as number;
}

function observeTick(tick: FeedTick, receivedMs: number, consoleCount: number): Observed {
  const flushAt = Date.parse(tick.at);
  flushTimes.push(flushAt);
  if (flushTimes.length > 120) flushTimes.shift();
  const published: number[] = [];
  const positions = tick.vehiclePositions;
  // The first tick seen is the registry's state before this run: a baseline, not news.
  const baseline = previousLongitudes === null;
  if (previousLongitudes === null) previousLongitudes = new Float64Array(positions.length / 2);
  for (let index = 0; index * 2 < positions.length; index += 1) {
    const lng = positions[index * 2] as number;
    if (lng === previousLongitudes[index]) continue;
    previousLongitudes[index] = lng;
    if (!baseline) published.push(publishedFromLongitude(lng, receivedMs));
  }
  for (const change of tick.sensorChanges) {
    const at = publishedFromValue(change.value, receivedMs);
    if (at !== null) published.push(at);
  }
  return { published, firstFlush: published.map(firstFlushAfter), flushAt, consolesLeft: consoleCount };
}

function received(seq: number, receivedMs: number, observe: () => Observed): void {
  let observed = observedBySeq.get(seq);
  const first = observed === undefined;
  if (observed === undefined) {
    observed = observe();
    observedBySeq.set(seq, observed);
    messages += observed.published.length;
    for (const flush of observed.firstFlush) if (flush < observed.flushAt) missedTick += 1;
    ticks += 1;
  }
  for (let index = 0; index < observed.published.length; index += 1) {
    const latency = receivedMs - (observed.published[index] as number);
    histograms.e2e.add(latency);
    if (first) histograms.firstConsole.add(latency);
    if (observed.firstFlush.length > 0) histograms.beyondTick.add(receivedMs - (observed.firstFlush[index] as number));
  }
  if (observed.flushAt > 0) histograms.delivery.add(receivedMs - observed.flushAt);
  observed.consolesLeft -= 1;
  if (observed.consolesLeft === 0) observedBySeq.delete(seq);
  // A console that left mid-run would keep its ticks here forever: only the last few are kept.
  if (observedBySeq.size > 10) observedBySeq.delete(observedBySeq.keys().next().value as number);
}

function connect(command: Extract<ConsolesCommand, { type: 'connect' }>): Promise<void> {
  const count = command.consoles.length;
  return Promise.all(
    command.consoles.map(({ consoleId, credential }) => {
      const socket = io(command.url, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        ...(command.mode === 'zhili' ? { auth: { protocol: BACKEND_PROTOCOL_VERSION, consoleId, appVersion: 'bench', credential } } : {}),
      });
      sockets.push(socket);
      if (command.mode === 'zhili') {
        socket.on('feed:tick', (tick: FeedTick) => {
          const now = Date.now();
          received(tick.seq, now, () => observeTick(tick, now, count));
        });
      } else if (command.mode === 'relay-tick') {
        socket.on('raw-batch', (seq: number, batch: [string, string][]) => {
          const now = Date.now();
          received(seq, now, () => {
            const published: number[] = [];
            for (const [, text] of batch) {
              const at = publishedFromRawText(text);
              if (at !== null) published.push(at);
            }
            return { published, firstFlush: [], flushAt: 0, consolesLeft: count };
          });
        });
      } else {
        const first = sockets.length === 1;
        socket.on('raw', (_topic: string, text: string) => {
          const at = publishedFromRawText(text);
          if (at === null) return;
          const latency = Date.now() - at;
          histograms.e2e.add(latency);
          if (first) {
            histograms.firstConsole.add(latency);
            messages += 1;
          }
        });
      }
      return new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (error) => reject(error));
      });
    }),
  ).then(() => undefined);
}

const percentiles = (histogram: LatencyHistogram): Percentiles => ({ count: histogram.count, p50: histogram.percentile(0.5), p99: histogram.percentile(0.99) });

process.on('message', (command: ConsolesCommand) => {
  if (command.type === 'connect') {
    connect(command).then(
      () => process.send?.({ type: 'connected' } satisfies ConsolesReply),
      (error: unknown) => {
        console.error('consoles: could not connect', error);
        process.exit(1);
      },
    );
  } else if (command.type === 'snapshot') {
    process.send?.({
      type: 'snapshot',
      id: command.id,
      e2e: percentiles(histograms.e2e),
      firstConsole: percentiles(histograms.firstConsole),
      delivery: percentiles(histograms.delivery),
      beyondTick: percentiles(histograms.beyondTick),
      messages,
      missedTick,
      ticks,
    } satisfies ConsolesReply);
    if (command.reset) {
      for (const histogram of Object.values(histograms)) histogram.reset();
      messages = 0;
      missedTick = 0;
      ticks = 0;
    }
  } else {
    for (const socket of sockets) socket.close();
    process.exit(0);
  }
});
