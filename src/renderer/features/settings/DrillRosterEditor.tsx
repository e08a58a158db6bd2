import { useState } from 'react';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { useStore } from '../../state/store.js';

/** The crews a drill's call steps may really ring (演练名单): crew ids, one per line or separated by spaces or commas. */
export function DrillRosterEditor() {
  const t = useTranslation();
  const model = useAppModel();
  const saved = useStore(model.settings, (settings) => settings.drillRoster);
  const [text, setText] = useState(() => saved.join('\n'));
  const [problem, setProblem] = useState<string | null>(null);
  const ids = text.split(/[\s,，、]+/).filter(Boolean);
  const wrong = ids.filter((id) => !/^CR\d{4}$/.test(id));

  return (
    <section className="settings-section" aria-labelledby="settings-drill-roster" data-testid="drill-roster">
      <h3 id="settings-drill-roster">{t('settings.drillRoster')}</h3>
      <p className="muted">{t('settings.drillRosterNote')}</p>
      <textarea rows={4} value={text} aria-labelledby="settings-drill-roster" onChange={(event) => setText(event.target.value)} />
      {wrong.length > 0 && (
        <p className="manual-note" role="alert">
          {t('settings.drillRosterWrong')}: {wrong.join(' ')}
        </p>
      )}
      {problem && (
        <p className="manual-note" role="alert">
          {problem}
        </p>
      )}
      <button
        type="button"
        disabled={wrong.length > 0 || ids.join() === saved.join()}
        onClick={() => {
          setProblem(null);
          model.updateSettings({ drillRoster: [...new Set(ids)] }).catch((error: unknown) => setProblem((error as Error).message));
        }}
      >
        {t('settings.drillRosterSave')}
      </button>
    </section>
  );
}
