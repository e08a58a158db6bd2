import { useState } from 'react';
import { MAX_CALL_PARTIES, partyOfCrew, type ResolvedTarget } from '../../../shared/dispatch/call-request.js';
import type { PlanStep } from '../../../shared/plans/plan-schema.js';
import type { RunState } from '../../../shared/plans/run-model.js';
import { callHost } from '../../bridge/host.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { errorText } from '../dispatch/index.js';

type CallStep = Extract<PlanStep, { type: 'call' }>;

/**
 * A plan's call step, done with one click: its target (one crew, a group, the nearest N on duty) is resolved against
 * the live directory, the window holding the dispatcher seat rings them (several: one group call), and the step is
 * completed with who was called and who was left out, for the audit trail. A drill rings its roster only.
 */
export function CallStepAction({ step, state }: { step: CallStep; state: RunState }) {
  const t = useTranslation();
  const model = useAppModel();
  const [resolved, setResolved] = useState<ResolvedTarget | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const drill = state.mode === 'drill';

  const callNow = async () => {
    setProblem(null);
    try {
      const target = await callHost(model.host.bridge, 'dispatch.resolveTarget', { target: step.to, incidentId: state.incident?.id ?? null, drill });
      setResolved(target);
      if (target.unsupported !== null) return setProblem(target.unsupported);
      if (target.crews.length === 0) return setProblem(t('dispatch.empty'));
      // A group call rings at most MAX_CALL_PARTIES crews; the note names exactly those.
      const rung = target.crews.slice(0, MAX_CALL_PARTIES);
      const failed = await model.intents.run('crew.call', {
        parties: rung.map(partyOfCrew),
        media: step.media,
        priority: drill ? 'normal' : 'urgent',
        incidentId: state.incident?.id ?? null,
        runId: state.runId,
        drill,
      });
      // Why it failed is one of this window's notices (see OperatorIntents.run).
      if (failed !== null) return;
      const called = rung.map((crew) => `${crew.name} (${crew.sipExtension})`).join('、');
      const left = target.left.map((entry) => `${entry.name}: ${t(`call.reason.${entry.reason}`)}`).join('、');
      await model.commandRun(state.runId, { type: 'complete', stepId: step.id, note: `${t('call.planStep')}: ${called}${left ? `; ${t('call.planStepLeft')}: ${left}` : ''}`.slice(0, 2000) });
    } catch (error) {
      setProblem(errorText(t, error));
    }
  };

  return (
    <div className="call-step" data-testid={`call-step-${step.id}`}>
      <button type="button" className="primary" data-testid={`call-${step.id}`} onClick={() => void callNow()}>
        {t('call.planStep')}
        {drill ? ` (${t('call.drill')})` : ''}
      </button>
      {resolved && resolved.left.length > 0 && (
        <div className="muted">
          {t('call.planStepLeft')}: {resolved.left.map((entry) => `${entry.name} (${t(`call.reason.${entry.reason}`)})`).join('、')}
        </div>
      )}
      {problem && (
        <p className="manual-note" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
