import { useEffect, useState } from 'react';
import type { Crew } from '../../../shared/domain/directory.js';
import { callHost } from '../../bridge/host.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model.js';
import { useStore } from '../../state/store.js';
import { beijingTime } from '../../ui/time-format.js';
import { effectiveBackendState } from '../connection/connection-state.js';
import { FocusedIncidentPanel } from './FocusedIncidentPanel.js';


/** The dispatcher's directory of crews and the live incident list; calling them arrives with the dispatch feature. */
export function DispatchView() {
  const t = useTranslation();
  const model = useAppModel();
  const backend = useStore(model.connection, effectiveBackendState);
  const incidents = useStore(model.incidents, (list) => list);
  const language = useStore(model.settings, (settings) => settings.language);
  const [text, setText] = useState('');
  const [onDutyOnly, setOnDutyOnly] = useState(true);
  const [crews, setCrews] = useState<Crew[] | null>(null);

  useEffect(() => {
    if (backend !== 'connected') return;
    let cancelled = false;
    const timer = setTimeout(() => {
      callHost(model.host.bridge, 'directory.crews', { text, onDutyOnly, limit: 200 }).then(
        (list) => !cancelled && setCrews(list),
        () => !cancelled && setCrews(null),
      );
    }, 150);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [model, backend, text, onDutyOnly]);

  // A list fetched before the backend went away is stale; show the outage instead.
  const shownCrews = backend === 'connected' ? crews : null;

  return (
    <section className="dispatch-view" aria-label={t('role.dispatch')}>
      <FocusedIncidentPanel />
      <div className="panel directory">
        <h2>{t('dispatch.directory')}</h2>
        <div className="directory-filters">
          <input
            type="search"
            value={text}
            placeholder={t('dispatch.search')}
            aria-label={t('dispatch.search')}
            onChange={(event) => setText(event.target.value)}
          />
          <label>
            <input type="checkbox" checked={onDutyOnly} onChange={(event) => setOnDutyOnly(event.target.checked)} />
            {t('dispatch.onDutyOnly')}
          </label>
        </div>
        {shownCrews === null ? (
          <p className="muted">{t('dispatch.unavailable')}</p>
        ) : shownCrews.length === 0 ? (
          <p className="muted">{t('dispatch.empty')}</p>
        ) : (
          <ul className="crew-list" data-testid="crew-list">
            {shownCrews.map((crew) => (
              <li key={crew.id} className={`crew status-${crew.status}`}>
                <span className="crew-name">{crew.name}</span>
                <span className="crew-meta">
                  {language === 'zh-CN' ? crew.specialityLabel.zh : crew.specialityLabel.en} · {crew.leader} · {crew.sipExtension}
                </span>
                <span className="crew-status">{t(`dispatch.status.${crew.status}`)}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="panel incidents">
        <h2>{t('dispatch.incidents')}</h2>
        {incidents.length === 0 ? (
          <p className="muted">{t('dispatch.noIncidents')}</p>
        ) : (
          <ul className="incident-list">
            {incidents.slice(0, 100).map((incident) => (
              <li key={incident.id} className={`incident severity-${incident.severity} state-${incident.state}`}>
                <span className={`grade-chip grade-${incident.riskGrade ?? 'none'}`} />
                <span className="incident-title">{incident.title}</span>
                <span className="incident-meta">
                  {incident.id} · {beijingTime(incident.reportedAt)}
                </span>
                <span className="incident-state">{t(`incident.state.${incident.state}`)}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
