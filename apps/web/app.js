// The Saksflyt dashboard: the decisions register (vedtak), the portfolio (porteføljen) and the
// annual cycle of meetings (møter, with their minutes), kept current by the live feeds.
import { ApiError, checkToken, documentUrl, getJson, onTokenRejected, rejectToken, token } from './api.js';
import { openFeed } from './live.js';
import { CASE_STATE, CASE_TYPE, MEETING_STATE, MEMBER_ROLE, MINUTES_STATUS, OUTCOME, dato, h, klokke, word } from './format.js';

const $ = (sel) => document.querySelector(sel);
const HIGHLIGHT_MS = 4000;

// ---------------------------------------------------------------- status line

const FEED_NAMES = { decisions: 'Vedtak', portfolio: 'Porteføljen', minutes: 'Referat' };
const STATE_WORDS = { connecting: 'kobler til', open: 'tilkoblet', retrying: 'frakoblet, prøver igjen', closed: 'frakoblet' };
const feeds = new Map(); // name → state
let position = null; // the highest global position the view reflects

function seen(p) {
  if (typeof p === 'number' && Number.isFinite(p) && (position === null || p > position)) position = p;
  renderStatus();
}

function feedState(name, state) {
  if (state === null) feeds.delete(name);
  else feeds.set(name, state);
  renderStatus();
}

function renderStatus() {
  const el = $('#status');
  const states = [...feeds.values()];
  const overall = states.includes('closed') ? 'closed' : states.includes('retrying') ? 'retrying' : states.includes('connecting') || !states.length ? 'connecting' : 'open';
  el.dataset.state = overall;
  if (position !== null) el.dataset.position = String(position);
  const parts = [...feeds.entries()].map(([n, s]) => `${FEED_NAMES[n] ?? n}: ${STATE_WORDS[s]}`);
  // Only the connection states are announced (polite, and only when they change); the position
  // changes with every event and sits in a part that is not a live region.
  const words = parts.join(' · ') || 'Kobler til …';
  if ($('#status-feeds').textContent !== words) $('#status-feeds').textContent = words;
  $('#status-position').textContent = position !== null ? ` — viser posisjon ${position}` : '';
}

/** A short message for screen readers (the views themselves are not live regions). */
function announce(text) {
  $('#announce').textContent = text;
}

function flash(tr) {
  tr.classList.add('fresh');
  setTimeout(() => tr.classList.remove('fresh'), HIGHLIGHT_MS);
}

