import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model.js';
import { commands } from './commands.js';

export function HelpOverlay() {
  const t = useTranslation();
  const model = useAppModel();
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="help-title">
      <div className="dialog">
        <h2 id="help-title">{t('help.title')}</h2>
        <table className="shortcuts">
          <tbody>
            {commands.map((command) => (
              <tr key={command.id}>
                <td>
                  <kbd>{command.shortcut}</kbd>
                </td>
                <td>
                  {t(command.label.key)}
                  {command.label.suffix ? ` ${t(command.label.suffix)}` : ''}
                </td>
              </tr>
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
