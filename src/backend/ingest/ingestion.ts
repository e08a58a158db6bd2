import { LogThrottle } from '../../node/log-throttle.js';
import type { Logger } from '../../node/logger.js';
import type { Clock } from '../../shared/clock/index.js';
import { issuesOf, shortened } from '../../shared/contract/errors.js';
import { MAX_JSON_DEPTH, jsonTextShape } from '../../shared/contract/json-text-shape.js';
import type { LngLat } from '../../shared/domain/geo.js';
import {
  ingestTopics,
  matchIngestTopic,
  scopeRefusal,
  type CoordinateSystem,
  type IngestMessage,
  type IngestRejection,
  type IngestRejectionRecord,
  type IngestSourceStats,
} from '../../shared/ingest/index.js';
import type { AcceptedMessage, IngestOrigin, IngestTarget } from '../registry/ingest-target.js';
import { MinuteRate, TokenBucket, type RateLimit } from './token-bucket.js';
import { toWgs84 } from './to-wgs84.js';

/** Far above any message of the contract (a few hundred bytes), far below what would hurt to parse. */
export const MAX_INGEST_BYTES = 64 * 1024;
/** Generous: a platform relaying a district's vehicles sends thousands a second; a runaway device is still stopped. */
export const DEFAULT_SOURCE_RATE: RateLimit = { perSecond: 2000, burst: 10_000 };
/** A device's clock may run ahead of ours by this much (unsynchronised terminals); more is a wrong clock. */
const MAX_AHEAD_MS = 5 * 60_000;
/** Older than this is a replay of a backlog the registry no longer wants as current state. */
const MAX_AGE_MS = 24 * 3_600_000;
/** One log line per source and reason in this period; the others are counted in the next line and in the stats. */
const LOG_PERIOD_MS = 10_000;
/** How much of a refused message its dead letter carries: enough to see what was wrong, never a large body again. */
const DEAD_LETTER_PAYLOAD_CHARS = 2048;
const DEAD_LETTER_TOPIC_CHARS = 256;

/** The demo simulator's origin: it publishes through the same path as a device, marked simulated. */
export const SIMULATOR_ORIGIN: IngestOrigin = { source: 'simulator', simulated: true };
/**
 * The simulator relays the whole demo city as one source (1,500 vehicles a second, sensors and crews besides), like a
 * city platform relaying a district: it gets a platform's rate rather than one device system's.
 */
const SIMULATOR_RATE: RateLimit = { perSecond: 10_000, burst: 50_000 };
/**
 * A site's broker relays every device of the site as one source (`mqtt:<host>`): the issue's realistic city alone is
 * 10,000 vehicles a second and sensors besides, which a device system's rate would refuse four messages in five of.
 * Five times that city: a ceiling against a runaway far beyond any site, while limiting one device is the site
 * broker's job (this backend cannot tell its devices apart).
 */
export const SITE_BROKER_RATE: RateLimit = { perSecond: 50_000, burst: 250_000 };

/** A refused message as republished on `zhili/v1/dead-letter/<source>`. */
export interface DeadLetter {
  topic: string;
  reason: IngestRejection;
  detail: string;
  receivedAt: string;
  /** The message's text, cut to 2,048 characters. */
  payload: string;
}

/** Where dead letters go: the broker devices use (embedded or external). */
export type DeadLetterSink = (source: string, letter: DeadLetter) => void;

export type IngestOutcome = { accepted: true } | { accepted: false; reason: IngestRejection; detail: string };

export interface IngestionOptions {
  target: IngestTarget;
  clock: Clock;
  logger: Logger;
  /** Every source's rate but the simulator's (DEFAULT_SOURCE_RATE when absent). */
  rate?: RateLimit;
}

interface SourceState {
  accepted: number;
  rejected: Partial<Record<IngestRejection, number>>;
  lastMessageAt: string | null;
  lastRejection: IngestRejectionRecord | null;
  bucket: TokenBucket;
  received: MinuteRate;
}

