import type { DrillInjection, Incident } from '../../../shared/domain/feed.js';
import type { RunView } from '../../../shared/plans/plan-views.js';
import type { Logger } from '../../../node/logger.js';
import type { Clock } from '../clock/index.js';

const RETRY_MS = 5000;

export interface DrillScriptPorts {
  view(runId: string): RunView;
  staged(runId: string): Set<number>;
  record(runId: string, index: number, incidentId: string): void;
  stage(injection: DrillInjection): Promise<Incident>;
}

/**
 * Plays a plan's drill script while a drill run of it is active: each scripted event is staged at the backend when
 * its time comes and then recorded in the run. The injection key makes a retry after a crash stage nothing twice,
 * and the recorded events tell a restarted console which items are still to come.
 */
export class DrillScriptPlayer {
  private readonly timers = new Map<string, unknown>();

  constructor(
    private readonly ports: DrillScriptPorts,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Called with every change of a run (and for every active drill run at start). */
  follow(view: RunView): void {
    const { state, plan } = view;
    const script = plan.drill?.script ?? [];
    if (state.mode !== 'drill' || state.drillId === null || script.length === 0) return;
    if (state.status !== 'active') {
      this.cancel(state.runId);
      return;
    }
    const staged = this.ports.staged(state.runId);
    script.forEach((item, index) => {
      const key = `${state.runId}#${index}`;
      if (staged.has(index) || this.timers.has(key)) return;
      const due = Date.parse(state.startedAt) + item.afterSeconds * 1000;
      this.arm(key, Math.max(0, due - this.clock.now().getTime()), () =>
        this.stage(state.runId, state.drillId as string, index, item.inject),
      );
    });
  }

  dispose(): void {
    for (const handle of this.timers.values()) this.clock.clearTimeout(handle);
    this.timers.clear();
  }

  private async stage(runId: string, drillId: string, index: number, inject: { sensorKind: string; riskGrade?: DrillInjection['riskGrade'] }): Promise<void> {
    const key = `${runId}#${index}`;
    try {
      if (this.ports.view(runId).state.status !== 'active') return;
      const incident = await this.ports.stage({ drillId, sensorKind: inject.sensorKind, ...(inject.riskGrade ? { riskGrade: inject.riskGrade } : {}), key });
      this.ports.record(runId, index, incident.id);
      this.logger.info('drill script event staged', { runId, index, incidentId: incident.id });
    } catch (error) {
      // The backend may be away: try again; the key keeps a late success from staging the event twice.
      this.logger.warn('drill script event not staged yet', { runId, index, error });
      this.arm(key, RETRY_MS, () => this.stage(runId, drillId, index, inject));
    }
  }

  private arm(key: string, ms: number, action: () => Promise<void>): void {
    this.timers.set(
      key,
      this.clock.setTimeout(() => {
        this.timers.delete(key);
        void action();
      }, ms),
    );
  }

  private cancel(runId: string): void {
    for (const [key, handle] of this.timers) {
      if (key.startsWith(`${runId}#`)) {
        this.clock.clearTimeout(handle);
        this.timers.delete(key);
      }
    }
  }
}
