import { useContext } from 'react';
import type { Language } from '../../shared/domain/settings.js';
import { createStore, useStore } from '../state/store.js';
import { AppModelContext } from '../state/app-model-context.js';
import { translate, type Translate } from './catalogue.js';

/** Pages without the console's settings (the crew terminal) speak Chinese, or English with `?lang=en` in their URL. */
const browserLanguage = createStore<{ language: Language }>({ language: new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'zh-CN' });

export function useTranslation(): Translate {
  const model = useContext(AppModelContext);
  const language = useStore(model?.settings ?? browserLanguage, (settings) => settings.language);
  return (key, ...params) => translate(language, key, ...params);
}
