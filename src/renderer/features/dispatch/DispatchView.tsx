import { useEffect, useState } from 'react';
import { z } from 'zod';
import type { Crew } from '../../../shared/domain/directory.js';
import { DispatchPanelSchema, dispatchPanels, type DispatchPanel } from '../../../shared/wall/scenes.js';
import { callHost } from '../../bridge/host.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { useStore } from '../../state/store.js';
import { beijingTime } from '../../ui/time-format.js';
import { effectiveBackendState } from '../connection/index.js';
import { FocusedIncidentPanel } from './FocusedIncidentPanel.js';
import { RunConsole } from '../plans/index.js';
import { useActiveScene } from '../wall/index.js';
import { useWindowState } from '../wall/index.js';
import { choiceNow } from '../wall/index.js';
import type { PlainMessageKey } from '../../i18n/catalogue.js';
import type { CrewGroup } from '../../../shared/city/schemas.js';
import { partyOfCrew, type CallParty } from '../../../shared/dispatch/call-request.js';
import { CallConsole } from './CallConsole.js';
import { errorText } from './call-problem-text.js';
import './dispatch.css';

/** The panel chosen on this dispatch window, and under which scene (a later scene's panel replaces it). */
const DispatchWindowStateSchema = z.object({ choice: DispatchPanelSchema, underScene: z.string().nullable() }).strict().nullable();

const panelLabels: Record<DispatchPanel, PlainMessageKey> = { crews: 'dispatch.directory', incidents: 'dispatch.incidents', run: 'dispatch.panel.run' };

/**
 * The dispatcher's directory of crews and call groups (each callable with one click), the live incident list and the
 * console of the plan run the wall follows, with the seat's calls beside them; the scene (or the operator, on this
 * window) puts one of the panels in front.
 */
export function DispatchView() {
  const t = useTranslation();
  const model = useAppModel();
  const backend = useStore(model.connection, effectiveBackendState);
  const incidents = useStore(model.incidents, (list) => list);
  const language = useStore(model.settings, (settings) => settings.language);
  const [text, setText] = useState('');
  const [onDutyOnly, setOnDutyOnly] = useState(true);
  const [crews, setCrews] = useState<Crew[] | null>(null);
  const scene = useActiveScene();
  const own = useWindowState('dispatch', DispatchWindowStateSchema, null);
  const panel = choiceNow(scene?.scene.dispatch.panel ?? 'crews', scene?.appliedAt ?? null, own.value);
  const sceneRunId = scene?.run?.runId ?? null;
  const hostLink = useStore(model.connection, (state) => state.host);
  const openRun = useStore(model.plans, (state) => state.openRun);
  const seat = model.dispatcherSeat();
  const [groups, setGroups] = useState<CrewGroup[]>([]);
  const [callProblem, setCallProblem] = useState<string | null>(null);
  const focusedIncidentId = useStore(model.shared, (state) => state.focusedIncidentId);

  useEffect(() => {
    if (hostLink !== 'connected') return;
    callHost(model.host.bridge, 'dispatch.groups', {}).then(setGroups, () => setGroups([]));
  }, [model, hostLink]);

  const place = (parties: CallParty[], media: 'audio' | 'video') => {
    setCallProblem(null);
    try {
      seat.place({ parties, media, priority: 'normal', incidentId: focusedIncidentId, runId: null, drill: false });
    } catch (error) {
      setCallProblem(errorText(t, error));
    }
  };
  const needle = text.trim().toLowerCase();
  const shownGroups = groups.filter((group) => needle === '' || group.name.toLowerCase().includes(needle) || group.sipExtension.includes(needle)).slice(0, 20);

  // The run panel shows the run that holds the wall (an emergency scene), kept current by the runs.changed events.
  useEffect(() => {
    if (panel !== 'run' || sceneRunId === null || hostLink !== 'connected') return;
    model.openRun(sceneRunId).catch(() => undefined);
  }, [model, panel, sceneRunId, hostLink]);

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
    <section className="dispatch-view tabbed" aria-label={t('role.dispatch')} data-panel={panel}>
      <FocusedIncidentPanel />
      <div className="panel-tabs" role="tablist" aria-label={t('role.dispatch')}>
        {dispatchPanels.map((name) => (
          <button
            type="button"
            role="tab"
            key={name}
            aria-selected={name === panel}
            data-testid={`dispatch-tab-${name}`}
            onClick={() => own.save({ choice: name, underScene: scene?.appliedAt ?? null })}
          >
            {t(panelLabels[name])}
          </button>
        ))}
        {own.error && (
          <span className="manual-note" role="alert">
            {t('window.saveFailed')}: {own.error}
          </span>
        )}
      </div>
      {panel === 'crews' && (
        <div className="panel directory selected">
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
                    {crew.position && crew.positionAt ? ` · ${t('crew.position')} ${beijingTime(crew.positionAt)}` : ''}
                  </span>
                  <span className="crew-status">{t(`dispatch.status.${crew.status}`)}</span>
                  <span className="crew-call">
                    <button type="button" data-testid="call-voice" disabled={crew.status === 'off-duty'} onClick={() => place([partyOfCrew(crew)], 'audio')}>
                      {t('call.voice')}
                    </button>
                    <button type="button" data-testid="call-video" disabled={crew.status === 'off-duty'} onClick={() => place([partyOfCrew(crew)], 'video')}>
                      {t('call.video')}
                    </button>
                  </span>
                </li>
              ))}
            </ul>
          )}
          {callProblem && (
            <p className="manual-note" role="alert" data-testid="call-problem">
              {callProblem}
            </p>
          )}
          <h3>{t('call.groups')}</h3>
          <ul className="group-list" data-testid="group-list">
            {shownGroups.map((group) => (
              <li key={group.id} data-group-id={group.id}>
                <span className="crew-name">{group.name}</span>
                <span className="crew-meta">
                  {group.id} · {group.sipExtension} · {group.crewIds.length}
                </span>
                <GroupCallButton groupId={group.id} onCall={(parties) => place(parties, 'audio')} onProblem={setCallProblem} />
              </li>
            ))}
          </ul>
        </div>
      )}
      {panel === 'incidents' && (
        <div className="panel incidents selected">
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
      )}
      {panel === 'run' && (
        <div className="panel run selected" data-testid="dispatch-run">
          {openRun ? <RunConsole view={openRun} /> : <p className="muted">{t('dispatch.noRun')}</p>}
        </div>
      )}
      <CallConsole seat={seat} />
    </section>
  );
}

/** Rings the group's crews on duty (the members off duty are left out by the host and not rung). */
function GroupCallButton({ groupId, onCall, onProblem }: { groupId: string; onCall: (parties: CallParty[]) => void; onProblem: (text: string) => void }) {
  const t = useTranslation();
  const model = useAppModel();
  return (
    <button
      type="button"
      data-testid="call-group"
      onClick={() => {
        callHost(model.host.bridge, 'dispatch.resolveTarget', { target: { group: groupId }, incidentId: null, drill: false }).then(
          (resolved) => (resolved.crews.length === 0 ? onProblem(`${groupId}: ${t('dispatch.empty')}`) : onCall(resolved.crews.map(partyOfCrew))),
          (error: unknown) => onProblem(errorText(t, error)),
        );
      }}
    >
      {t('call.group')}
    </button>
  );
}