function problemText(err) {
  if (err instanceof ApiError) return `${err.status}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** `read()`, once more after a second when the API answers 503 (a `minPosition` it did not reach in time). */
async function retry503(read) {
  try {
    return await read();
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 503)) throw err;
    await sleep(1000);
    return read();
  }
}

/** Runs `task` now, or once more after the running one ends; arguments of waiting calls are merged. */
function coalesce(task) {
  let running = null;
  let queued = null;
  const run = async (arg) => {
    try {
      await task(arg);
    } finally {
      running = null;
      if (queued) {
        const next = queued;
        queued = null;
        running = run(next);
      }
    }
  };
  return (given) => {
    const arg = { minPosition: given?.minPosition, keys: given?.keys ?? [] };
    if (!running) running = run(arg);
    else queued = queued ? { minPosition: Math.max(queued.minPosition ?? 0, arg.minPosition ?? 0), keys: [...queued.keys, ...arg.keys] } : arg;
  };
}

// ---------------------------------------------------------------- Vedtak

const decisionKey = (d) => d.caseId ?? d.historyId ?? `${d.committee} ${d.number} ${d.meetingNumber}`;

function decisionFilters() {
  const f = new FormData($('#decisions-filter'));
  return { committee: f.get('committee') || '', year: f.get('year') || '', q: String(f.get('q') ?? '').trim() };
}

function renderDecisions(rows, fresh = new Set()) {
  const body = $('#decisions tbody');
  body.replaceChildren(
    ...rows.map((d) => {
      const tr = h(
        'tr',
        { dataset: { key: decisionKey(d) } },
        h('th', { scope: 'row' }, d.number ?? '–'),
        h('td', {}, d.title),
        h('td', {}, d.committee),
        h('td', {}, d.meetingNumber ? `Møte ${d.meetingNumber}` : '', d.meetingNumber ? h('br') : null, h('span', { class: 'date' }, dato(d.date))),
        h('td', {}, word(OUTCOME, d.outcome)),
        h('td', { class: 'vedtak' }, h('span', { class: 'verbatim' }, d.resolution), d.minutesApproved ? null : h('span', { class: 'tag' }, 'referat ikke godkjent')),
      );
      if (fresh.has(decisionKey(d))) flash(tr);
      return tr;
    }),
  );
  const f = decisionFilters();
  $('#decisions-note').textContent = `${rows.length} vedtak${f.committee || f.year || f.q ? ' (filtrert)' : ''}.`;
}

const reloadDecisions = coalesce(async ({ minPosition, keys }) => {
  try {
    const f = decisionFilters();
    const { data, position: p } = await retry503(() => getJson('/api/decisions', { ...f, minPosition }));
    renderDecisions(data, new Set(keys));
    seen(p ?? minPosition);
  } catch (err) {
    $('#decisions-note').textContent = `Kunne ikke hente vedtakene (${problemText(err)}).`;
  }
});

function startDecisions() {
  $('#decisions-filter').addEventListener('submit', (e) => {
    e.preventDefault();
    reloadDecisions({ keys: [] });
  });
  openFeed('/api/live/decisions', {
    onState: (s) => feedState('decisions', s),
    onSnapshot: (rows, id) => {
      const f = decisionFilters();
      // The snapshot is the unfiltered register in the API's order.
      if (!f.committee && !f.year && !f.q) {
        renderDecisions(rows);
        seen(id);
      } else reloadDecisions({ minPosition: id ?? undefined, keys: [] });
    },
    onChange: (rows, id) => {
      reloadDecisions({ minPosition: id ?? undefined, keys: rows.map(decisionKey) });
      reloadCycle({ minPosition: id ?? undefined }); // a vedtak changes its meeting's case counts
    },
  });
}

// ---------------------------------------------------------------- Porteføljen

const projects = new Map();

function renderPortfolio(fresh = new Set()) {
  const rows = [...projects.values()].sort((a, b) => a.id.localeCompare(b.id, 'nb', { numeric: true }));
  $('#portfolio tbody').replaceChildren(
    ...rows.map((p) => {
      const tr = h(
        'tr',
        { dataset: { key: p.id } },
        h('th', { scope: 'row' }, p.id),
        h('td', {}, p.name),
        h('td', {}, p.owner || '–'),
        h('td', {}, p.phase ?? '–'),
        h('td', {}, p.status ?? '–'),
        h('td', {}, p.risk ?? '–'),
        h(
          'td',
          {},
          p.decisions.length
            ? h('ul', { class: 'plain' }, ...p.decisions.map((d) => h('li', {}, `${d.committee} ${d.number ?? ''} (${word(OUTCOME, d.outcome)}, ${dato(d.date)})`)))
            : '–',
        ),
      );
      if (fresh.has(p.id)) flash(tr);
      return tr;
    }),
  );
}

function startPortfolio() {
  openFeed('/api/live/portfolio', {
    onState: (s) => feedState('portfolio', s),
    onSnapshot: (rows, id) => {
      projects.clear();
      for (const p of rows) projects.set(p.id, p);
      renderPortfolio();
      seen(id);
    },
    onChange: (rows, id) => {
      for (const p of rows) projects.set(p.id, p);
      renderPortfolio(new Set(rows.map((p) => p.id)));
      seen(id);
    },
  });
}

// ---------------------------------------------------------------- Møter og referat

let selectedMeeting = null;
let minutesFeed = null;
const cycleRows = new Map(); // meetingId → its annual-cycle row
const DRAFT_NEEDS_TOKEN = 'Referatet er et utkast. Logg inn med et token (medlem eller sekretariat i utvalget) for å se det.';

function cycleFilters() {
  const f = new FormData($('#cycle-filter'));
  return { committee: String(f.get('committee') ?? ''), year: String(f.get('year') ?? '') };
}

/** The meeting whose "Møte N" button has the keyboard focus, if any. */
function focusedMeeting() {
  const a = document.activeElement;
  return a && a.tagName === 'BUTTON' ? a.closest('#cycle tr[data-meeting]')?.dataset.meeting ?? null : null;
}

const reloadCycle = coalesce(async ({ minPosition }) => {
  const { committee, year } = cycleFilters();
  if (!committee) return;
  try {
    const { data, position: p } = await retry503(() => getJson(`/api/committees/${encodeURIComponent(committee)}/annual-cycle`, { year, minPosition }));
    const focused = focusedMeeting();
    seen(p);
    for (const m of data) cycleRows.set(m.meetingId, m);
    $('#cycle-note').textContent = data.length ? '' : `Ingen møter i ${committee}${year ? ` i ${year}` : ''}.`;
    $('#cycle tbody').replaceChildren(
      ...data.map((m) =>
        h(
          'tr',
          { dataset: { meeting: m.meetingId }, class: m.meetingId === selectedMeeting ? 'selected' : null },
          h(
            'th',
            { scope: 'row' },
            h('button', { type: 'button', class: 'link', 'aria-controls': 'minutes', onclick: () => showMinutes(m.meetingId) }, `Møte ${m.number}`),
          ),
          h('td', {}, dato(m.date), m.startTime ? ` kl. ${klokke(m.startTime)}${m.endTime ? `–${klokke(m.endTime)}` : ''}` : ''),
          h('td', {}, m.place),
          h('td', {}, word(MEETING_STATE, m.state)),
          h('td', {}, word(MINUTES_STATUS, m.minutes)),
          h('td', { class: 'num' }, `${m.decided} / ${m.cases}`),
        ),
      ),
    );
    // The rows are new elements: the keyboard focus goes back to the same meeting's button.
    if (focused) document.querySelector(`#cycle tr[data-meeting="${CSS.escape(focused)}"] button`)?.focus();
  } catch (err) {
    $('#cycle-note').textContent = `Kunne ikke hente årshjulet (${problemText(err)}).`;
  }
});

