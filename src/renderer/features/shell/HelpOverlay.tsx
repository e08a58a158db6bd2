import { Fragment } from 'react';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { useStore } from '../../state/store.js';
import { actionGroups, actionList } from '../intent/index.js';

/** F1: every operator action from the registry, by group, with its keys and whether it can run here now. */
export function HelpOverlay() {
  const t = useTranslation();
  const model = useAppModel();
  // Availability follows the window: its screen, its session (locked, a wall screen) and the alarms waiting.
  useStore(model.shell, (state) => state);
  useStore(model.session.state, (state) => state.principal);
  useStore(model.shared, (state) => state.alarms.length);
  const state = model.intents.state();
  const listed = actionList();
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="help-title">
      <div className="dialog">
        <h2 id="help-title">{t('help.title')}</h2>
        <table className="shortcuts" data-testid="help-actions">
          <thead>
            <tr>
              <th>{t('intent.help.shortcut')}</th>
              <th>{t('intent.help.action')}</th>
              <th>{t('intent.help.state')}</th>
            </tr>
          </thead>
          <tbody>
            {actionGroups.map((group) => (
              <Fragment key={group}>
                <tr>
                  <th colSpan={3} scope="rowgroup">
                    {t(`intent.group.${group}`)}
                  </th>
                </tr>
                {listed
                  .filter(({ action }) => action.group === group)
                  .map(({ id, action }) => {
                    const unavailable = action.availability(state);
                    return (
                      <tr key={id} data-action={id} data-available={unavailable ? 'no' : 'yes'}>
                        <td>{action.shortcuts.length > 0 ? action.shortcuts.map((key) => <kbd key={key}>{key}</kbd>) : <span className="muted">{t('intent.help.fromView')}</span>}</td>
                        <td>
                          {t(action.name.key)}
                          {action.name.suffix ? ` ${t(action.name.suffix)}` : ''}
                        </td>
                        <td className={unavailable ? 'muted' : undefined}>{unavailable ? t(unavailable.reason) : t('intent.help.available')}</td>
                      </tr>
                    );
                  })}
              </Fragment>
            ))}
          </tbody>
        </table>
        <button type="button" onClick={() => model.closeOverlay()} autoFocus>
          {t('about.close')}
        </button>
      </div>
    </div>
  );
}
