// `--until` as people type it: a calendar day means the end of that day in this machine's time zone.

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function twoDigits(n: number): string {
  return String(n).padStart(2, '0');
}

/** `2026-12-31` → `2026-12-31T23:59:59+08:00` (this zone's offset on that day); anything else is passed on as written. */
export function untilFromText(text: string): string {
  const day = DAY.exec(text.trim());
  if (!day) return text.trim();
  const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
  const local = new Date(y, m - 1, d, 23, 59, 59);
  if (local.getFullYear() !== y || local.getMonth() !== m - 1 || local.getDate() !== d) return text.trim();
  const offset = -local.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${day[1]}-${day[2]}-${day[3]}T23:59:59${sign}${twoDigits(Math.floor(abs / 60))}:${twoDigits(abs % 60)}`;
}