function people(list) {
  return list.length ? list.map((p) => `${p.name}${p.organisation ? ` (${p.organisation})` : ''}`).join(', ') : '–';
}

/**
 * A document button: Markdown and HTML open in a new tab; the PDF is saved as `download` (a blob
 * document keeps this page's CSP, whose object-src 'none' leaves no room for a PDF viewer).
 */
function docButton(label, accept, meetingId, download) {
  return h(
    'button',
    {
      type: 'button',
      onclick: async () => {
        const note = $('#minutes-docnote');
        try {
          const url = await documentUrl(`/api/meetings/${encodeURIComponent(meetingId)}/minutes`, accept);
          const a = download ? h('a', { href: url, download }) : h('a', { href: url, target: '_blank', rel: 'noopener' });
          document.body.append(a);
          a.click();
          a.remove();
          setTimeout(() => URL.revokeObjectURL(url), 60_000);
          if (note) note.textContent = '';
        } catch (err) {
          if (note) note.textContent = `Kunne ikke hente dokumentet (${problemText(err)}).`;
        }
      },
    },
    label,
  );
}

let shownCases = new Map();

function renderMinutes(m) {
  const el = $('#minutes');
  const before = shownCases;
  shownCases = new Map(m.cases.map((c) => [c.caseId, JSON.stringify(c)]));
  const att = m.attendance;
  const changed = [];
  el.replaceChildren(
    h('h3', { id: 'minutes-h', tabindex: '-1' }, `Referat: ${m.committeeName} Møte ${m.number}`),
    h(
      'p',
      { class: 'meta' },
      `${dato(m.date)}${m.startTime ? `, kl. ${klokke(m.startTime)}${m.endTime ? `–${klokke(m.endTime)}` : ''}` : ''}, ${m.place}. `,
      h('strong', { dataset: { status: m.status } }, m.status === 'approved' ? `Godkjent referat${m.approvedOn ? ` (godkjent i møtet ${dato(m.approvedOn)})` : ''}` : 'Referatutkast'),
      ` (møtet er ${word(MEETING_STATE, m.state)}).`,
    ),
    h('p', { class: 'docs' }, 'Dokument: ', docButton('Markdown', 'text/markdown', m.meetingId), ' ', docButton('HTML', 'text/html', m.meetingId), ' ', docButton('PDF', 'application/pdf', m.meetingId, `referat-${m.committee}-${m.number.replace('/', '-')}.pdf`), h('span', { id: 'minutes-docnote', role: 'status' })),
    att
      ? h(
          'dl',
          { class: 'attendance' },
          // as the real minutes: observers who attended under Observatører, not among the members present
          h('dt', {}, 'Til stede'),
          h('dd', {}, people(att.present.filter((p) => p.role !== 'observer'))),
          h('dt', {}, 'Forfall'),
          h('dd', {}, people(att.absent)),
          m.observers.length ? [h('dt', {}, 'Observatører'), h('dd', {}, people(m.observers))] : null,
          att.guests.length ? [h('dt', {}, 'Gjester'), h('dd', {}, att.guests.join(', '))] : null,
        )
      : h('p', {}, `Medlemmer: ${people(m.members)}. Observatører: ${people(m.observers)}.`),
    h(
      'ol',
      { class: 'cases' },
      ...m.cases.map((c) => {
        const li = h(
          'li',
          { dataset: { case: c.caseId } },
          h('h4', {}, `Sak ${c.number ?? '(uten nummer)'} ${c.title}`),
          h('p', { class: 'meta' }, `${word(CASE_TYPE, c.type)} · ${word(CASE_STATE, c.state)}${c.presenter ? ` · saksframlegger: ${c.presenter}` : ''}`),
          c.summary ? h('p', {}, c.summary) : null,
          c.points.length ? h('ul', {}, ...c.points.map((p) => h('li', {}, p))) : null,
          c.input.length ? [h('p', {}, 'Innspill:'), h('ol', {}, ...c.input.map((p) => h('li', {}, p)))] : null,
          c.resolution
            ? h('p', { class: 'vedtak' }, h('strong', {}, 'Vedtak: '), h('span', { class: 'verbatim' }, c.resolution), c.conditions ? h('span', { class: 'verbatim' }, ` ${c.conditions}`) : null)
            : c.postponed || c.withdrawn
              ? null
              : h('p', { class: 'vedtak pending' }, h('strong', {}, 'Forslag til vedtak: '), h('span', { class: 'verbatim' }, c.proposedResolution)),
          // as the minutes print them: Oversendt til, Utsatt, Trukket
          ...(c.referrals ?? []).map((r) => h('p', { class: 'mark' }, h('em', {}, `Oversendt til ${r.committee}${r.committeeName && r.committeeName !== r.committee ? ` (${r.committeeName})` : ''}`))),
          c.postponed ? h('p', { class: 'mark' }, h('em', {}, 'Utsatt: '), h('span', { class: 'verbatim' }, c.postponed.reason)) : null,
          c.withdrawn ? h('p', { class: 'mark' }, h('em', {}, 'Trukket: '), h('span', { class: 'verbatim' }, c.withdrawn.reason)) : null,
          c.followUps.length ? [h('p', {}, 'Oppfølging:'), h('ul', {}, ...c.followUps.map((f) => h('li', {}, f.text)))] : null,
        );
        if (before.size && before.get(c.caseId) !== shownCases.get(c.caseId)) {
          flash(li);
          changed.push(c.number ? `sak ${c.number}` : c.title);
        }
        return li;
      }),
    ),
  );
  el.dataset.meeting = m.meetingId;
  el.hidden = false;
  if (changed.length) announce(`Referatet for møte ${m.number} er oppdatert: ${changed.join(', ')}.`);
}

