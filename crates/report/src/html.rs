//! `index.html`: a caniuse-style grid that opens from disk (no server): the data is
//! embedded as JSON and drawn by a small script; clicking a cell shows its details.

use crate::grid::Grid;
use crate::legend::{colour, meaning, symbol};
use anyhow::Result;
use pyo3_matrix_model::{Outcome, RunResults};
use serde_json::json;

/// The page for `grid` (drawn from `results`).
pub fn page(grid: &Grid, results: &RunResults) -> Result<String> {
    let patterns: Vec<serde_json::Value> = grid
        .patterns()
        .iter()
        .map(|p| {
            let boundaries: serde_json::Map<String, serde_json::Value> = grid
                .pythons
                .iter()
                .map(|py| {
                    let b = grid.boundary(&p.id, py);
                    (
                        py.clone(),
                        json!({ "last_working": b.last_working, "first_broken": b.first_broken }),
                    )
                })
                .collect();
            json!({
                "id": p.id, "title": p.meta.title, "category": p.meta.category, "shows": p.meta.shows,
                "fix": p.meta.fix, "link": p.meta.link, "variants": grid.variants_of(&p.id),
                "boundaries": boundaries,
            })
        })
        .collect();
    let legend: Vec<serde_json::Value> = Outcome::ALL
        .iter()
        .map(|o| json!({ "outcome": o, "symbol": symbol(*o), "colour": colour(*o), "meaning": meaning(*o) }))
        .collect();
    let data = json!({
        "releases": grid.releases, "pythons": grid.pythons, "patterns": patterns, "legend": legend,
        "results": results.results, "rustc": results.rustc, "tool": results.tool_version,
        "interpreters": results.interpreters,
    });
    // `</` inside the JSON would end the script element early.
    let embedded = serde_json::to_string(&data)?.replace("</", "<\\/");
    Ok(TEMPLATE.replace("__DATA__", &embedded))
}

