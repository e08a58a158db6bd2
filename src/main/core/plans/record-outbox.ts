import type { SyncRecord } from '../../../shared/sync/sync-records.js';

/**
 * What plans and runs need of the sync feature's outbox: each change adds its record inside the change's own
 * transaction, and says so once that transaction has committed. A port rather than an import, so that the sync
 * feature can store other consoles' plans and runs through this feature's repositories.
 */
export interface RecordOutbox {
  add(record: SyncRecord): void;
  notifyAdded(): void;
  /** Marks records the backend already stored (a hand-over is stored before it takes effect here). */
  settled(outcome: 'stored', keys: readonly string[]): void;
}
