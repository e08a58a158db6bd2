import { useStore } from '../state/store.js';
import { useAppModel } from '../state/app-model.js';
import { translate, type MessageKey } from './messages.js';

export function useTranslation(): (key: MessageKey) => string {
  const language = useStore(useAppModel().settings, (settings) => settings.language);
  return (key) => translate(language, key);
}
