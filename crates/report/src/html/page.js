// Draws the grid from the embedded results (as written by the run) and catalog (derived in
// Rust: rows, boundaries, grouped diagnostics, verdicts). Plain browser JavaScript, no library.
'use strict';
const RUN = JSON.parse(document.getElementById('results').textContent);
const CAT = JSON.parse(document.getElementById('catalog').textContent);
const LEGEND = Object.fromEntries(CAT.legend.map(l => [l.outcome, l]));
const key = (pattern, release, python, variant) => [pattern, release, python, variant || ''].join('|');
const CELLS = new Map(RUN.results.map(c => [key(c.pattern, c.pyo3, c.python, c.variant), c]));
const $ = id => document.getElementById(id);

function el(tag, props, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props || {});
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

// An element holding text whose `backquoted` parts are code, as the catalog writes them.
function rich(tag, text, className) {
  const e = el(tag, {className: className || ''});
  text.split('`').forEach((part, i) => e.append(i % 2 ? el('code', {}, part) : part));
  return e;
}

function symbolOf(c) {
  return LEGEND[c.outcome].symbol + (c.gil_reenabled === true ? CAT.gil.mark : '');
}

function describeRun() {
  const date = new Date(RUN.started_unix * 1000).toISOString().slice(0, 10);
  const interpreters = RUN.interpreters.map(i => i.flavor + (i.version ? ' (' + i.version + ')' : ' (missing)')).join(', ');
  $('provenance').textContent = 'Observed on ' + date + ' by pyo3-matrix ' + RUN.tool_version + ' with ' + RUN.rustc +
    (RUN.maturin ? ' and ' + RUN.maturin : '') + '; interpreters: ' + interpreters + '; ' + RUN.results.length + ' results.';
}

function drawLegend() {
  const counts = {};
  for (const c of RUN.results) counts[c.outcome] = (counts[c.outcome] || 0) + 1;
  for (const l of CAT.legend) {
    const item = el('li', {title: l.meaning}, l.symbol + ' ' + l.outcome, el('span', {className: 'n'}, String(counts[l.outcome] || 0)));
    item.style.background = l.colour;
    $('legend').append(item);
  }
  $('legend').append(el('li', {title: CAT.gil.meaning}, CAT.gil.mark + ' GIL re-enabled on import'));
  $('legend').append(el('li', {className: 'break-key', title: 'the first release where the row stops working after having worked'}, '▎first broken'));
}

function fillSelect(id, values) {
  for (const v of values) $(id).append(el('option', {value: v}, v));
  $(id).onchange = draw;
}

// One line per distinct boundary among the interpreters shown, naming them unless all agree:
// "0.24.2 → 0.25.1", "3.12, 3.13: 0.30.1 → none", "3.13t: never worked".
function boundaryText(row, pythons) {
  const lines = new Map();
  for (const py of pythons) {
    const b = row.boundaries[py];
    const text = !b ? 'not run' : b.last_working ? b.last_working + ' → ' + (b.first_broken || 'none') : 'never worked';
    lines.set(text, [...(lines.get(text) || []), py]);
  }
  if (lines.size === 1) return [...lines.keys()];
  return [...lines].map(([text, pys]) => pys.join(', ') + ': ' + text);
}

function headerRows(pythons) {
  const releases = el('tr', {className: 'releases'});
  releases.append(el('th', {className: 'name', rowSpan: 2}, 'pattern'), el('th', {rowSpan: 2}, 'last working → first broken'));
  for (const r of CAT.releases) releases.append(el('th', {colSpan: pythons.length, className: 'release-start'}, r));
  const sub = el('tr', {className: 'pythons'});
  for (const r of CAT.releases) pythons.forEach((py, i) => sub.append(el('th', {className: i === 0 ? 'release-start' : ''}, py)));
  return el('thead', {}, releases, sub);
}

function cellElement(pattern, row, release, python, first, want) {
  const td = el('td', {className: 'cell' + (first ? ' release-start' : '')});
  const c = CELLS.get(key(pattern.id, release, python, row.variant));
  if (!c) return [td, false];
  td.textContent = symbolOf(c);
  td.style.background = LEGEND[c.outcome].colour;
  td.title = release + ' · ' + python + ' — ' + c.outcome + (c.codes.length ? ' ' + c.codes.join(' ') : '');
  td.tabIndex = 0;
  td.dataset.key = key(pattern.id, release, python, row.variant);
  td.dataset.outcome = c.outcome;
  if ((row.boundaries[python] || {}).first_broken === release) td.classList.add('break');
  if (want && c.outcome !== want) td.classList.add('dim');
  td.onclick = () => show(c, td);
  td.onkeydown = e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); show(c, td); } };
  return [td, c.outcome === want];
}

