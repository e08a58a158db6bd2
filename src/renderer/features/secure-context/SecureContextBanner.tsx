import { useTranslation } from '../../i18n/use-translation.js';
import { pageIsSecure } from './secure-context.js';

/** Says plainly, on every page that is not a secure context, what is unavailable there and how to open it over HTTPS. */
export function SecureContextBanner() {
  const t = useTranslation();
  if (pageIsSecure()) return null;
  return (
    <div className="banner" role="alert" data-testid="insecure-context">
      {t('secureContext.banner')}
    </div>
  );
}
