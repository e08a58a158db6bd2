import { useState } from 'react';
import type { PlanStep } from '../../../shared/plans/plan-schema.js';
import type { RunState } from '../../../shared/plans/run-model.js';
import { callHost } from '../../bridge/host.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';

type CamerasStep = Extract<PlanStep, { type: 'open-cameras' }>;

/**
 * A plan's "cameras near this incident" step, done with one click: the run's incident goes into focus on every window,
 * so the video wall shows the cameras nearest it (nearest first), and the step is completed with the cameras within
 * the step's radius, for the audit trail.
 */
export function CamerasStepAction({ step, state }: { step: CamerasStep; state: RunState }) {
  const t = useTranslation();
  const model = useAppModel();
  const [problem, setProblem] = useState<string | null>(null);
  const incident = state.incident;

  const open = async () => {
    setProblem(null);
    if (!incident) return setProblem(t('cameras.step.noIncident'));
    try {
      const cameras = await callHost(model.host.bridge, 'cameras.near', { position: incident.position, count: step.count, radiusM: step.radiusM });
      await callHost(model.host.bridge, 'shared.focusIncident', { incidentId: incident.id });
      const note = cameras.length === 0 ? t('cameras.step.none') : cameras.map((camera) => `${camera.name} (${camera.code}, ${camera.distanceM} m)`).join('、');
      await model.commandRun(state.runId, { type: 'complete', stepId: step.id, note: `${t('cameras.step.done')}: ${note}`.slice(0, 2000) });
    } catch (error) {
      setProblem((error as Error).message);
    }
  };

  return (
    <div className="cameras-step" data-testid={`cameras-step-${step.id}`}>
      <button type="button" className="primary" data-testid={`open-cameras-${step.id}`} onClick={() => void open()}>
        {t('cameras.step.open')}
      </button>
      {problem && (
        <p className="manual-note" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
