import { useEffect, useState } from 'react';
import type { SavedView } from '../../../shared/map/saved-views.js';
import { callHost } from '../../bridge/host.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { TextPrompt, type TextPromptRequest } from '../../ui/TextPrompt.js';
import type { MapEngine } from './map-engine.js';

/** Named views of the map (camera, layers, grid measure): saved here, recalled on any map window of the console. */
export function SavedViews({ engine }: { engine: MapEngine }) {
  const t = useTranslation();
  const model = useAppModel();
  const [views, setViews] = useState<SavedView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [prompt, setPrompt] = useState<TextPromptRequest | null>(null);

  useEffect(() => {
    const { bridge } = model.host;
    callHost(bridge, 'mapViews.list', {}).then(setViews, (failure: Error) => setError(failure.message));
    return bridge.subscribe('mapViews.changed', setViews);
  }, [model]);

  const run = (call: Promise<SavedView[]>) =>
    call.then(
      (list) => {
        setViews(list);
        setError(null);
      },
      (failure: Error) => setError(failure.message),
    );

  const recall = (view: SavedView) => {
    model.map.update((state) => ({ ...state, layers: view.body.layers }));
    model.requestMapCamera({ kind: 'point', position: view.body.camera.center, zoom: view.body.camera.zoom });
  };

  return (
    <div className="saved-views" data-testid="saved-views">
      <h4>{t('map.views')}</h4>
      {views.length === 0 && <p className="muted">{t('map.viewsNone')}</p>}
      <ul>
        {views.map((view) => (
          <li key={view.name} data-view={view.name}>
            <button type="button" className="view-recall" onClick={() => recall(view)} title={`${view.savedBy} · ${view.savedAt}`}>
              {view.name}
            </button>
            <button type="button" className="view-delete" aria-label={`${t('map.viewDelete')} ${view.name}`} onClick={() => void run(callHost(model.host.bridge, 'mapViews.delete', { name: view.name }))}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <button
        type="button"
        onClick={() =>
          setPrompt({
            question: t('map.viewSaveAs'),
            onAnswer: (name) => {
              const camera = engine.camera();
              void run(callHost(model.host.bridge, 'mapViews.save', { name, body: { camera, layers: model.map.get().layers } }));
            },
          })
        }
      >
        {t('map.viewSave')}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {prompt && <TextPrompt request={prompt} onClose={() => setPrompt(null)} />}
    </div>
  );
}