class Refusal {
  constructor(
    readonly reason: IngestRejection,
    readonly detail: string,
  ) {}
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The one way into the system of record for what devices and the city's systems send, whichever way it arrives (MQTT,
 * HTTP, the in-process simulator): each message is checked (size, topic, JSON, schema, time, its source's rate), its
 * positions made WGS-84, and handed to the target. A refused message is never dropped silently: it is counted per
 * source and reason, logged (at most one line per source and reason every 10 s) and republished as a dead letter.
 */
export class Ingestion {
  private readonly sources = new Map<string, SourceState>();
  private readonly sinks = new Set<DeadLetterSink>();
  private readonly logThrottle = new LogThrottle(LOG_PERIOD_MS);
  private readonly rate: RateLimit;
  /** Sources with a rate of their own rather than a device system's. */
  private readonly ownRates = new Map<string, RateLimit>([[SIMULATOR_ORIGIN.source, SIMULATOR_RATE]]);

  constructor(private readonly options: IngestionOptions) {
    this.rate = options.rate ?? DEFAULT_SOURCE_RATE;
  }

  /** Checks a message and applies it; never throws, whatever the body. */
  receive(topic: string, body: Buffer | string, origin: IngestOrigin): IngestOutcome {
    const { state, nowMs, receivedAt } = this.arrival(origin);
    try {
      if (!state.bucket.take(nowMs)) throw new Refusal('rate-limited', `over ${state.bucket.limit.perSecond} messages a second (burst ${state.bucket.limit.burst})`);
      const message = this.parse(topic, body, receivedAt);
      const outOfScope = origin.scope ? scopeRefusal(origin.scope, message) : null;
      if (outOfScope !== null) throw new Refusal('not-permitted', outOfScope);
      const applied = this.options.target.apply(message, origin);
      if (applied === 'unknown-device') throw new Refusal('unknown-device', `no ${message.kind} device "${message.deviceId ?? ''}" is registered`);
      if (applied === 'superseded') throw new Refusal('superseded', `measured before what is already held of device "${message.deviceId ?? ''}"`);
      state.accepted += 1;
      return { accepted: true };
    } catch (error) {
      const refusal = error instanceof Refusal ? error : this.internalError(error, topic, origin);
      this.refuse(state, origin.source, topic, body, refusal, receivedAt, nowMs);
      return { accepted: false, reason: refusal.reason, detail: refusal.detail };
    }
  }

  /** Refuses a message whose body was not read (an HTTP body over the limit), counted and logged like any other. */
  refuseUnread(topic: string, origin: IngestOrigin, reason: IngestRejection, detail: string): IngestOutcome {
    const { state, nowMs, receivedAt } = this.arrival(origin);
    this.refuse(state, origin.source, topic, '', new Refusal(reason, detail), receivedAt, nowMs);
    return { accepted: false, reason, detail };
  }

  /** The simulator's entry: its message goes the same way as a device's, without a network in between. */
  receiveSimulated(topic: string, message: unknown): IngestOutcome {
    return this.receive(topic, JSON.stringify(message) ?? '', SIMULATOR_ORIGIN);
  }

  /** Holds `source` to `rate` rather than a device system's (a site's broker: all of the site's devices as one source). */
  rateSource(source: string, rate: RateLimit): void {
    this.ownRates.set(source, rate);
    const state = this.sources.get(source);
    if (state) state.bucket = new TokenBucket(rate, this.options.clock.monotonicMs());
  }

  /** Sends every later dead letter to `sink` too; returns how to stop. */
  addDeadLetterSink(sink: DeadLetterSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  /** Every source heard from since start, busiest first. */
  stats(): IngestSourceStats[] {
    const nowMs = this.options.clock.monotonicMs();
    return [...this.sources.entries()]
      .map(([source, state]) => ({
        source,
        accepted: state.accepted,
        rejected: { ...state.rejected },
        lastMessageAt: state.lastMessageAt,
        lastRejection: state.lastRejection,
        perSecond: state.received.perSecond(nowMs),
      }))
      .sort((a, b) => b.perSecond - a.perSecond || a.source.localeCompare(b.source));
  }

  private parse(topic: string, body: Buffer | string, receivedAt: Date): AcceptedMessage {
    const bytes = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length;
    if (bytes > MAX_INGEST_BYTES) throw new Refusal('too-large', `${bytes} bytes, at most ${MAX_INGEST_BYTES}`);
    const match = matchIngestTopic(topic);
    if (match === null) throw new Refusal('unknown-topic', 'not a topic of the ingestion contract (see docs/ingest/)');
    let text: string;
    try {
      text = typeof body === 'string' ? body : utf8.decode(body);
    } catch {
      throw new Refusal('not-json', 'the body is not UTF-8 text');
    }
    // Refused before parsing: what handles the value later recurses, and no message of the contract nests this deep.
    if (jsonTextShape(text).depth > MAX_JSON_DEPTH) throw new Refusal('schema', `nests deeper than ${MAX_JSON_DEPTH} levels`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new Refusal('not-json', shortened(error instanceof Error ? error.message : String(error)));
    }
    const parsed = ingestTopics[match.kind].schema.safeParse(json);
    if (!parsed.success) {
      throw new Refusal('schema', issuesOf(parsed.error).map((issue) => `${issue.path}: ${issue.message}`).join('; '));
    }
    const message = { kind: match.kind, deviceId: match.deviceId, payload: parsed.data } as IngestMessage;
    const measuredMs = Date.parse(message.payload.at);
    if (measuredMs > receivedAt.getTime() + MAX_AHEAD_MS) {
      throw new Refusal('from-the-future', `measured at ${message.payload.at}, more than 5 minutes after the backend's ${receivedAt.toISOString()}`);
    }
    if (measuredMs < receivedAt.getTime() - MAX_AGE_MS) {
      throw new Refusal('too-old', `measured at ${message.payload.at}, more than 24 hours before the backend's ${receivedAt.toISOString()}`);
    }
    return accepted(message);
  }

  private refuse(state: SourceState, source: string, topic: string, body: Buffer | string, refusal: Refusal, receivedAt: Date, nowMs: number): void {
    const at = receivedAt.toISOString();
    const shownTopic = shortened(topic, DEAD_LETTER_TOPIC_CHARS);
    state.rejected[refusal.reason] = (state.rejected[refusal.reason] ?? 0) + 1;
    state.lastRejection = { reason: refusal.reason, topic: shownTopic, detail: refusal.detail, at };
    const line = this.logThrottle.take(`${source}\n${refusal.reason}`, nowMs);
    const due = line.due;
    if (line.due) {
      this.options.logger.warn('refused an ingested message', {
        source,
        topic: shownTopic,
        reason: refusal.reason,
        detail: refusal.detail,
        suppressedSinceLastLine: line.suppressed,
      });
    }
    // A source over its rate would have every excess message republished, doubling the load it is refused for: its
    // dead letters follow the log's pace, the rest are counted.
    if (refusal.reason === 'rate-limited' && !due) return;
    const text = typeof body === 'string' ? body : body.subarray(0, DEAD_LETTER_PAYLOAD_CHARS * 4).toString('utf8');
    const letter: DeadLetter = { topic: shownTopic, reason: refusal.reason, detail: refusal.detail, receivedAt: at, payload: shortened(text, DEAD_LETTER_PAYLOAD_CHARS) };
    for (const sink of this.sinks) {
      try {
        sink(source, letter);
      } catch (error) {
        this.options.logger.warn('could not publish a dead letter', { source, error });
      }
    }
  }

  /** The target (or this code) failed on a message: a programming error, logged in full, and the message refused. */
  private internalError(error: unknown, topic: string, origin: IngestOrigin): Refusal {
    this.options.logger.error('programming error while ingesting a message', { source: origin.source, topic: shortened(topic), error });
    return new Refusal('internal', 'the backend failed on this message; it has been logged');
  }

  /** A message from `origin` arrived now, whatever becomes of it: its source counts it and notes when. */
  private arrival(origin: IngestOrigin): { state: SourceState; nowMs: number; receivedAt: Date } {
    const nowMs = this.options.clock.monotonicMs();
    const receivedAt = this.options.clock.now();
    const state = this.source(origin.source, nowMs);
    state.received.count(nowMs);
    state.lastMessageAt = receivedAt.toISOString();
    return { state, nowMs, receivedAt };
  }

  private source(name: string, nowMs: number): SourceState {
    let state = this.sources.get(name);
    if (state === undefined) {
      state = {
        accepted: 0,
        rejected: {},
        lastMessageAt: null,
        lastRejection: null,
        bucket: new TokenBucket(this.ownRates.get(name) ?? this.rate, nowMs),
        received: new MinuteRate(nowMs),
      };
      this.sources.set(name, state);
    }
    return state;
  }
}

/** The message with every position converted to WGS-84 and the coordinate system dropped. */
function accepted(message: IngestMessage): AcceptedMessage {
  const wgs84 = (position: readonly [number, number], crs: CoordinateSystem): LngLat => {
    const converted = toWgs84(position, crs);
    if (converted === null) throw new Refusal('schema', `position: [${position.join(', ')}] in ${crs} is not a place in WGS-84`);
    return converted;
  };
  switch (message.kind) {
    case 'vehiclePosition':
    case 'incidentReport': {
      const { crs, position, ...rest } = message.payload;
      return { ...message, payload: { ...rest, position: wgs84(position, crs) } } as AcceptedMessage;
    }
    case 'crewStatus': {
      const { crs, position, ...rest } = message.payload;
      return { ...message, payload: { ...rest, position: position === null ? null : wgs84(position, crs) } } as AcceptedMessage;
    }
    default:
      return message as AcceptedMessage;
  }
}