function minutesMessage(text) {
  const el = $('#minutes');
  el.replaceChildren(h('p', { class: 'note' }, text));
  el.hidden = false;
}

async function showMinutes(meetingId) {
  selectedMeeting = meetingId;
  for (const tr of document.querySelectorAll('#cycle tbody tr')) tr.classList.toggle('selected', tr.dataset.meeting === meetingId);
  minutesFeed?.close();
  minutesFeed = null;
  feedState('minutes', null);
  shownCases = new Map();
  // Draft minutes are not public: say so without asking (the API would answer 401).
  if (cycleRows.get(meetingId)?.minutes === 'draft' && !token.get()) return minutesMessage(DRAFT_NEEDS_TOKEN);
  try {
    const { data, position: p } = await getJson(`/api/meetings/${encodeURIComponent(meetingId)}/minutes`);
    if (selectedMeeting !== meetingId) return;
    renderMinutes(data);
    seen(p);
    $('#minutes-h').focus();
  } catch (err) {
    if (selectedMeeting !== meetingId) return;
    if (err instanceof ApiError && err.status === 401)
      minutesMessage(DRAFT_NEEDS_TOKEN);
    else if (err instanceof ApiError && err.status === 403) minutesMessage('Tokenet ditt gir ikke tilgang til dette referatutkastet.');
    else minutesMessage(`Kunne ikke hente referatet (${problemText(err)}).`);
    return;
  }
  const used = token.get();
  minutesFeed = openFeed(`/api/live/meetings/${encodeURIComponent(meetingId)}`, {
    token: used,
    onState: (s) => feedState('minutes', s),
    // The token was refused (expired since the minutes were read): drop it, show what is public.
    onUnauthorized: () => {
      rejectToken(used);
      if (selectedMeeting === meetingId) showMinutes(meetingId);
    },
    onSnapshot: (m, id) => {
      if (selectedMeeting === meetingId && m) renderMinutes(m);
      seen(id);
    },
    onChange: (m, id) => {
      if (selectedMeeting === meetingId && m) renderMinutes(m);
      seen(id);
      reloadCycle({ minPosition: id ?? undefined });
    },
  });
}

