import { useMemo, useState } from 'react';
import type { Basemap } from '../../../shared/domain/basemap.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import type { CityRegisters } from './city-data.js';
import type { MapEngine } from './map-engine.js';
import { searchMap, type SearchHit } from './map-search.js';

/** One box for districts, streets, grid codes and component codes; choosing a hit flies there (and selects it). */
export function MapSearch({ engine, city, basemap }: { engine: MapEngine; city: CityRegisters; basemap: Basemap }) {
  const t = useTranslation();
  const model = useAppModel();
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const hits = useMemo(() => searchMap(query, { districts: basemap.districts, city, chunks: engine.loadedChunks }), [query, basemap, city, engine]);

  const choose = (hit: SearchHit) => {
    model.map.update((state) => ({ ...state, selected: hit.select ?? state.selected }));
    model.requestMapCamera(hit.target);
    setOpen(false);
  };

  return (
    <div className="map-search" role="search">
      <input
        type="search"
        aria-label={t('map.search')}
        placeholder={t('map.search')}
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setOpen(true);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && hits[0]) choose(hits[0]);
          if (event.key === 'Escape') setOpen(false);
        }}
      />
      {open && query.trim() !== '' && (
        <ul className="map-search-hits" data-testid="map-search-hits">
          {hits.length === 0 && <li className="muted">{t('map.searchNone')}</li>}
          {hits.map((hit) => (
            <li key={`${hit.kind}:${hit.id}`}>
              <button type="button" onClick={() => choose(hit)}>
                <span className="hit-kind">{t(`map.hit.${hit.kind}`)}</span> {hit.label} <span className="muted">{hit.detail}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
