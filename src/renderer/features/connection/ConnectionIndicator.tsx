import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model.js';
import { useStore } from '../../state/store.js';
import { effectiveBackendState } from './connection-state.js';

/** Always visible: is this window reaching its host, and is the host reaching the command-centre backend. */
export function ConnectionIndicator() {
  const t = useTranslation();
  const model = useAppModel();
  const host = useStore(model.connection, (state) => state.host);
  const backendState = useStore(model.connection, effectiveBackendState);
  const backend = useStore(model.connection, (state) => state.backend);
  const title = backend ? `${backend.url}${backend.lastError ? ` — ${backend.lastError}` : ''}` : '';
  return (
    <div className="connection" role="status" aria-live="polite">
      {model.host.kind === 'web' && (
        <span className={`connection-item state-${host}`} data-testid="host-state">
          <span className="dot" aria-hidden="true" />
          {t('connection.host')}: {t(`connection.${host}`)}
        </span>
      )}
      <span className={`connection-item state-${backendState}`} data-testid="backend-state" data-state={backendState} title={title}>
        <span className="dot" aria-hidden="true" />
        {t('connection.backend')}
        {backend?.embedded ? ` (${t('connection.embedded')})` : ''}: {t(`connection.${backendState}`)}
      </span>
    </div>
  );
}
