import { useEffect, useState } from 'react';
import { useTranslation } from '../../i18n/use-translation.js';
import { beijingDateTime } from '../../ui/time-format.js';

/** The wall clock every window shows. */
export function Clock() {
  const t = useTranslation();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <div className="clock" aria-label={t('clock.zone')}>
      <span className="clock-time">{beijingDateTime(now)}</span>
      <span className="clock-zone">{t('clock.zone')}</span>
    </div>
  );
}
