import { useEffect, useState } from 'react';

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

/** Time left until `until` (m:ss), counting on past it as overdue (+m:ss) so a missed limit stays visible. */
export function Countdown({ until }: { until: string }) {
  const now = useNow(1000);
  const left = Math.round((Date.parse(until) - now) / 1000);
  return (
    <span className={left < 0 ? 'countdown overdue' : left <= 60 ? 'countdown soon' : 'countdown'} data-testid="countdown">
      {left < 0 ? `+${clock(-left)}` : clock(left)}
    </span>
  );
}
