import { useMemo, useState } from 'react';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { useStore } from '../../state/store.js';
import {
  isLayerVisible,
  searchCatalogue,
  systemOpacity,
  withLayerVisible,
  type CatalogueLayer,
  type CatalogueSystem,
} from './catalogue.js';
import { gridMeasures, type GridMeasure } from '../../../shared/map/map-layers-state.js';

/** The thematic layer tree: search, toggle a system, a group or one layer, set a system's opacity, see legends and counts. */
export function LayerCatalogue({ systems }: { systems: readonly CatalogueSystem[] }) {
  const t = useTranslation();
  const model = useAppModel();
  const language = useStore(model.settings, (settings) => settings.language);
  const layers = useStore(model.map, (state) => state.layers);
  const [query, setQuery] = useState('');
  const shown = useMemo(() => searchCatalogue(systems, query), [systems, query]);
  const name = (item: { zh: string; en: string }) => (language === 'zh-CN' ? item.zh : item.en);
  const total = systems.reduce((sum, system) => sum + system.groups.reduce((count, group) => count + group.layers.length, 0), 0);

  const setVisible = (targets: readonly CatalogueLayer[], visible: boolean) =>
    model.map.update((state) => ({ ...state, layers: withLayerVisible(state.layers, targets, visible) }));
  const checkbox = (targets: readonly CatalogueLayer[], label: string) => {
    const on = targets.filter((layer) => isLayerVisible(layers, layer)).length;
    return (
      <input
        type="checkbox"
        aria-label={label}
        checked={on === targets.length}
        ref={(element) => {
          if (element) element.indeterminate = on > 0 && on < targets.length;
        }}
        onChange={(event) => setVisible(targets, event.target.checked)}
      />
    );
  };

  return (
    <div className="layer-catalogue" data-testid="layer-catalogue">
      <h3>
        {t('map.catalogue')} <span className="muted">({total})</span>
      </h3>
      <input type="search" className="catalogue-search" placeholder={t('map.catalogueSearch')} value={query} onChange={(event) => setQuery(event.target.value)} />
      <label className="grid-measure">
        {t('map.gridMeasure')}
        <select
          value={layers.gridMeasure}
          onChange={(event) => model.map.update((state) => ({ ...state, layers: { ...state.layers, gridMeasure: event.target.value as GridMeasure } }))}
        >
          {gridMeasures.map((measure) => (
            <option key={measure} value={measure}>
              {t(`map.measure.${measure}`)}
            </option>
          ))}
        </select>
      </label>
      {shown.length === 0 && <p className="muted">{t('map.catalogueEmpty')}</p>}
      <ul className="catalogue-tree">
        {shown.map((system) => {
          const systemLayers = system.groups.flatMap((group) => group.layers);
          return (
            <li key={system.id} data-system={system.id}>
              <div className="catalogue-system">
                <label>
                  {checkbox(systemLayers, name(system))} <strong>{name(system)}</strong>
                </label>
                <input
                  type="range"
                  min={0}
                  max={100}
                  aria-label={`${name(system)} ${t('map.opacity')}`}
                  value={Math.round(systemOpacity(layers, system.id) * 100)}
                  onChange={(event) =>
                    model.map.update((state) => ({ ...state, layers: { ...state.layers, opacity: { ...state.layers.opacity, [system.id]: Number(event.target.value) / 100 } } }))
                  }
                />
              </div>
              <ul>
                {system.groups.map((group) => (
                  <li key={group.id}>
                    {system.groups.length > 1 || group.layers.length > 1 ? (
                      <label className="catalogue-group">
                        {checkbox(group.layers, name(group))} {name(group)}
                      </label>
                    ) : null}
                    <ul>
                      {group.layers.map((layer) => (
                        <li key={layer.id} data-layer={layer.id}>
                          <label>
                            {checkbox([layer], name(layer))}
                            <span className="swatch" style={{ background: `rgb(${layer.colour.join(',')})` }} />
                            {name(layer)}
                            {layer.count !== null && <span className="muted"> {layer.count.toLocaleString(language)}</span>}
                          </label>
                        </li>
                      ))}
                    </ul>
                  </li>
                ))}
              </ul>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
