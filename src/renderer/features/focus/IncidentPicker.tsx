import { useMemo } from 'react';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { useStore } from '../../state/store.js';
import { beijingTime } from '../../ui/time-format.js';
import './focus.css';

/** Open incidents; choosing one focuses it on every window (the wall follows). */
export function IncidentPicker() {
  const t = useTranslation();
  const model = useAppModel();
  const all = useStore(model.incidents, (list) => list);
  const focusedId = useStore(model.shared, (shared) => shared.focusedIncidentId);
  const open = useMemo(() => all.filter((incident) => incident.state !== 'closed').slice(0, 12), [all]);
  return (
    <div className="incident-picker" data-testid="incident-picker">
      <h3>{t('focus.incidents')}</h3>
      {open.length === 0 && <p className="muted">{t('dispatch.noIncidents')}</p>}
      <ul>
        {open.map((incident) => (
          <li key={incident.id}>
            <button
              type="button"
              className={incident.id === focusedId ? 'focused' : ''}
              aria-pressed={incident.id === focusedId}
              data-incident={incident.id}
              onClick={() => void model.intents.run('incident.focus', { incidentId: incident.id === focusedId ? null : incident.id })}
            >
              <span className={`grade-chip grade-${incident.riskGrade ?? 'none'}`} /> {incident.title}
              <span className="muted"> · {beijingTime(incident.reportedAt)}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
