/** Command-centre time is Beijing time whatever the machine's zone, on the 24-hour clock. */
const zone = { timeZone: 'Asia/Shanghai', hourCycle: 'h23' } as const;

const time = new Intl.DateTimeFormat('zh-CN', { ...zone, hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTime = new Intl.DateTimeFormat('zh-CN', { ...zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function beijingTime(value: Date | string): string {
  return time.format(typeof value === 'string' ? new Date(value) : value);
}

export function beijingDateTime(value: Date | string): string {
  return dateTime.format(typeof value === 'string' ? new Date(value) : value);
}
