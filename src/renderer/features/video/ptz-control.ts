import { PTZ_MOVE_RENEW_MS, type PtzCommand, type PtzPosition } from '../../../shared/media/ptz.js';
import type { HostBridge } from '../../../shared/contract/api.js';
import { callHost } from '../../bridge/host.js';

export type PtzMove = Extract<PtzCommand, { kind: 'move' }>;
export type PtzVelocity = Omit<PtzMove, 'kind'>;
export interface PtzControlState {
  /** The move held now (null: still). */
  moving: PtzMove | null;
  /** Where the camera says it looks, after the last command it answered (null: it does not say). */
  position: PtzPosition | null;
  /** Why the last command failed (null: it did not). */
  problem: string | null;
}

/**
 * One tile's PTZ control: a held button is a move, sent again every PTZ_MOVE_RENEW_MS so the backend's lease does
 * not end it, and a stop when it is let go; disposing (the tile closes, the camera changes) stops a move in progress.
 * One command is out at a time and at most one waits, the newest (a stop replaces a waiting renewal), so a slow
 * camera never builds a backlog that turns it on after the operator has let go, and a stop never overtakes its move.
 */
export class PtzControl {
  private renew: ReturnType<typeof setInterval> | null = null;
  private inFlight = false;
  private waiting: { command: PtzCommand; generation: number } | null = null;
  /** Counts the operator's actions (a new move, a stop, home): the answer to an older one does not undo a newer one. */
  private generation = 0;
  private state: PtzControlState = { moving: null, position: null, problem: null };
  private disposed = false;

  constructor(
    private readonly bridge: HostBridge,
    private readonly cameraId: string,
    private readonly onChange: (state: PtzControlState) => void,
  ) {}

  move(velocity: PtzVelocity): void {
    const command: PtzMove = { kind: 'move', ...velocity };
    if (this.disposed || isMoving(this.state.moving, velocity)) return;
    this.clearRenew();
    this.generation++;
    this.set({ moving: command });
    this.send(command);
    this.renew = setInterval(() => this.send(command), PTZ_MOVE_RENEW_MS);
  }

  stop(): void {
    if (this.state.moving === null) return;
    this.clearRenew();
    this.generation++;
    this.set({ moving: null });
    this.send({ kind: 'stop' });
  }

  home(): void {
    this.clearRenew();
    this.generation++;
    this.set({ moving: null });
    this.send({ kind: 'home' });
  }

  dispose(): void {
    if (this.disposed) return;
    const wasMoving = this.state.moving !== null;
    this.disposed = true;
    this.clearRenew();
    if (wasMoving) this.send({ kind: 'stop' });
  }

  private clearRenew(): void {
    if (this.renew !== null) clearInterval(this.renew);
    this.renew = null;
  }

  private send(command: PtzCommand): void {
    const entry = { command, generation: this.generation };
    if (this.inFlight) this.waiting = entry;
    else void this.dispatch(entry);
  }

  private async dispatch(entry: { command: PtzCommand; generation: number }): Promise<void> {
    this.inFlight = true;
    try {
      const result = await callHost(this.bridge, 'cameras.ptz', { cameraId: this.cameraId, command: entry.command });
      this.set({ position: result.position ?? this.state.position, ...(entry.generation === this.generation ? { problem: null } : {}) });
    } catch (error) {
      // A move that cannot be sent is not held: the operator sees why and presses again.
      if (entry.generation === this.generation) {
        this.clearRenew();
        this.set({ moving: null, problem: (error as Error).message });
      }
    } finally {
      this.inFlight = false;
      const next = this.waiting;
      this.waiting = null;
      if (next) void this.dispatch(next);
    }
  }

  private set(patch: Partial<PtzControlState>): void {
    this.state = { ...this.state, ...patch };
    if (!this.disposed) this.onChange(this.state);
  }
}

/** Whether the move held now (null: none) is at `velocity`. */
export function isMoving(moving: PtzMove | null, velocity: PtzVelocity): boolean {
  return moving !== null && moving.pan === velocity.pan && moving.tilt === velocity.tilt && moving.zoom === velocity.zoom;
}
