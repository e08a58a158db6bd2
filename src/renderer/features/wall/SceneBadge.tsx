import { useCallback, useEffect, useState } from 'react';
import { EMERGENCY_SCENE_ID, type SceneEntry } from '../../../shared/wall/scenes.js';
import { callHost } from '../../bridge/host.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { useStore } from '../../state/store.js';
import { beijingTime } from '../../ui/time-format.js';
import { useActiveScene } from './use-active-scene.js';
import './wall.css';

/** The wall's scene in every window's header, and the switch that puts another scene on all of them. */
export function SceneBadge() {
  const t = useTranslation();
  const model = useAppModel();
  const language = useStore(model.settings, (settings) => settings.language);
  const hostLink = useStore(model.connection, (state) => state.host);
  const active = useActiveScene();
  const [scenes, setScenes] = useState<SceneEntry[]>([]);
  const text = (value: { zh: string; en: string }) => (language === 'zh-CN' ? value.zh : value.en);

  // Read on (re)connecting; saves made meanwhile arrive as scenes.changed.
  const loadScenes = useCallback(() => {
    callHost(model.host.bridge, 'scenes.list', {}).then(setScenes, () => undefined);
  }, [model]);
  useEffect(() => {
    if (hostLink === 'connected') loadScenes();
  }, [loadScenes, hostLink]);
  useEffect(() => model.host.bridge.subscribe('scenes.changed', setScenes), [model]);

  if (!active) return null;
  const by = active.appliedBy === 'system' ? t('scene.system') : active.appliedBy;
  return (
    <div className={`scene-badge${active.run ? ' emergency' : ''}`} data-testid="scene" data-scene={active.scene.id} data-cause={active.cause}>
      <span className="scene-label">{t('scene.label')}</span>
      <span className="scene-name" data-testid="scene-name" title={`${t('scene.appliedBy')}: ${by} · ${beijingTime(active.appliedAt)}`}>
        {text(active.scene.name)}
      </span>
      {active.run && (
        <span className="scene-run" data-testid="scene-run" data-run={active.run.runId}>
          {active.run.mode === 'drill' && <span className="mode mode-drill">{t('run.mode.drill')}</span>} {t('scene.emergencyFor')}：{text(active.run.planTitle)}
          {active.run.incidentTitle ? ` · ${active.run.incidentTitle}` : ''}
        </span>
      )}
      <select
        aria-label={t('scene.apply')}
        title={t('scene.apply')}
        data-testid="scene-select"
        value={active.scene.id}
        // A refusal or failure is one of this window's notices.
        onChange={(event) => void model.intents.run('scene.apply', { sceneId: event.target.value })}
      >
        {!scenes.some((entry) => entry.scene.id === active.scene.id) && <option value={active.scene.id}>{text(active.scene.name)}</option>}
        {scenes.map((entry) => (
          <option key={entry.scene.id} value={entry.scene.id} disabled={entry.scene.id === EMERGENCY_SCENE_ID}>
            {text(entry.scene.name)}
          </option>
        ))}
      </select>
    </div>
  );
}
