// Dates and times in the tenant's time zone (GET /me "time_zone", an IANA
// zone; Asia/Tokyo when the server does not say). "Today" for date pickers,
// Date bounds such as today-7 and the Time "now" button all come from here.

export const DEFAULT_ZONE = 'Asia/Tokyo';
let zone = DEFAULT_ZONE;

/** Uses zone from now on (an unknown or empty zone falls back to Asia/Tokyo). */
export function setZone(name) {
  try {
    if (!name) throw new RangeError('no zone');
    new Intl.DateTimeFormat('en-US', { timeZone: name }).format(0);
    zone = name;
  } catch {
    zone = DEFAULT_ZONE;
  }
}
export const currentZone = () => zone;

function parts(date, opts) {
  const out = {};
  for (const p of new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', ...opts }).formatToParts(date))
    out[p.type] = p.value;
  return out;
}

/** "YYYY-MM-DD" of now (or of date) in the tenant's zone. */
export function today(date = new Date()) {
  const p = parts(date, { year: 'numeric', month: '2-digit', day: '2-digit' });
  return `${p.year}-${p.month}-${p.day}`;
}

/** "HH:MM" or "HH:MM:SS" of now in the tenant's zone. */
export function nowTime(withSeconds = false, date = new Date()) {
  const p = parts(date, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return withSeconds ? `${p.hour}:${p.minute}:${p.second}` : `${p.hour}:${p.minute}`;
}

/** Day number of a "YYYY-MM-DD" that is a real calendar date, else null. */
export function dayNumber(ymd) {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(ymd || '');
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return null;
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return Math.round(t / 86400000);
}

/** The "YYYY-MM-DD" n days after ymd. */
export function addDays(ymd, n) {
  return new Date((dayNumber(ymd) + n) * 86400000).toISOString().slice(0, 10);
}

/** A Date bound (a date, today, today+N, today-N) as "YYYY-MM-DD", or null for none. */
export function dateBound(spec, todayYmd = today()) {
  if (!spec) return null;
  if (!spec.startsWith('today')) return dayNumber(spec) === null ? null : spec;
  const m = /^today(?:([+-])([0-9]{1,6}))?$/.exec(spec);
  if (!m) return null;
  return m[1] ? addDays(todayYmd, m[1] === '+' ? Number(m[2]) : -Number(m[2])) : todayYmd;
}

/** A server time (RFC 3339 UTC) shown in the tenant's zone, in the UI language. */
export function formatTime(iso, lang) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'sv-SE', {
    timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).format(d);
}
