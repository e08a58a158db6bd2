import type { MessageKey } from '../../i18n/messages.js';
import { useTranslation } from '../../i18n/use-translation.js';

/** Says plainly that a position is not delivered yet, instead of showing an empty screen that looks finished. */
export function PendingRole({ what }: { what: MessageKey }) {
  const t = useTranslation();
  return (
    <section className="pending-role">
      <h2>{t('role.notBuilt')}</h2>
      <p>{t(what)}</p>
    </section>
  );
}
