import { useEffect, useState } from 'react';
import { useTranslation } from '../../i18n/use-translation.js';

const format = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** Command-centre time is Beijing time whatever the machine's zone, on the 24-hour clock. */
export function Clock() {
  const t = useTranslation();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <div className="clock" aria-label={t('clock.zone')}>
      <span className="clock-time">{format.format(now)}</span>
      <span className="clock-zone">{t('clock.zone')}</span>
    </div>
  );
}
