import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { useStore } from '../../state/store.js';
import { effectiveBackendState } from './connection-state.js';
import './connection.css';

/** Always visible: is this window reaching its host, and is the host reaching the command-centre backend. */
export function ConnectionIndicator() {
  const t = useTranslation();
  const model = useAppModel();
  const host = useStore(model.connection, (state) => state.host);
  const backendState = useStore(model.connection, effectiveBackendState);
  const backend = useStore(model.connection, (state) => state.backend);
  const title = backend ? `${backend.url}${backend.lastError ? ` — ${backend.lastError}` : ''}` : '';
  const sync = useStore(model.sync, (status) => status);
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
      {backend?.clockSkewSeconds != null && backendState === 'connected' && (
        <span className="connection-item state-connecting" data-testid="clock-skew" data-skew-seconds={backend.clockSkewSeconds} title={t('connection.clockSkewHint')}>
          <span className="dot" aria-hidden="true" />
          {t('connection.clockSkew')} {backend.clockSkewSeconds > 0 ? '+' : ''}
          {backend.clockSkewSeconds} s
        </span>
      )}
      {sync && (
        <span className={`connection-item ${sync.pending > 0 ? 'state-connecting' : 'state-connected'}`} data-testid="sync-pending" data-pending={sync.pending}>
          <span className="dot" aria-hidden="true" />
          {sync.pending > 0 ? `${t('sync.pending')}: ${sync.pending}` : t('sync.allSynced')}
        </span>
      )}
      {sync && sync.conflicts.length > 0 && (
        <span className="connection-item state-disconnected" data-testid="sync-conflicts">
          <span className="dot" aria-hidden="true" />
          {t('sync.conflicts')}: {sync.conflicts.length}
        </span>
      )}
      {sync && sync.setAsideCount > 0 && (
        <details className="connection-item state-disconnected sync-set-aside" data-testid="sync-set-aside" data-count={sync.setAsideCount}>
          <summary>
            <span className="dot" aria-hidden="true" />
            {t('sync.setAside')}: {sync.setAsideCount}
          </summary>
          <div className="sync-set-aside-list" role="list" aria-label={t('sync.setAsideTitle')}>
            <strong>{t('sync.setAsideTitle')}</strong>
            {sync.setAside.map((record) => (
              <div role="listitem" key={`${record.direction}:${record.key}:${record.at}`} data-reason={record.reason}>
                <code>{record.key}</code> · {t(`sync.direction.${record.direction}`)} · {t(`sync.reason.${record.reason}`)}
                {record.detail ? ` (${record.detail})` : ''}
              </div>
            ))}
          </div>
        </details>
      )}
    </div>
  );
}
