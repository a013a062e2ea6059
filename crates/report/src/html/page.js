// Draws index.html from the data Rust embedded: texts by number in D.strings, cells as
// [state, label, codes, message, gil, hatch, fix, said]. Every state, history, support verdict and
// upgrade answer was decided in Rust; this only looks them up and draws them.
// What the panel shows beyond that comes per pattern from cells/<id>.js, by <script src>,
// which loads from file:// where fetch() does not. Plain browser JavaScript, no library.
'use strict';
const $ = id => document.getElementById(id);
const D = JSON.parse($('data').textContent);
const text = i => D.strings[i];
const NPY = D.pythons.length;
const PATTERNS = new Map(D.patterns.map(p => [p.id, p]));
const UPGRADES = new Map(D.upgrades.map(u => [u.slice(0, 3).join('|'), u]));

function el(tag, props, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props || {});
  for (const c of children) if (c !== null && c !== undefined && c !== '') e.append(c);
  return e;
}

// An element holding text whose `backquoted` parts are code, as the data writes them.
function rich(tag, s, className) {
  const e = el(tag, {className: className || ''});
  s.split('`').forEach((part, i) => e.append(i % 2 ? el('code', {}, part) : part));
  return e;
}

// The cell of pattern p, row number `row` (0 is the plain row), release and interpreter
// numbers r and py; null where nothing ran.
function cellOf(p, row, r, py) {
  const c = p.rows[row] && p.rows[row].cells[r * NPY + py];
  if (!c) return null;
  return {p, row, r, py, state: D.states[c[0]], label: text(c[1]), codes: text(c[2]), message: text(c[3]),
    gil: c[4], hatch: text(c[5]), fix: text(c[6]), said: text(c[7])};
}

// A cell's key, as in data-key and in permalinks: pattern|release|python|variant.
function cellKey(c) {
  return [c.p.id, D.releases[c.r], D.pythons[c.py], c.p.rows[c.row].variant || ''].join('|');
}

function cellByKey(key) {
  const [id, release, python, variant] = key.split('|');
  const p = PATTERNS.get(id);
  if (!p) return null;
  return cellOf(p, p.rows.findIndex(x => (x.variant || '') === (variant || '')), D.releases.indexOf(release),
    D.pythons.indexOf(python));
}

// What is shown, kept in the URL's hash so that every view is a permalink.
const VIEW_KEYS = ['q', 'category', 'python', 'state', 'cell', 'pattern', 'from', 'to', 'on'];
let view = {};

function readHash() {
  const h = new URLSearchParams(location.hash.slice(1));
  view = Object.fromEntries(VIEW_KEYS.map(k => [k, h.get(k) || '']));
}

function writeHash() {
  const h = new URLSearchParams();
  for (const k of VIEW_KEYS) if (view[k]) h.set(k, view[k]);
  const hash = h.toString();
  history.replaceState(null, '', hash ? '#' + hash : location.pathname);
}

function describeRun() {
  const run = D.run;
  const date = new Date(run.started_unix * 1000).toISOString().slice(0, 10);
  const interpreters = run.interpreters.map(i => i.flavor + (i.version ? ' (' + i.version + ')' : ' (missing)')).join(', ');
  $('provenance').textContent = 'Observed on ' + date + ' by pyo3-matrix ' + run.tool_version + ' with ' + run.rustc +
    (run.maturin ? ' and ' + run.maturin : '') + '; interpreters: ' + interpreters + '; ' + run.results + ' results.';
}

function drawLegend() {
  for (const s of D.states) {
    const swatch = el('span', {className: 'swatch'}, s.symbol);
    swatch.style.background = s.colour;
    const item = el('li', {title: s.meaning}, swatch, ' ' + s.word + ' ', el('span', {className: 'n'}, String(s.count)));
    item.dataset.state = s.key;
    $('legend').append(item);
  }
  $('legend').append(el('li', {className: 'break-key', title: 'the first release where the row stops working after having worked'},
    'first broken'));
}