function draw() {
  const category = $('f-category').value, only = $('f-python').value, want = $('f-outcome').value;
  const pythons = only ? [only] : CAT.pythons;
  const body = el('tbody');
  let shownRows = 0, currentCategory = null;
  for (const p of CAT.patterns) {
    if (category && p.category !== category) continue;
    for (const row of p.rows) {
      const tr = el('tr', {className: 'row'});
      tr.dataset.pattern = p.id;
      if (row.variant) tr.dataset.variant = row.variant;
      const name = row.variant ? el('td', {className: 'name', title: p.title}, '↳ ' + p.id + ' ', el('small', {}, '[' + row.variant + ']'))
        : el('td', {className: 'name', title: p.title}, p.id);
      const bound = el('td', {className: 'bound'});
      boundaryText(row, pythons).forEach((line, i) => { if (i) bound.append(el('br')); bound.append(line); });
      tr.append(name, bound);
      let matches = !want, any = false;
      for (const r of CAT.releases) pythons.forEach((py, i) => {
        const [td, hit] = cellElement(p, row, r, py, i === 0, want);
        matches = matches || hit;
        any = any || td.dataset.key !== undefined;
        tr.append(td);
      });
      if (!matches || !any) continue;
      if (currentCategory !== p.category) {
        currentCategory = p.category;
        body.append(el('tr', {className: 'cat'}, el('th', {colSpan: 2 + CAT.releases.length * pythons.length}, p.category)));
      }
      body.append(tr);
      shownRows++;
    }
  }
  $('grid').replaceChildren(headerRows(pythons), body);
  $('shown').textContent = shownRows + (shownRows === 1 ? ' row' : ' rows');
}

function section(parent, title, ...content) {
  parent.append(el('h3', {}, title), ...content);
}

function pre(text, className) {
  return el('pre', {className: className || ''}, text);
}

function show(c, td) {
  const p = CAT.patterns.find(x => x.id === c.pattern);
  const row = p.rows.find(r => (r.variant || null) === (c.variant || null));
  const b = $('details-body'), l = LEGEND[c.outcome];
  document.querySelectorAll('td.cell.selected').forEach(x => x.classList.remove('selected'));
  td.classList.add('selected');
  b.replaceChildren();
  b.append(el('h2', {}, p.id), rich('p', p.title, 'where'));
  b.append(el('p', {className: 'where'}, 'PyO3 ' + c.pyo3 + ' · Python ' + c.python + (c.variant ? ' · variant ' + c.variant : '')));
  const badge = el('span', {className: 'outcome'}, symbolOf(c) + ' ' + c.outcome);
  badge.style.background = l.colour;
  b.append(el('p', {}, badge, ' ' + l.meaning));
  if (c.codes.length) section(b, 'codes', pre(c.codes.join(' '), 'codes'));
  if (c.message) section(b, 'first message', pre(c.message, 'message'));
  if (c.failure) {
    const f = c.failure;
    section(b, 'failing test', pre(f.test + (f.exception ? '\n' + f.exception + (f.message ? ': ' + f.message : '') : ''), 'failure'));
  }
  if (c.escape_hatch) section(b, 'escape hatch', pre(c.escape_hatch, 'escape-hatch'));
  if (c.signal) section(b, 'signal', pre(c.signal, 'signal'));
  if (c.gil_reenabled !== null && c.gil_reenabled !== undefined) {
    section(b, 'GIL re-enabled on import', pre(c.gil_reenabled ? 'yes' : 'no', 'gil'));
  }
  const here = c.pyo3 + '/' + c.python;
  const groups = (row ? row.diagnostics : []).filter(g => g.cells.includes(here));
  if (groups.length) {
    section(b, 'diagnostics (each once, with the cells that emitted it)', ...groups.map(g =>
      el('div', {className: 'diagnostic'}, pre(g.text), el('div', {className: 'emitted'}, 'emitted by: ' + g.cells.join(' ')))));
  }
  if (c.stacks) section(b, 'stacks', pre(c.stacks, 'stacks'));
  if (c.log) section(b, 'log', el('details', {}, el('summary', {}, 'tail of the build or test log'), pre(c.log, 'log')));
  section(b, 'the pattern', rich('p', p.shows));
  if (p.fix) section(b, 'fix', rich('p', p.fix));
  const links = el('p', {}, el('a', {href: 'patterns/' + p.id + '.md'}, 'pattern page'));
  if (p.link) links.append(' · ', el('a', {href: p.link}, 'migration guide / changelog'));
  b.append(links);
  for (const claim of p.claims) {
    section(b, 'claim by ' + claim.who, rich('blockquote', claim.text),
      el('p', {}, el('span', {className: 'verdict'}, claim.verdict), ' — ' + claim.reason + ' (', el('a', {href: 'claims.md'}, 'rule'), ')'));
  }
  $('details').hidden = false;
  document.body.classList.add('with-details');
}

function hide() {
  $('details').hidden = true;
  document.body.classList.remove('with-details');
}
$('close').onclick = hide;
document.addEventListener('keydown', e => { if (e.key === 'Escape') hide(); });
describeRun();
drawLegend();
fillSelect('f-category', [...new Set(CAT.patterns.map(p => p.category))]);
fillSelect('f-python', CAT.pythons);
fillSelect('f-outcome', CAT.legend.map(l => l.outcome));
draw();
