import { useEffect, useState } from 'react';
import type { Incident } from '../../../shared/domain/feed.js';
import type { PlanSummary } from '../../../shared/plans/plan-views.js';
import { callHost } from '../../bridge/host.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { useStore } from '../../state/store.js';

/** The plans that fit an incident, each launched with one click (as a drill for a drill incident). */
export function IncidentPlanLaunchers({ incident, testIdPrefix }: { incident: Incident; testIdPrefix: string }) {
  const t = useTranslation();
  const model = useAppModel();
  const language = useStore(model.settings, (settings) => settings.language);
  const [plans, setPlans] = useState<{ incidentId: string; list: PlanSummary[] } | null>(null);

  useEffect(() => {
    let cancelled = false;
    callHost(model.host.bridge, 'plans.forIncident', { incidentId: incident.id }).then(
      (list) => !cancelled && setPlans({ incidentId: incident.id, list }),
      () => !cancelled && setPlans({ incidentId: incident.id, list: [] }),
    );
    return () => {
      cancelled = true;
    };
  }, [model, incident.id]);

  const shown = plans?.incidentId === incident.id ? plans.list : null;
  const mode = incident.drillId ? 'drill' : 'live';
  return (
    <>
      {shown?.length === 0 && <p className="muted">{t('plans.noMatch')}</p>}
      {shown?.map((plan) => (
        <button
          type="button"
          key={plan.id}
          className={mode === 'drill' ? 'launch drill' : 'launch'}
          data-testid={`${testIdPrefix}-${plan.id}`}
          onClick={() => {
            void model.intents.run('plan.launch', { planId: plan.id, incidentId: incident.id, mode });
          }}
        >
          {t(mode === 'drill' ? 'plans.drill' : 'plans.launch')}：{language === 'zh-CN' ? plan.title.zh : plan.title.en}
        </button>
      ))}
    </>
  );
}