function fillSelect(id, values, labels) {
  values.forEach((v, i) => $(id).append(el('option', {value: v}, labels ? labels[i] : v)));
}

// One line per distinct history among the interpreters shown, naming them unless all agree:
// "0.24.2 → 0.25.1", "3.12, 3.13: 0.30.1 → none", "3.13t: never worked".
function boundaryText(row, pythons) {
  const lines = new Map();
  for (const py of pythons) {
    const h = row.history[py];
    const t = !h ? 'not run' : h[0] >= 0 ? D.releases[h[0]] + ' → ' + (h[1] >= 0 ? D.releases[h[1]] : 'none') : 'never worked';
    lines.set(t, [...(lines.get(t) || []), D.pythons[py]]);
  }
  if (lines.size === 1) return [...lines.keys()];
  return [...lines].map(([t, pys]) => pys.join(', ') + ': ' + t);
}

function headerRows(pythons) {
  const releases = el('tr', {className: 'releases'});
  releases.append(el('th', {className: 'name', rowSpan: 2, scope: 'col'}, 'pattern'));
  for (const r of D.releases) releases.append(el('th', {colSpan: pythons.length, className: 'release release-start', scope: 'colgroup'}, r));
  releases.append(el('th', {rowSpan: 2, className: 'bound'}, 'last working → first broken'));
  const sub = el('tr', {className: 'pythons'});
  for (const r of D.releases) pythons.forEach((py, i) => sub.append(el('th', {className: i === 0 ? 'release-start' : ''}, D.pythons[py])));
  return el('thead', {}, releases, sub);
}

// The text a pattern's search looks in: id, title, what it shows, its fixes, the words of
// its code.
function haystack(p) {
  if (p.haystack === undefined) p.haystack = [p.id, p.title, p.shows, ...p.fixes.map(f => f[1]), p.search].join('\n').toLowerCase();
  return p.haystack;
}

// A query's words: module paths before a type dropped (`pyo3::types::PyList` is `PyList`,
// as each cell's `said` is written), then runs of letters, digits, `_` and `-` (a variant
// such as gil-refs), so that a pasted message matches whatever its lifetimes and punctuation.
function queryWords(query) {
  return query.replace(/\b(?:[a-z_][a-z0-9_]*::)+(?=[A-Z])/g, '').toLowerCase().split(/[^\p{L}\p{N}_-]+/u).filter(Boolean);
}

// Whether a cell said every word (its codes, message, diagnostics, failing test).
function cellSaid(c, words) {
  return words.length > 0 && words.every(word => c.said.includes(word));
}

// A pattern matches when its own text has every word, or one of its cells said them all.
function matches(p, words) {
  if (words.every(word => haystack(p).includes(word))) return true;
  return p.rows.some((row, ri) => row.cells.some((_, k) => {
    const c = cellOf(p, ri, Math.floor(k / NPY), k % NPY);
    return c !== null && cellSaid(c, words);
  }));
}

function nameCell(p, row) {
  if (row.variant) {
    return el('td', {className: 'name variant', title: p.id + ' [' + row.variant + ']'}, '↳ [' + row.variant + ']');
  }
  const about = el('a', {className: 'about', href: '#pattern=' + encodeURIComponent(p.id), title: 'about ' + p.id}, '¶');
  about.setAttribute('aria-label', 'about ' + p.id);
  about.dataset.pattern = p.id;
  return el('td', {className: 'name', title: p.id + ': ' + p.title},
    el('a', {href: 'patterns/' + encodeURIComponent(p.id) + '.html'}, p.id), about);
}