const TEMPLATE: &str = r##"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PyO3 compatibility, observed</title>
<style>
body{font:14px system-ui,sans-serif;margin:1em 2em;color:#222}
table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:2px 4px;text-align:center}
td.name{text-align:left;white-space:nowrap}tr.cat th{background:#eee;text-align:left}
td.cell{cursor:pointer;min-width:1.6em}td.cell:hover{outline:2px solid #333}
#details{position:fixed;right:1em;top:1em;width:34em;max-height:90vh;overflow:auto;background:#fff;border:1px solid #888;padding:1em;display:none;box-shadow:0 2px 8px #0003}
#details pre{white-space:pre-wrap;font-size:12px;background:#f6f6f6;padding:.5em}
.legend span{display:inline-block;margin:0 .6em .3em 0;padding:1px 6px;border:1px solid #ccc}
label{margin-right:1em}
</style></head><body>
<h1>PyO3 compatibility, observed</h1>
<p>Every cell is a real build of a pattern against a PyO3 release and a real pytest run under an interpreter. Click a cell for its details.</p>
<div class="legend" id="legend"></div>
<p><label>Category <select id="f-category"><option value="">all</option></select></label>
<label>Interpreter <select id="f-python"><option value="">all</option></select></label>
<label>Outcome <select id="f-outcome"><option value="">any</option></select></label></p>
<table id="grid"></table>
<div id="details" role="dialog"><button id="close">close</button><div id="details-body"></div></div>
<script type="application/json" id="data">__DATA__</script>
<script>
const D = JSON.parse(document.getElementById('data').textContent);
const L = Object.fromEntries(D.legend.map(l => [l.outcome, l]));
const key = (p, r, py, v) => [p, r, py, v || ''].join('|');
const cells = new Map(D.results.map(c => [key(c.pattern, c.pyo3, c.python, c.variant), c]));
const el = (tag, attrs = {}, text) => { const e = document.createElement(tag); Object.assign(e, attrs); if (text !== undefined) e.textContent = text; return e; };
for (const l of D.legend) { const s = el('span', {title: l.meaning}, l.symbol + ' ' + l.outcome); s.style.background = l.colour; document.getElementById('legend').append(s); }
const fill = (id, values) => { const s = document.getElementById(id); for (const v of values) s.append(el('option', {value: v}, v)); s.onchange = draw; };
fill('f-category', [...new Set(D.patterns.map(p => p.category))]);
fill('f-python', D.pythons);
fill('f-outcome', D.legend.map(l => l.outcome));
function text(c) { return L[c.outcome].symbol + (c.gil_reenabled === true ? 'ᴳ' : ''); }
function draw() {
  const cat = document.getElementById('f-category').value, only = document.getElementById('f-python').value, want = document.getElementById('f-outcome').value;
  const pys = only ? [only] : D.pythons, t = document.getElementById('grid');
  t.innerHTML = '';
  const h1 = el('tr'); h1.append(el('th', {rowSpan: 2}, 'pattern'));
  for (const r of D.releases) h1.append(el('th', {colSpan: pys.length}, r));
  h1.append(el('th', {rowSpan: 2}, 'last working → first broken'));
  const h2 = el('tr'); for (const r of D.releases) for (const py of pys) h2.append(el('th', {}, py));
  t.append(h1, h2);
  let current = null;
  for (const p of D.patterns) {
    if (cat && p.category !== cat) continue;
    for (const v of [null, ...p.variants]) {
      const row = el('tr', {className: 'row'}); row.dataset.pattern = p.id;
      let shown = !want;
      row.append(el('td', {className: 'name', title: p.title}, p.id + (v ? ' [' + v + ']' : '')));
      for (const r of D.releases) for (const py of pys) {
        const c = cells.get(key(p.id, r, py, v)), td = el('td', {className: 'cell'});
        if (c) { td.textContent = text(c); td.style.background = L[c.outcome].colour; td.title = c.outcome; td.dataset.key = key(p.id, r, py, v); td.onclick = () => show(c); if (c.outcome === want) shown = true; }
        row.append(td);
      }
      const b = pys.map(py => { const x = p.boundaries[py] || {}; return py + ': ' + (x.last_working || '–') + ' → ' + (x.first_broken || '–'); }).join('; ');
      row.append(el('td', {className: 'name'}, v ? '' : b));
      if (!shown) continue;
      if (current !== p.category) { current = p.category; const cr = el('tr', {className: 'cat'}); cr.append(el('th', {colSpan: 2 + D.releases.length * pys.length}, p.category)); t.append(cr); }
      t.append(row);
    }
  }
}
function show(c) {
  const p = D.patterns.find(x => x.id === c.pattern), b = document.getElementById('details-body');
  b.innerHTML = '';
  b.append(el('h2', {}, p.id + ' · PyO3 ' + c.pyo3 + ' · Python ' + c.python + (c.variant ? ' [' + c.variant + ']' : '')));
  b.append(el('p', {className: 'outcome'}, L[c.outcome].symbol + ' ' + c.outcome + ' — ' + L[c.outcome].meaning));
  const field = (label, value) => { if (value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length)) return; b.append(el('h4', {}, label)); b.append(el('pre', {className: 'field-' + label.replace(/\W/g, '')}, Array.isArray(value) ? value.join(', ') : String(value))); };
  field('codes', c.codes); field('message', c.message); field('escape hatch', c.escape_hatch); field('signal', c.signal);
  if (c.failure) field('failing test', c.failure.test + (c.failure.exception ? '\n' + c.failure.exception + ': ' + (c.failure.message || '') : ''));
  if (c.gil_reenabled !== null && c.gil_reenabled !== undefined) field('GIL re-enabled on import', c.gil_reenabled ? 'yes' : 'no');
  const same = new Map();
  for (const o of D.results) if (o.pattern === c.pattern && o.variant === c.variant) for (const d of o.diagnostics || []) {
    const k = d.level + ' ' + (d.code ? '[' + d.code + '] ' : '') + d.message; if (!same.has(k)) same.set(k, []); same.get(k).push(o.pyo3 + '/' + o.python);
  }
  const mine = (c.diagnostics || []).map(d => d.level + ' ' + (d.code ? '[' + d.code + '] ' : '') + d.message);
  if (mine.length) field('diagnostics (each once, with the cells that emitted it)', [...new Set(mine)].map(k => k + '\n   emitted by: ' + same.get(k).join(' ')).join('\n'));
  field('stacks', c.stacks); field('log', c.log);
  if (p.fix) field('fix', p.fix);
  if (p.link) { const a = el('a', {href: p.link}, p.link); b.append(el('h4', {}, 'migration guide'), a); }
  document.getElementById('details').style.display = 'block';
}
document.getElementById('close').onclick = () => document.getElementById('details').style.display = 'none';
draw();
</script></body></html>
"##;
