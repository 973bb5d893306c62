'use strict';
// The Execution tab: every panel is filled from the JSON API; a server-sent event says when to refetch.
const state = { run: null, sort: { key: 'score', desc: true }, updates: 0, csrf: null };
const $ = (id) => document.getElementById(id);
const fmt = (v, digits = 2) => (v === null || v === undefined || Number.isNaN(v)) ? '–' : (typeof v === 'number' ? v.toFixed(digits) : String(v));
const pct = (v) => (v === null || v === undefined) ? '–' : (100 * v).toFixed(1) + '%';
const cell = (text, cls) => { const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; return td; };
const row = (cells, testid) => { const tr = document.createElement('tr'); if (testid) tr.dataset.testid = testid; cells.forEach(c => tr.appendChild(c)); return tr; };
const fill = (id, rows) => { const body = $(id).querySelector('tbody'); body.replaceChildren(...rows); };

async function getJson(url) {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

function renderSymbols(symbols) {
  const scores = symbols.map(s => s.score);
  const { key, desc } = state.sort;
  scores.sort((a, b) => {
    const x = a[key], y = b[key];
    const c = (typeof x === 'string') ? x.localeCompare(y) : ((x ?? -Infinity) - (y ?? -Infinity));
    return desc ? -c : c;
  });
  fill('scores', scores.map(s => row([cell(s.symbol), cell(fmt(s.score, 3)), cell(fmt(s.sharpe, 3)), cell(fmt(s.regime, 3)), cell(fmt(s.router, 3)), cell(fmt(s.fees, 3)), cell(fmt(s.drawdown, 3))], 'score-' + s.symbol)));
  fill('policy', symbols.map(s => row([cell(s.symbol), cell(s.regime), cell(fmt(s.regime_ratio)), cell(s.quality), cell(s.maker_first ? 'yes' : 'no'), cell(fmt(s.taker_bias)), cell(s.reason, 'reason')], 'policy-' + s.symbol)));
  fill('offsets', symbols.map(s => row([cell(s.symbol), cell(fmt(s.offset.offset_bps, 3)), cell(fmt(s.offset.regime_base_bps, 3)), cell(fmt(s.offset.slippage_bps, 3)), cell(fmt(s.offset.fallback_bps, 3)), cell(fmt(s.offset.fill_ratio_bps, 3)), cell(fmt(s.offset.expectancy_bps, 3))], 'offset-' + s.symbol)));
  fill('sizing', symbols.map(s => row([cell(s.symbol), cell(fmt(s.intel_size_factor, 3)), cell(fmt(s.final_size_factor, 3)), cell(s.position), cell(String(s.parents)), cell(String(s.denied)), cell(pct(s.drawdown))], 'sizing-' + s.symbol)));
  fill('last-sizing', symbols.filter(s => s.last_sizing).map(s => { const z = s.last_sizing; return row([cell(s.symbol), cell(String(z.parent_id)), cell(z.base_quantity === null ? '–' : Number(z.base_quantity).toFixed(6)), cell(fmt(z.inverse_vol_factor, 3)), cell(fmt(z.sharpe_multiplier, 3)), cell(fmt(z.intel_size_factor, 3)), cell(fmt(z.risk_scale_factor, 3)), cell(fmt(z.final_size_factor, 3)), cell(String(z.lots)), cell(z.quantity)], 'last-sizing-' + s.symbol); }));
  fill('mirror', symbols.filter(s => s.mirror).map(s => { const m = s.mirror; return row([cell(s.symbol), cell(String(m.commits)), cell(String(m.drops)), cell(String(m.retries)), cell(String(m.failures)), cell(m.circuit_open ? 'open' : 'closed'), cell(m.last_success ?? '–'), cell(m.last_error ?? '–', 'reason')], 'mirror-' + s.symbol); }));
  fill('kpis', symbols.map(s => { const k = s.kpis; return row([cell(s.symbol), cell(String(k.orders)), cell(pct(k.maker_fill_ratio)), cell(pct(k.fallback_ratio)), cell(pct(k.post_only_reject_rate)), cell(fmt(k.slippage_p50_bps)), cell(fmt(k.slippage_p75_bps)), cell(pct(k.error_rate)), cell(fmt(k.latency_p95_ms, 0)), cell(fmt(k.mean_time_to_fill_ms, 0))], 'kpis-' + s.symbol); }));
  const charts = $('offset-charts');
  charts.replaceChildren(...symbols.map(s => { const img = document.createElement('img'); img.alt = s.symbol + ' offset history'; img.src = `/charts/offsets/${s.symbol}.png?run=${state.run}&u=${state.updates}`; return img; }));
  for (const id of ['expectancy-symbol', 'calibration-symbol']) {
    const select = $(id);
    const chosen = select.value;
    select.replaceChildren(new Option('all symbols', ''), ...symbols.map(s => new Option(s.symbol, s.symbol)));
    select.value = chosen;
  }
}

async function renderToggles() {
  const toggles = await getJson('/api/toggles');
  const symbols = [...document.querySelectorAll('#sizing tbody tr')].map(tr => tr.firstChild.textContent);
  $('toggles').replaceChildren(...symbols.map(symbol => {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = toggles[symbol] !== false;
    box.dataset.testid = 'toggle-' + symbol;
    box.addEventListener('change', () => setToggle(symbol, box.checked));
    label.append(box, ' ' + symbol + ' ');
    if (!box.checked) { const off = document.createElement('span'); off.className = 'off'; off.textContent = 'off'; label.append(off); }
    return label;
  }));
}

async function setToggle(symbol, enabled) {
  if (!state.csrf) state.csrf = (await getJson('/api/antiforgery')).token;
  const response = await fetch(`/api/toggles/${symbol}`, {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-TOKEN': state.csrf },
    body: JSON.stringify({ enabled }),
  });
  if (!response.ok) alert(`Could not switch ${symbol}: ${response.status}`);
  await renderToggles();
}

async function renderSession() {
  const session = await getJson('/api/session');
  $('session').hidden = !session.active;
  $('kill').disabled = session.killed;
  $('session-state').textContent = session.killed ? 'killed: working orders are being cancelled' : `running (${session.symbols.join(', ')})`;
}

async function kill() {
  if (!confirm('Cancel every working order and end the live session?')) return;
  if (!state.csrf) state.csrf = (await getJson('/api/antiforgery')).token;
  const response = await fetch('/api/session/kill', {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-TOKEN': state.csrf },
    body: '{}',
  });
  if (!response.ok) alert(`The kill switch did not fire: ${response.status}`);
  await renderSession();
}

async function renderExpectancy() {
  const symbol = $('expectancy-symbol').value;
  const data = await getJson(`/api/expectancy?run=${state.run}` + (symbol ? `&symbol=${symbol}` : ''));
  fill('expectancy', data.hours.map(h => row([cell(String(h.hour).padStart(2, '0') + 'h'), cell(String(h.trades)), cell(fmt(h.expectancy_bps)), cell(h.source), cell(String(h.samples)), cell(fmt(h.cost_mean_bps)), cell(fmt(h.cost_p75_bps))], 'hour-' + h.hour)));
  $('heatmap').src = `/charts/heatmap.png?run=${state.run}&u=${state.updates}`;
}

async function renderCalibration() {
  const symbol = $('calibration-symbol').value;
  const query = `?run=${state.run}` + (symbol ? `&symbol=${symbol}` : '');
  const data = await getJson('/api/calibration' + query);
  const c = data.calibration;
  const message = $('calibration-message');
  message.hidden = !data.message;
  message.textContent = data.message ?? '';
  const chart = $('calibration-chart');
  chart.hidden = c.rows.length === 0;
  if (c.rows.length > 0) chart.src = `/charts/calibration.png${query}&u=${state.updates}`;
  else chart.removeAttribute('src');
  fill('calibration', c.rows.map((b, i) => row([cell(b.lower.toFixed(1) + '–' + b.upper.toFixed(1)), cell(String(b.parents)), cell(fmt(b.predicted_mean, 3)), cell(fmt(b.realised_fill_rate, 3)), cell(String(b.cost_parents)), cell(fmt(b.expected_cost_mean_bps)), cell(fmt(b.realised_cost_mean_bps))], 'calibration-' + i)));
  const cost = c.cost ? ` Cost over the ${c.cost.parents} parents with both: expected ${fmt(c.cost.expected_mean_bps)} bps, realised ${fmt(c.cost.realised_mean_bps)} bps.` : '';
  $('calibration-summary').textContent = c.parents === 0 ? '' : `${c.parents} parents with a prediction; ${c.omitted_parents} in buckets of fewer than ${c.min_parents} not shown.` + cost;
}

async function renderParents() {
  const parents = await getJson(`/api/parents?run=${state.run}&limit=25`);
  fill('parents', parents.map(p => {
    const link = document.createElement('a');
    link.href = '#parent/' + p.parent_id;
    link.textContent = String(p.parent_id);
    const id = document.createElement('td');
    id.appendChild(link);
    return row([id, cell(p.symbol), cell(p.side), cell(p.quantity), cell(p.risk_reason === 'None' ? p.risk_verdict : p.risk_reason), cell(p.maker_first === null ? '–' : (p.maker_first ? 'yes' : 'no')), cell(fmt(p.maker_offset_bps, 3)), cell(p.filled_quantity ?? '–'), cell(fmt(p.cost_bps, 3)), cell(fmt(p.predicted_fill, 3)), cell(fmt(p.expected_cost_bps, 3))], 'parent-' + p.parent_id);
  }));
}

async function renderParent() {
  const match = location.hash.match(/^#parent\/(\d+)$/);
  $('parent').hidden = !match;
  if (!match) return;
  const p = await getJson(`/api/parents/${match[1]}?run=${state.run}`);
  $('parent-id').textContent = match[1];
  const keys = Object.keys(p).filter(k => !['children', 'fills', 'result'].includes(k));
  fill('parent-context', keys.map(k => row([cell(k), cell(p[k] === null ? '–' : String(p[k]))], 'context-' + k)));
  fill('parent-fills', p.fills.map(f => row([cell(String(f.fill_id)), cell(String(f.child_id)), cell(f.price), cell(f.quantity), cell(f.liquidity), cell(f.fee)])));
  $('parent').scrollIntoView();
}

async function refresh() {
  const data = await getJson('/api/symbols' + (state.run ? `?run=${state.run}` : ''));
  $('empty').hidden = !data.empty;
  if (data.empty) return;
  state.run = data.run_id;
  $('run').textContent = 'run ' + data.run_id;
  renderSymbols(data.symbols);
  await Promise.all([renderToggles(), renderSession(), renderExpectancy(), renderCalibration(), renderParents(), renderParent()]);
  document.body.dataset.ready = String(state.updates);
}

document.querySelectorAll('#scores th[data-key]').forEach(th => th.addEventListener('click', () => {
  const key = th.dataset.key;
  state.sort = { key, desc: state.sort.key === key ? !state.sort.desc : key !== 'symbol' };
  refresh();
}));
$('expectancy-symbol').addEventListener('change', renderExpectancy);
$('calibration-symbol').addEventListener('change', renderCalibration);
$('kill').addEventListener('click', kill);
window.addEventListener('hashchange', renderParent);

const events = new EventSource('/api/events');
events.addEventListener('update', async (e) => {
  state.updates++;
  const counts = JSON.parse(e.data);
  $('live').textContent = `live: update ${state.updates} · ${counts.parents} parent orders · ${counts.fills} fills`;
  $('live').dataset.parents = counts.parents;
  state.run = null; // follow the newest run
  await refresh();
});
events.onerror = () => { $('live').textContent = 'live: reconnecting…'; };