function cellElement(c, first, want, words) {
  const td = el('td', {className: 'cell' + (first ? ' release-start' : '')});
  if (!c) return td;
  const where = D.releases[c.r] + ' · Python ' + D.pythons[c.py];
  td.textContent = c.state.symbol;
  td.style.background = c.state.colour;
  td.title = where + ' — ' + c.label + (c.message ? ': ' + c.message : '');
  td.setAttribute('aria-label', where + ': ' + c.label);
  td.tabIndex = 0;
  td.dataset.key = cellKey(c);
  td.dataset.state = c.state.key;
  if (c.p.rows[c.row].history[c.py] && c.p.rows[c.row].history[c.py][1] === c.r) td.classList.add('break');
  if (want && c.state.key !== want) td.classList.add('dim');
  if (cellSaid(c, words)) td.classList.add('hit');
  return td;
}

function draw() {
  const words = queryWords(view.q), want = view.state;
  const pythons = D.pythons.map((_, i) => i).filter(i => !view.python || D.pythons[i] === view.python);
  const body = el('tbody');
  let shownRows = 0, currentCategory = null;
  for (const p of D.patterns) {
    if (view.category && p.category !== view.category) continue;
    if (words.length && !matches(p, words)) continue;
    p.rows.forEach((row, ri) => {
      const tr = el('tr', {className: 'row'});
      tr.dataset.pattern = p.id;
      if (row.variant) tr.dataset.variant = row.variant;
      tr.append(nameCell(p, row));
      let wanted = !want, any = false;
      D.releases.forEach((_, r) => pythons.forEach((py, i) => {
        const c = cellOf(p, ri, r, py);
        any = any || c !== null;
        wanted = wanted || (c !== null && c.state.key === want);
        tr.append(cellElement(c, i === 0, want, words));
      }));
      tr.append(el('td', {className: 'bound'}, boundaryText(row, pythons).join(' · ')));
      if (!wanted || !any) return;
      if (currentCategory !== p.category) {
        currentCategory = p.category;
        body.append(el('tr', {className: 'cat'}, el('th', {colSpan: 2 + D.releases.length * pythons.length}, el('span', {}, p.category))));
      }
      body.append(tr);
      shownRows++;
    });
  }
  $('grid').replaceChildren(headerRows(pythons), body);
  $('shown').textContent = shownRows + (shownRows === 1 ? ' row' : ' rows');
  markSelected();
}

// The cell or row the panel is about, marked in the grid.
function markSelected() {
  document.querySelectorAll('.selected').forEach(x => x.classList.remove('selected'));
  if (view.cell) {
    const td = document.querySelector('td.cell[data-key="' + CSS.escape(view.cell) + '"]');
    if (td) td.classList.add('selected');
  }
  if (view.pattern) {
    const tr = document.querySelector('tr.row[data-pattern="' + CSS.escape(view.pattern) + '"]:not([data-variant])');
    if (tr) tr.classList.add('selected');
  }
}

// Details files: each pattern's loaded once, on demand.
const DETAILS = new Map(), ARRIVING = new Map();
window.pyo3MatrixDetails = (id, data) => { if (ARRIVING.has(id)) ARRIVING.get(id)(data); };

function loadDetails(id) {
  if (!DETAILS.has(id)) {
    DETAILS.set(id, new Promise(resolve => {
      ARRIVING.set(id, resolve);
      const s = el('script', {src: 'cells/' + encodeURIComponent(id) + '.js'});
      // A file that is missing or says nothing settles the wait too, with nothing.
      s.onerror = s.onload = () => resolve(null);
      document.head.append(s);
    }));
  }
  return DETAILS.get(id);
}

function section(parent, title, ...content) {
  parent.append(el('h3', {}, title), ...content);
}

function disclosure(summary, body) {
  return el('details', {}, el('summary', {}, summary), el('pre', {}, body));
}

function links(p) {
  const out = el('p', {}, el('a', {href: 'patterns/' + encodeURIComponent(p.id) + '.html'}, 'pattern page'));
  if (p.link) out.append(' · ', el('a', {href: p.link}, 'migration guide / changelog'));
  out.append(' · ', el('a', {href: location.href, className: 'permalink'}, 'permalink'));
  return out;
}

