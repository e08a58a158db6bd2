import {
  MAX_SYNC_RECORD_BYTES,
  SyncRecordSchema,
  expectedKey,
  planVersionKey,
  recordBytes,
  type LoggedRecord,
  type PushResult,
  type SyncConflict,
  type SyncRecord,
  type SyncPage,
  type SyncRefusal,
} from '../../shared/sync/sync-records.js';
import type { Logger } from '../../node/logger.js';
import { sql, type Transaction } from 'kysely';
import type { BackendStore } from './backend-store.js';
import type { BackendTables } from './backend-tables.js';

type Writer = Transaction<BackendTables>;

/**
 * The backend's copy of what consoles share: one append-only log in arrival order. A key is stored once; the same
 * record again is acknowledged as stored, a different body under a stored key is a conflict (the first stays).
 * Nothing enters the log that a console could not apply: a run needs its plan version, a run event its run, the next
 * number, an unfinished run and the console that drives it. What fails a check is refused with its reason, and the
 * records behind it in the same push are still stored.
 */
export class SyncStore {
  constructor(
    private readonly store: BackendStore,
    private readonly logger: Logger,
  ) {}

  /**
   * Stores what is new from console `pusher`, in one transaction, each record checked against what is stored
   * before it (earlier records of the same push included); resolves to the outcome for the sender and the newly logged
   * records. `records` are unchecked input: each is parsed here.
   *
   * Pushes are written one at a time and each numbers its records after the highest logged: on SQLite the one
   * connection runs one transaction at a time; on PostgreSQL, where consoles push over several connections at once,
   * the push takes the log's write lock first. So the log is numbered 1, 2, 3 … without gaps or doubles, and pushes
   * commit in the order of their numbers, so a pull never sees a record while one numbered before it is still to come
   * (it would move the puller's cursor past it for good).
   */
  async push(records: readonly unknown[], pusher: string, now = new Date()): Promise<PushResult & { logged: LoggedRecord[] }> {
    const stored: string[] = [];
    const conflicts: SyncConflict[] = [];
    const refused: SyncRefusal[] = [];
    const logged: LoggedRecord[] = [];
    await this.store.db.transaction().execute(async (trx) => {
      // Reads may go on meanwhile (pulls); only other writers of the log wait.
      if (this.store.engine === 'postgres') await sql`LOCK TABLE sync_log IN EXCLUSIVE MODE`.execute(trx);
      const highest = await trx.selectFrom('sync_log').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
      let next = Number(highest?.seq ?? 0) + 1;
      for (const raw of records) {
        const bytes = recordBytes(raw);
        if (bytes > MAX_SYNC_RECORD_BYTES) {
          refused.push({ key: keyOf(raw), reason: 'too-large', detail: `${bytes} bytes, at most ${MAX_SYNC_RECORD_BYTES}` });
          continue;
        }
        const parsed = SyncRecordSchema.safeParse(raw);
        if (!parsed.success) {
          refused.push({ key: keyOf(raw), reason: 'invalid-record', detail: parsed.error.issues[0]?.message.slice(0, 200) ?? 'not a sync record' });
          continue;
        }
        const record = parsed.data;
        const refusal = this.refusalOf(record, pusher);
        if (refusal !== null) {
          refused.push({ key: record.key, ...refusal });
          continue;
        }
        const body = JSON.stringify(record);
        const existing = await byKey(trx, record.key);
        if (existing) {
          if (sameContent(JSON.parse(existing.body_json) as SyncRecord, record)) {
            stored.push(record.key);
          } else {
            const conflict = { key: record.key, keptFrom: existing.origin_console, refusedFrom: record.origin, at: now.toISOString() };
            await trx
              .insertInto('sync_conflicts')
              .values({ key: record.key, kept_from: conflict.keptFrom, refused_from: conflict.refusedFrom, refused_body_json: body, at: conflict.at })
              .execute();
            conflicts.push(conflict);
            this.logger.warn('sync conflict', conflict);
          }
          continue;
        }
        const reference = await this.referenceRefusal(trx, record, pusher);
        if (reference !== null) {
          refused.push({ key: record.key, ...reference });
          continue;
        }
        const seq = next++;
        await trx.insertInto('sync_log').values({ seq, key: record.key, kind: record.kind, origin_console: record.origin, body_json: body, received_at: now.toISOString() }).execute();
        await this.track(trx, record);
        logged.push({ seq, record });
        stored.push(record.key);
      }
    });
    for (const refusal of refused) this.logger.warn('refused a sync record', { pusher, ...refusal });
    return { stored, conflicts, refused, logged };
  }

