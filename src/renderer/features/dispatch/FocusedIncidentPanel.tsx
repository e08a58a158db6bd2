import { useEffect, useState } from 'react';
import type { PlanSummary } from '../../../shared/plans/plan-views.js';
import { callHost } from '../../bridge/host.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model.js';
import { useStore } from '../../state/store.js';
import { useFocusedIncident } from '../focus/use-focused-incident.js';

/** The focused incident on the dispatch console, with the plans that fit it and one click to launch. */
export function FocusedIncidentPanel() {
  const t = useTranslation();
  const model = useAppModel();
  const language = useStore(model.settings, (settings) => settings.language);
  const incident = useFocusedIncident();
  const [plans, setPlans] = useState<{ incidentId: string; list: PlanSummary[] } | null>(null);

  useEffect(() => {
    if (!incident) return;
    let cancelled = false;
    callHost(model.host.bridge, 'plans.forIncident', { incidentId: incident.id }).then(
      (list) => !cancelled && setPlans({ incidentId: incident.id, list }),
      () => !cancelled && setPlans({ incidentId: incident.id, list: [] }),
    );
    return () => {
      cancelled = true;
    };
  }, [model, incident]);

  if (!incident) return null;
  const shown = plans?.incidentId === incident.id ? plans.list : null;
  const mode = incident.drillId ? 'drill' : 'live';
  return (
    <div className="panel focused-incident" data-testid="focused-incident" data-incident={incident.id}>
      <h2>
        {t('focus.title')}: {incident.title}
      </h2>
      <div className="muted">
        {incident.id} · {t(`incident.state.${incident.state}`)}
      </div>
      {shown?.length === 0 && <p className="muted">{t('plans.noMatch')}</p>}
      {shown?.map((plan) => (
        <button
          type="button"
          key={plan.id}
          className={mode === 'drill' ? 'launch drill' : 'launch'}
          data-testid={`focused-launch-${plan.id}`}
          onClick={() => {
            void model.launchPlan(plan.id, incident.id, mode);
          }}
        >
          {t(mode === 'drill' ? 'plans.drill' : 'plans.launch')}：{language === 'zh-CN' ? plan.title.zh : plan.title.en}
        </button>
      ))}
    </div>
  );
}