function claims(parent, details) {
  for (const claim of details.claims) {
    section(parent, 'claim by ' + claim.who, rich('blockquote', claim.text),
      el('p', {}, el('span', {className: 'verdict'}, claim.verdict), ' — ', rich('span', claim.reason), ' (', el('a', {href: 'claims.html'}, 'rule'), ')'));
  }
}

// The keys of the hash that name what the panel shows; one view at a time.
const PANEL_KEYS = ['cell', 'pattern', 'from', 'to', 'on'];
// Counts the panel's views, so that details arriving for a view left are dropped.
let panelToken = 0;

// Opens the panel on one view (a cell, a pattern or an upgrade), remembered in the hash.
function openPanel(which, fill) {
  for (const k of PANEL_KEYS) if (!(k in which)) view[k] = '';
  Object.assign(view, which);
  writeHash();
  markSelected();
  const b = $('details-body');
  b.replaceChildren();
  $('details').hidden = false;
  document.body.classList.add('with-details');
  const token = ++panelToken;
  const later = fill(b);
  if (later) {
    $('details').setAttribute('aria-busy', 'true');
    later.then(more => {
      if (token !== panelToken) return;
      more(b);
      $('details').removeAttribute('aria-busy');
    });
  } else {
    $('details').removeAttribute('aria-busy');
  }
}

function openCell(c) {
  const p = c.p, variant = p.rows[c.row].variant;
  openPanel({cell: cellKey(c)}, b => {
    b.append(el('h2', {}, el('a', {href: 'patterns/' + encodeURIComponent(p.id) + '.html'}, p.id)), rich('p', p.title, 'where'));
    b.append(el('p', {className: 'where'}, 'PyO3 ' + D.releases[c.r] + ' · Python ' + D.pythons[c.py] + (variant ? ' · variant ' + variant : '')));
    const badge = el('span', {className: 'badge'}, c.label);
    badge.style.background = c.state.colour;
    // The one-line cause first, then what to do about it; the evidence after.
    b.append(el('p', {className: 'lead'}, badge, ' ', c.message ? rich('span', c.message) : c.state.meaning));
    if (!c.state.works && c.fix) b.append(el('div', {className: 'fix'}, el('strong', {}, 'Fix: '), rich('span', c.fix)));
    if (c.hatch) b.append(el('div', {className: 'hatch'}, el('strong', {}, 'Escape hatch: '), rich('span', c.hatch)));
    if (c.gil) b.append(el('p', {className: 'gil'}, c.gil === 2 ? '◐ Importing the module re-enabled the GIL.' : 'The GIL stayed off on import.'));
    if (c.codes) section(b, 'codes', el('pre', {className: 'codes'}, c.codes));
    const loaded = el('div', {className: 'loaded'});
    b.append(loaded, links(p));
    return loadDetails(p.id).then(d => b => {
      if (!d) {
        loaded.append(el('p', {className: 'note'}, 'The details file cells/' + p.id + '.js could not be loaded.'));
        return;
      }
      const row = d.rows[c.row], said = row.cells[D.releases[c.r] + '|' + D.pythons[c.py]] || {};
      if (said.message) section(loaded, 'whole message', el('pre', {}, said.message));
      if (said.failure) section(loaded, 'failing test', el('pre', {className: 'failure'}, said.failure));
      if (said.signal) section(loaded, 'signal', el('pre', {className: 'signal'}, said.signal));
      const here = D.releases[c.r] + '/' + D.pythons[c.py];
      const groups = row.diagnostics.filter(g => g.cells.includes(here));
      if (groups.length) {
        section(loaded, 'diagnostics (each once, with the cells that emitted it)', ...groups.map(g =>
          el('div', {className: 'diagnostic'}, el('pre', {}, g.text), el('div', {className: 'emitted'}, 'emitted by: ' + g.cells.join(' ')))));
      }
      if (said.stacks) loaded.append(disclosure('stack (pytest’s own frames left out)', said.stacks));
      if (said.log) loaded.append(disclosure('tail of the build or test log', said.log));
      if (row.runs[D.pythons[c.py]]) section(loaded, 'this row on Python ' + D.pythons[c.py], el('p', {}, row.runs[D.pythons[c.py]]));
      section(loaded, 'the pattern', rich('p', p.shows));
      if (c.state.works && c.fix) section(loaded, 'fix', rich('p', c.fix));
      claims(loaded, d);
    });
  });
}