// ---------------------------------------------------------------- token, committees, start

const TOKEN_UNKNOWN = 'Ukjent token (feil eller utløpt): ikke i bruk. Viser offentlige data.';
let tokenNote = ''; // why the page shows no token, when it was refused

function renderTokenState() {
  $('#token-state').textContent = token.get() ? 'Token i bruk.' : tokenNote || 'Ikke innlogget (offentlige data).';
  $('#token-state').dataset.state = token.get() ? 'in-use' : tokenNote ? 'unknown' : 'none';
}

/** The token changed: what depends on it is read again. */
function tokenChanged() {
  renderTokenState();
  reloadCycle();
  if (selectedMeeting) showMinutes(selectedMeeting);
}

function startToken() {
  // A saved token the API refuses (401) is dropped where it is used (api.js); say so.
  onTokenRejected(() => {
    tokenNote = TOKEN_UNKNOWN;
    renderTokenState();
    $('details.login').open = true; // the message is inside: show it
  });
  renderTokenState();
  $('#token-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const input = $('#token');
    const given = input.value.trim();
    input.value = '';
    tokenNote = '';
    // Checked once when entered, with a cheap authenticated GET: a mistyped token is never kept.
    if (given && !(await checkToken(given))) {
      token.set('');
      tokenNote = TOKEN_UNKNOWN;
    } else token.set(given);
    tokenChanged();
  });
  $('#token-clear').addEventListener('click', () => {
    token.set('');
    tokenNote = '';
    tokenChanged();
  });
}

async function startCommittees() {
  $('#cycle-filter').addEventListener('submit', (e) => {
    e.preventDefault();
    reloadCycle();
  });
  $('#cycle-committee').addEventListener('change', () => reloadCycle());
  try {
    const { data } = await getJson('/api/committees');
    const options = () => data.map((c) => h('option', { value: c.code }, `${c.code} – ${c.name}`));
    $('#decisions-committee').append(...options());
    $('#cycle-committee').append(...options());
    const nehs = data.find((c) => c.code === 'NEHS') ?? data[0];
    if (nehs) $('#cycle-committee').value = nehs.code;
    reloadCycle();
  } catch (err) {
    $('#cycle-note').textContent = `Kunne ikke hente utvalgene (${problemText(err)}).`;
  }
}

renderStatus();
startToken();
startDecisions();
startPortfolio();
startCommittees();
