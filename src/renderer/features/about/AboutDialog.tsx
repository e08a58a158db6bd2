import { useEffect, useState } from 'react';
import type { CityAbout } from '../../../shared/domain/basemap.js';
import { callHost } from '../../bridge/host.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { useStore } from '../../state/store.js';
import './about.css';

/** Credits every real data source and says which layers are synthetic, as the licences and map rules require. */
export function AboutDialog() {
  const t = useTranslation();
  const model = useAppModel();
  const info = useStore(model.hostInfo, (value) => value);
  const [about, setAbout] = useState<CityAbout | null>(null);
  useEffect(() => {
    callHost(model.host.bridge, 'city.about', {}).then(setAbout, () => setAbout(null));
  }, [model]);
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="about-title">
      <div className="dialog">
        <h2 id="about-title">{t('about.title')}</h2>
        <p>
          {t('app.name')} {info ? `v${info.appVersion} (${info.host})` : ''}
        </p>
        <p className="note">{t('about.boundaryNote')}</p>
        <p className="note synthetic">{t('about.syntheticNote')}</p>
        <h3>{t('about.sources')}</h3>
        <ul className="sources" data-testid="sources">
          {about?.sources.map((source) => (
            <li key={source.name}>
              <strong>{source.name}</strong> ({source.licence}){source.synthetic ? ` — ${t('about.synthetic')}` : ''}
              <div className="muted">{source.used}</div>
            </li>
          ))}
        </ul>
        <button type="button" onClick={() => model.closeOverlay()} autoFocus>
          {t('about.close')}
        </button>
      </div>
    </div>
  );
}