function openPattern(p) {
  openPanel({pattern: p.id}, b => {
    b.append(el('h2', {}, el('a', {href: 'patterns/' + encodeURIComponent(p.id) + '.html'}, p.id)), rich('p', p.title, 'where'));
    b.append(el('p', {className: 'where'}, 'Category ' + p.category));
    b.append(rich('p', p.shows));
    for (const [scope, fix] of p.fixes) {
      b.append(el('div', {className: 'fix'}, el('strong', {}, 'Fix' + (scope ? ' (' + scope + ')' : '') + ': '), rich('span', fix)));
    }
    const loaded = el('div', {className: 'loaded'});
    b.append(loaded, links(p));
    return loadDetails(p.id).then(d => () => {
      if (!d) return;
      d.rows.forEach((row, i) => {
        const lines = el('ul', {className: 'runs'});
        for (const [py, story] of Object.entries(row.runs)) lines.append(el('li', {}, py + ': ' + story));
        section(loaded, p.rows[i].variant ? 'observed, variant ' + p.rows[i].variant : 'observed', lines);
      });
      claims(loaded, d);
    });
  });
}

function moveItem(p, kind, before, after) {
  const li = el('li', {}, el('a', {href: 'patterns/' + encodeURIComponent(p.id) + '.html'}, p.id), ' ');
  const change = el('a', {href: '#cell=' + encodeURIComponent(cellKey(after)), className: 'change'}, '(' + before.label + ' → ' + after.label + ')');
  change.dataset.cell = cellKey(after);
  li.append(change);
  if (D.moves[kind].key === 'regressed' && after.fix) li.append(el('div', {className: 'how'}, el('strong', {}, 'Fix: '), rich('span', after.fix)));
  if (D.moves[kind].key === 'regressed' && p.link) li.append(el('div', {className: 'how'}, el('a', {href: p.link}, 'migration guide / changelog')));
  return li;
}

function openUpgrade(from, to, on) {
  const i = D.releases.indexOf(from), j = D.releases.indexOf(to), k = D.pythons.indexOf(on);
  openPanel({from, to, on}, b => {
    b.append(el('h2', {}, 'Upgrading PyO3 ' + from + ' → ' + to + ' on Python ' + on));
    const u = UPGRADES.get([i, j, k].join('|'));
    if (!u) {
      b.append(el('p', {className: 'note'}, i >= 0 && j >= 0 && i >= j ? 'Pick a release after ' + from + ' to upgrade to.' : 'No such upgrade in this run.'));
      return;
    }
    const [, , , start, event, moves] = u;
    if (start !== k) {
      b.append(el('p', {className: 'start'}, from + ' does not build for Python ' + on + ', so you are on Python ' + D.pythons[start] + ' today.'));
    }
    b.append(el('ul', {className: 'support'},
      el('li', {}, from + ' on Python ' + D.pythons[start] + ': ' + text(D.support[i][start])),
      el('li', {}, to + ' on Python ' + on + ': ' + text(D.support[j][k]))));
    if (event) b.append(rich('div', text(event), 'event'));
    b.append(el('p', {className: 'note'}, 'The cells at ' + from + ' on Python ' + D.pythons[start] + ' beside those at ' + to +
      ' on Python ' + on + ', for the patterns that work where you start.'));
    D.moves.forEach((kind, n) => {
      const listed = [];
      for (let m = 0; m < moves.length; m += 2) if (moves[m + 1] === n) listed.push(D.patterns[moves[m]]);
      if (!listed.length) return;
      const list = el('ul', {className: 'moves'});
      list.dataset.kind = kind.key;
      for (const p of listed) list.append(moveItem(p, n, cellOf(p, 0, i, start), cellOf(p, 0, j, k)));
      section(b, kind.word + ' (' + listed.length + ')', list);
    });
    if (!moves.length && !event) b.append(el('p', {className: 'quiet'}, 'Nothing that worked breaks.'));
    b.append(el('p', {}, el('a', {href: 'upgrades.html'}, 'upgrades'), ' · ', el('a', {href: location.href, className: 'permalink'}, 'permalink')));
  });
}

