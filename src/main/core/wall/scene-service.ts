import { ApiFailure, apiError } from '../../../shared/contract/errors.js';
import type { LngLat } from '../../../shared/domain/geo.js';
import {
  EMERGENCY_SCENE_ID,
  NORMAL_DUTY_SCENE_ID,
  builtinScenes,
  emergencySceneFor,
  type ActiveScene,
  type Scene,
  type SceneCause,
  type SceneEntry,
  type SceneRun,
} from '../../../shared/wall/scenes.js';
import type { Logger } from '../../../node/logger.js';
import { SYSTEM_ACTOR } from '../core-context.js';
import type { SceneRepository, StoredActiveScene } from './scene-repository.js';

/** A plan run that holds (or may take over) the emergency scene, with where its incident is. */
export interface EmergencyRun {
  run: SceneRun;
  position: LngLat | null;
}

/** Who applies a scene automatically: recorded like an operator's name, so the wall can say why it changed. */

/**
 * The wall's scene. An operator applies a scene from any window; a plan run started on this console (live or drill)
 * puts up the emergency scene aimed at its incident, and its end puts back the scene that stood before. The rule for
 * overlapping runs: the newest active run holds the emergency scene; when it ends, the next newest still active takes
 * it, and only when none is left does the wall return. An operator who applies another scene meanwhile has decided:
 * the run's end no longer changes the wall.
 */
export class SceneService {
  private current: StoredActiveScene;

  constructor(
    private readonly repository: SceneRepository,
    private readonly now: () => Date,
    private readonly changed: (active: ActiveScene) => void,
    private readonly logger: Logger,
  ) {
    const seeded = repository.seedBuiltins(builtinScenes, now().toISOString());
    if (seeded > 0) logger.info('built-in scenes seeded', { count: seeded });
    const stored = repository.active();
    if (stored) {
      this.current = stored;
    } else {
      this.current = {
        active: { scene: this.definition(NORMAL_DUTY_SCENE_ID), appliedBy: SYSTEM_ACTOR, appliedAt: now().toISOString(), cause: 'start-up', run: null },
        revertTo: null,
      };
      repository.setActive(this.current);
    }
  }

  active(): ActiveScene {
    return this.current.active;
  }

  list(): SceneEntry[] {
    return this.repository.list();
  }

  apply(sceneId: string, by: string): ActiveScene {
    if (sceneId === EMERGENCY_SCENE_ID) {
      throw new ApiFailure(apiError('conflict', 'The emergency scene is put up by a plan run (live or drill) and taken down when it ends; start a run instead.'));
    }
    const entry = this.repository.get(sceneId);
    if (!entry) throw new ApiFailure(apiError('not-found', `No scene "${sceneId}".`));
    this.set({ active: { scene: entry.scene, appliedBy: by, appliedAt: this.at(), cause: 'operator', run: null }, revertTo: null });
    return this.current.active;
  }

  /** Stores a scene; when it is the one on the wall now (and no run holds the wall), the wall shows the new version. */
  save(scene: Scene, by: string): SceneEntry {
    const entry = this.repository.save(scene, by, this.at());
    this.logger.info('scene saved', { sceneId: scene.id, by });
    const { active } = this.current;
    if (active.run === null && active.scene.id === scene.id) this.set({ active: { ...active, scene: entry.scene, appliedBy: by, appliedAt: this.at(), cause: 'operator' }, revertTo: null });
    return entry;
  }

  runStarted(run: EmergencyRun, by: string): void {
    const revertTo = this.current.active.run ? this.current.revertTo : this.current.active.scene.id;
    this.set({ active: this.emergency(run, by, 'run-started'), revertTo });
  }

  /** `stillActive`: this console's other active runs, oldest first. */
  runEnded(runId: string, stillActive: readonly EmergencyRun[], by: string): void {
    if (this.current.active.run?.runId !== runId) return;
    const next = stillActive.filter((candidate) => candidate.run.runId !== runId).at(-1);
    if (next) {
      this.set({ active: this.emergency(next, by, 'run-handover'), revertTo: this.current.revertTo });
      return;
    }
    const back = this.current.revertTo ?? NORMAL_DUTY_SCENE_ID;
    this.set({ active: { scene: this.definition(back), appliedBy: by, appliedAt: this.at(), cause: 'run-ended', run: null }, revertTo: null });
  }

  /** After a restart: a run that ended while the host was down (or whose end was not seen) gives the wall back. */
  reconcile(stillActive: readonly EmergencyRun[]): void {
    const holder = this.current.active.run;
    if (holder && !stillActive.some((candidate) => candidate.run.runId === holder.runId)) this.runEnded(holder.runId, stillActive, SYSTEM_ACTOR);
  }

  private emergency({ run, position }: EmergencyRun, by: string, cause: SceneCause): ActiveScene {
    return { scene: emergencySceneFor(this.definition(EMERGENCY_SCENE_ID), position), appliedBy: by, appliedAt: this.at(), cause, run };
  }

  /** A stored scene, else the shipped built-in of that id (a stored copy may have become unreadable), else normal duty. */
  private definition(sceneId: string): Scene {
    const stored = this.repository.get(sceneId)?.scene;
    if (stored) return stored;
    const builtin = builtinScenes.find((scene) => scene.id === sceneId) ?? builtinScenes.find((scene) => scene.id === NORMAL_DUTY_SCENE_ID);
    return builtin as Scene;
  }

  private set(next: StoredActiveScene): void {
    this.repository.setActive(next);
    this.current = next;
    this.logger.info('scene applied', { sceneId: next.active.scene.id, by: next.active.appliedBy, runId: next.active.run?.runId ?? null, revertTo: next.revertTo });
    this.changed(next.active);
  }

  private at(): string {
    return this.now().toISOString();
  }
}