  /**
   * Everything logged after `after`, oldest first. A row this version cannot read (written by another version) is
   * left out and logged, so it cannot stop a console's catch-up for good.
   */
  async pull(after: number, limit: number): Promise<SyncPage> {
    const rows = await this.store.db.selectFrom('sync_log').select(['seq', 'body_json']).where('seq', '>', after).orderBy('seq').limit(limit).execute();
    const records = rows.flatMap((row) => {
      const record = SyncRecordSchema.safeParse(parseJson(row.body_json));
      if (record.success) return [{ seq: row.seq, record: record.data }];
      this.logger.warn('left an unreadable sync log row out of a pull', { seq: row.seq });
      return [];
    });
    return { records, through: rows.at(-1)?.seq ?? after, more: rows.length === limit };
  }

  /** Checks that need no stored state: who may push it, and its key. */
  private refusalOf(record: SyncRecord, pusher: string): Omit<SyncRefusal, 'key'> | null {
    // A console speaks only for itself.
    if (record.origin !== pusher) return { reason: 'not-own-record', detail: `pushed by ${pusher.slice(0, 40)}, made by ${record.origin.slice(0, 40)}` };
    if (record.key !== expectedKey(record)) return { reason: 'bad-key', detail: `expected ${expectedKey(record).slice(0, 200)}` };
    return null;
  }

  /** Checks against what is stored: what a record refers to exists, and a run event is its run driver's next one. */
  private async referenceRefusal(trx: Writer, record: SyncRecord, pusher: string): Promise<Omit<SyncRefusal, 'key'> | null> {
    switch (record.kind) {
      case 'plan-version':
        return null;
      case 'run': {
        const planKey = planVersionKey(record.body.planId, record.body.planVersion);
        return (await byKey(trx, planKey)) ? null : { reason: 'unknown-plan-version', detail: planKey };
      }
      case 'run-event': {
        const { runId, seq, event } = record.body;
        const run = await runOf(trx, runId);
        if (!run) return { reason: 'unknown-run', detail: runId };
        if (run.finished) return { reason: 'run-finished', detail: runId };
        if (event.type === 'run-handed-over') {
          const valid = event.from === run.owner_console && event.to === pusher && pusher !== run.owner_console;
          if (!valid) return { reason: 'bad-handover', detail: `the run is driven by ${run.owner_console.slice(0, 40)}` };
        } else if (run.owner_console !== pusher) {
          return { reason: 'not-run-owner', detail: `the run is driven by ${run.owner_console.slice(0, 40)}` };
        }
        if (seq !== run.last_event_seq + 1) return { reason: 'event-out-of-order', detail: `event ${seq}, the run's next is ${run.last_event_seq + 1}` };
        return null;
      }
    }
  }

  private async track(trx: Writer, record: SyncRecord): Promise<void> {
    if (record.kind === 'run') {
      await trx.insertInto('sync_runs').values({ run_id: record.body.runId, owner_console: record.origin, last_event_seq: 0, finished: 0 }).execute();
    } else if (record.kind === 'run-event') {
      const { runId, seq, event } = record.body;
      // referenceRefusal found the run in this transaction.
      const run = (await runOf(trx, runId)) as { owner_console: string };
      const owner = event.type === 'run-handed-over' ? event.to : run.owner_console;
      await trx
        .updateTable('sync_runs')
        .set({ owner_console: owner, last_event_seq: seq, finished: event.type === 'run-finished' ? 1 : 0 })
        .where('run_id', '=', runId)
        .execute();
    }
  }
}

function byKey(trx: Writer, key: string) {
  return trx.selectFrom('sync_log').select(['origin_console', 'body_json']).where('key', '=', key).executeTakeFirst();
}

function runOf(trx: Writer, runId: string) {
  return trx.selectFrom('sync_runs').select(['owner_console', 'last_event_seq', 'finished']).where('run_id', '=', runId).executeTakeFirst();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The key of a record that failed its schema, when it has a readable one (so the sender can set it aside). */
function keyOf(raw: unknown): string {
  const key = typeof raw === 'object' && raw !== null ? (raw as { key?: unknown }).key : undefined;
  return typeof key === 'string' ? key.slice(0, 300) : '';
}

/**
 * Whether a resent or parallel record carries what is already stored. Plan versions compare by the hash of their
 * source (two consoles loading the same file agree); everything else by its body, whoever sent it.
 */
function sameContent(stored: SyncRecord, incoming: SyncRecord): boolean {
  if (stored.kind === 'plan-version' && incoming.kind === 'plan-version') return stored.body.sha256 === incoming.body.sha256;
  return stored.kind === incoming.kind && JSON.stringify(stored.body) === JSON.stringify(incoming.body);
}
