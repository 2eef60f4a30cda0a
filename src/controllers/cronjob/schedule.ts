/**
 * Cron schedules as CronJob accepts them (robfig/cron's standard parser): five fields
 * minute hour day-of-month month day-of-week, with `*`, `?`, lists, ranges, steps, month and
 * weekday names (7 is Sunday too), and the @yearly/@monthly/@weekly/@daily/@hourly macros.
 * When both day fields are restricted, a day matching either runs (as cron). Times are UTC.
 */
export interface Schedule {
  /** The first scheduled time strictly after `after`, or undefined if none within 5 years. */
  next(after: Date): Date | undefined;
}

const macros: Record<string, string> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};
const monthNames = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const dayNames = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface Field { readonly values: Set<number>; readonly star: boolean }

function parseValue(text: string, names: readonly string[] | undefined, offset: number): number {
  const i = names?.indexOf(text.toUpperCase()) ?? -1;
  if (i >= 0) return i + offset;
  if (!/^\d+$/.test(text)) throw new Error(`failed to parse int from ${text}`);
  return Number(text);
}

function parseField(text: string, min: number, max: number, names?: readonly string[], nameOffset = 0): Field {
  const values = new Set<number>();
  let star = false;
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step <= 0) throw new Error(`invalid step in ${part}`);
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      lo = min;
      hi = max;
      if (stepText === undefined) star = true;
    } else {
      const [a = '', b] = range.split('-');
      lo = parseValue(a, names, nameOffset);
      hi = b === undefined ? (stepText === undefined ? lo : max) : parseValue(b, names, nameOffset);
    }
    if (lo < min || hi > max || lo > hi) throw new Error(`${part}: beyond range ${min}-${max}`);
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return { values, star };
}

export function parseSchedule(text: string): Schedule {
  let spec = text.trim();
  if (/^(CRON_)?TZ=/.test(spec)) spec = spec.slice(spec.indexOf(' ') + 1).trim();
  spec = macros[spec] ?? spec;
  const fields = spec.split(/\s+/);
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: ${text}`);
  const [mi = '', h = '', dom = '', mo = '', dow = ''] = fields;
  const minute = parseField(mi, 0, 59);
  const hour = parseField(h, 0, 23);
  const day = parseField(dom, 1, 31);
  const month = parseField(mo, 1, 12, monthNames, 1);
  const weekdayRaw = parseField(dow, 0, 7, dayNames, 0);
  const weekday = { star: weekdayRaw.star, values: new Set([...weekdayRaw.values].map((d) => d % 7)) };
  const dayMatches = (d: Date): boolean => {
    const byDom = day.values.has(d.getUTCDate());
    const byDow = weekday.values.has(d.getUTCDay());
    if (day.star || weekday.star) return byDom && byDow;
    return byDom || byDow;
  };
  return {
    next(after: Date): Date | undefined {
      const t = new Date(after.getTime());
      t.setUTCSeconds(0, 0);
      t.setUTCMinutes(t.getUTCMinutes() + 1);
      const limit = after.getTime() + 5 * 366 * 24 * 3600_000;
      while (t.getTime() <= limit) {
        if (!month.values.has(t.getUTCMonth() + 1)) {
          t.setUTCMonth(t.getUTCMonth() + 1, 1);
          t.setUTCHours(0, 0, 0, 0);
          continue;
        }
        if (!dayMatches(t)) {
          t.setUTCDate(t.getUTCDate() + 1);
          t.setUTCHours(0, 0, 0, 0);
          continue;
        }
        if (!hour.values.has(t.getUTCHours())) {
          t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
          continue;
        }
        if (!minute.values.has(t.getUTCMinutes())) {
          t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
          continue;
        }
        return t;
      }
      return undefined;
    },
  };
}

/**
 * The latest scheduled time in (since, now], and how many were missed in that window
 * (counting stops at `cap`, as upstream gives up past 100).
 */
export function mostRecentMissed(s: Schedule, since: Date, now: Date, cap = 100): { time: Date | undefined; missed: number } {
  let time: Date | undefined;
  let missed = 0;
  for (let t = s.next(since); t && t.getTime() <= now.getTime(); t = s.next(t)) {
    time = t;
    if (++missed >= cap) {
      // Jump to the latest one directly: walking further costs time for nothing.
      let last = t;
      for (let n = s.next(last); n && n.getTime() <= now.getTime(); n = s.next(last)) last = n;
      return { time: last, missed };
    }
  }
  return { time, missed };
}
