import { useContext } from 'react';
import type { Language } from '../../shared/domain/settings.js';
import { createStore, useStore, type Store } from '../state/store.js';
import { AppModelContext } from '../state/app-model-context.js';
import { translate, type Translate } from './catalogue.js';

/**
 * Pages without the console's settings (the crew terminal) speak Chinese, or English with `?lang=en` in their URL.
 * Read on first use, not when the module loads, so that code importing a feature's index outside a page loads.
 */
let browserLanguage: Store<{ language: Language }> | null = null;

function pageLanguage(): Store<{ language: Language }> {
  browserLanguage ??= createStore<{ language: Language }>({ language: new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'zh-CN' });
  return browserLanguage;
}

export function useTranslation(): Translate {
  const model = useContext(AppModelContext);
  const language = useStore(model?.settings ?? pageLanguage(), (settings) => settings.language);
  return (key, ...params) => translate(language, key, ...params);
}
