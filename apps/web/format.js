// Norwegian words and dates for the dashboard (DOMAIN.md's vocabulary).

const MONTHS = ['januar', 'februar', 'mars', 'april', 'mai', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'desember'];

/** "2018-12-06" → "6. desember 2018" (the date as written, no time zone involved). */
export function dato(iso) {
  const m = typeof iso === 'string' ? /^(\d{4})-(\d{2})-(\d{2})/.exec(iso) : null;
  if (!m) return '–';
  return `${Number(m[3])}. ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

export const OUTCOME = { endorsement: 'tilslutning', orientation: 'orientering' };
export const CASE_TYPE = { approval: 'godkjenning', orientation: 'orientering', endorsement: 'tilslutning', discussion: 'drøfting' };
export const CASE_STATE = {
  draft: 'utkast',
  scheduled: 'satt på sakslisten',
  discussion: 'til behandling',
  endorsement: 'tilslutning',
  orientation: 'tatt til orientering',
  withdrawn: 'trukket',
};
export const MEETING_STATE = { planned: 'planlagt', noticed: 'innkalt', in_session: 'møtet pågår', held: 'avholdt' };
export const MINUTES_STATUS = { draft: 'utkast', approved: 'godkjent' };
export const MEMBER_ROLE = { chair: 'leder', member: 'medlem', observer: 'observatør' };

export const word = (table, key) => (key == null ? '–' : (table[key] ?? String(key)));

/** "10:00" → "10.00" (Norwegian clock notation). */
export const klokke = (t) => (t ? String(t).replace(':', '.') : '');

/** A small element builder: h('td', { class: 'x' }, 'text', childNode). Text is always text, never HTML. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}
