import { useTranslation } from '../../i18n/use-translation.js';
import { IncidentPlanLaunchers } from '../focus/index.js';
import { useFocusedIncident } from '../focus/index.js';

/** The focused incident on the dispatch console, with the plans that fit it and one click to launch. */
export function FocusedIncidentPanel() {
  const t = useTranslation();
  const incident = useFocusedIncident();
  if (!incident) return null;
  return (
    <div className="panel focused-incident" data-testid="focused-incident" data-incident={incident.id}>
      <h2>
        {t('focus.title')}: {incident.title}
      </h2>
      <div className="muted">
        {incident.id} · {t(`incident.state.${incident.state}`)}
      </div>
      <IncidentPlanLaunchers incident={incident} testIdPrefix="focused-launch" />
    </div>
  );
}
