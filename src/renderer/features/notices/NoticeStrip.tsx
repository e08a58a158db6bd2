import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { useStore } from '../../state/store.js';

/** What went wrong in this window (a refused focus, a call that could not ring), shown where it was asked for. */
export function NoticeStrip() {
  const t = useTranslation();
  const model = useAppModel();
  const notices = useStore(model.notices, (state) => state.list);
  if (notices.length === 0) return null;
  return (
    <ul className="notices" aria-label={t('notices.label')}>
      {notices.map((notice) => (
        <li key={notice.id} className="banner" role="alert" data-testid="notice">
          {notice.text}{' '}
          <button type="button" aria-label={t('notices.dismiss')} onClick={() => model.dismissNotice(notice.id)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