function closePanel() {
  panelToken++;
  $('details').hidden = true;
  $('details').removeAttribute('aria-busy');
  document.body.classList.remove('with-details');
}

function hide() {
  for (const k of PANEL_KEYS) view[k] = '';
  writeHash();
  markSelected();
  closePanel();
}

// The view in the hash, drawn: the filters, then the panel it names.
function apply() {
  readHash();
  $('f-search').value = view.q;
  $('f-category').value = view.category;
  $('f-python').value = view.python;
  $('f-state').value = view.state;
  draw();
  const c = view.cell && cellByKey(view.cell), p = view.pattern && PATTERNS.get(view.pattern);
  if (c) openCell(c);
  else if (p) openPattern(p);
  else if (view.from && view.to && view.on) {
    $('u-from').value = view.from; $('u-to').value = view.to; $('u-python').value = view.on;
    openUpgrade(view.from, view.to, view.on);
  } else {
    closePanel();
  }
}

function filtersChanged() {
  Object.assign(view, {q: $('f-search').value, category: $('f-category').value, python: $('f-python').value, state: $('f-state').value});
  writeHash();
  draw();
}

function upgradeChanged(e) {
  if (e) e.preventDefault();
  openUpgrade($('u-from').value, $('u-to').value, $('u-python').value);
}

describeRun();
drawLegend();
fillSelect('f-category', [...new Set(D.patterns.map(p => p.category))]);
fillSelect('f-python', D.pythons);
fillSelect('f-state', D.states.map(s => s.key), D.states.map(s => s.symbol + ' ' + s.word));
fillSelect('u-from', D.releases);
fillSelect('u-to', D.releases);
fillSelect('u-python', D.pythons);
$('u-to').value = D.releases[D.releases.length - 1];
for (const id of ['f-category', 'f-python', 'f-state']) $(id).onchange = filtersChanged;
$('f-search').oninput = filtersChanged;
$('filters').onsubmit = e => e.preventDefault();
$('upgrade').onsubmit = upgradeChanged;
for (const id of ['u-from', 'u-to', 'u-python']) $(id).onchange = () => { if (view.from) upgradeChanged(); };
$('grid').onclick = e => {
  const about = e.target.closest('a.about');
  if (about) { e.preventDefault(); openPattern(PATTERNS.get(about.dataset.pattern)); return; }
  const td = e.target.closest('td.cell[data-key]');
  if (td) openCell(cellByKey(td.dataset.key));
};
$('grid').onkeydown = e => {
  const td = e.target.closest('td.cell[data-key]');
  if (td && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); openCell(cellByKey(td.dataset.key)); }
};
$('details').onclick = e => {
  const change = e.target.closest('a.change');
  if (change) { e.preventDefault(); openCell(cellByKey(change.dataset.cell)); }
};
$('close').onclick = hide;
document.addEventListener('keydown', e => { if (e.key === 'Escape' && !$('details').hidden) hide(); });
window.addEventListener('hashchange', apply);
apply();
