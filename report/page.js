// Draws a ktune report from the JSON document in #ktune-data (report/report_json.hpp; keys in
// docs/OUTPUT.md) with Chart.js. Every fact the browser test checks is also written into the
// DOM as data- attributes (the headline of each session, the state of every chart).
(function () {
  'use strict';

  const OUTCOME_COLOURS = {
    correct: '#1b7837', wrong_result: '#d6604d', compile_error: '#762a83',
    launch_error: '#e08214', resource_exceeded: '#8c510a', timeout: '#b2182b',
    invalid: '#878787', pruned: '#bababa'
  };
  const COLOURS = ['#2166ac', '#b2182b', '#1b7837', '#e08214', '#762a83', '#35978f'];

  // An element with attributes and children (text or elements); text is never parsed as HTML.
  function el(tag, attrs, children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined) continue;
      if (k === 'class') e.className = v; else e.setAttribute(k, String(v));
    }
    for (const c of [].concat(children === undefined ? [] : children)) {
      if (c === null || c === undefined) continue;
      e.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  function known(x) { return x !== null && x !== undefined && Number.isFinite(x); }
  function ms(x) { return known(x) ? (x < 0.1 ? x.toPrecision(3) : x.toFixed(x < 10 ? 4 : 2)) + ' ms' : 'n/a'; }
  function times(x) { return known(x) ? x.toFixed(2) + '×' : 'n/a'; }
  function metric(m, name) {
    for (const x of m.metrics || []) if (x.name === name) return x;
    return null;
  }

  function card(title, children) {
    return el('div', { class: 'card' }, [el('h2', {}, title)].concat(children));
  }
  // A canvas in a sized box; `draw` makes the chart once the box is in the page.
  const pending = [];
  function chartBox(id, config, small) {
    const canvas = el('canvas', { id: id, 'data-chart': id });
    pending.push({ canvas: canvas, config: config });
    return el('div', { class: small ? 'chart small' : 'chart' }, canvas);
  }
  function logAxis(title) {
    return { type: 'logarithmic', title: { display: true, text: title } };
  }
  function linearAxis(title) {
    return { type: 'linear', title: { display: true, text: title } };
  }
  function hline(label, y, x0, x1, colour) {
    return { type: 'line', label: label, data: [{ x: x0, y: y }, { x: x1, y: y }],
             borderColor: colour, borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5 };
  }

  function factsCard(s) {
    const session = s.session, device = s.device || {};
    const budget = session.budget || {};
    const rows = [
      ['device', (device.name || session.device_name) + ' (' + session.backend + ', ' +
                 (session.architecture || 'n/a') + ')'],
      ['peaks', (known(device.peak_gflops_fp32) ? device.peak_gflops_fp32.toFixed(0) + ' GFLOP/s' : 'FLOP/s unknown') +
                ', ' + (known(device.peak_bandwidth_gbs) ? device.peak_bandwidth_gbs.toFixed(0) + ' GB/s' : 'bandwidth unknown')],
      ['kernel', session.kernel + (session.variant ? ' / ' + session.variant : '')],
      ['problem', session.problem + ' (' + session.dtype + ')'],
      ['strategy', session.strategy + ', seed ' + session.seed],
      ['budget', (known(budget.evaluations) ? budget.evaluations + ' evaluations' : 'no evaluation limit') +
                 ', ' + (known(budget.seconds) ? budget.seconds + ' s' : 'no time limit')],
      ['space', known(session.space_size) ? session.space_size + ' valid configurations' : 'n/a'],
      ['stop reason', session.stop_reason ? session.stop_reason.replace(/_/g, ' ') : 'not recorded (status: ' + session.status + ')'],
      ['status', session.status + ', ' + session.origin + (session.source ? ' of ' + session.source : '')],
      ['when', session.started_at + ' to ' + (session.ended_at || 'running')],
      ['ktune', session.tool_version + ' on ' + (session.host || 'unknown host')],
      ['command', el('code', {}, session.command || 'n/a')]
    ];
    return card('Session ' + session.id, el('table', {}, rows.map(r =>
      el('tr', {}, [el('th', {}, r[0]), el('td', {}, r[1])]))));
  }

  function headlineCard(s, index) {
    const best = s.best, session = s.session;
    const attrs = {
      class: 'headline', id: 'headline-' + index, 'data-session': session.id,
      'data-evaluations': s.evaluations.length, 'data-correct': session.correct,
      'data-best-ms': best.objective_ms, 'data-best-config': best.config,
      'data-default-ms': best.default_ms, 'data-speedup-over-default': best.speedup_over_default,
      'data-speedup-vs-cpu': best.speedup_vs_cpu,
      'data-speedup-vs-cpu-end-to-end': best.speedup_vs_cpu_end_to_end
    };
    const item = (label, value, key) => el('div', {}, [el('dt', {}, label), el('dd', { 'data-key': key }, value)]);
    return card('Result', [
      el('dl', attrs, [
        item('best time', ms(best.objective_ms), 'best_ms'),
        item('speed-up over the default', times(best.speedup_over_default), 'speedup_over_default'),
        item('speed-up over the CPU', times(best.speedup_vs_cpu), 'speedup_vs_cpu'),
        item('over the CPU, with copies', times(best.speedup_vs_cpu_end_to_end), 'speedup_vs_cpu_end_to_end'),
        item('evaluations', String(s.evaluations.length), 'evaluations'),
        item('correct', String(session.correct), 'correct')
      ]),
      el('p', { class: 'note' }, ['best configuration: ', el('code', {}, best.config || 'none')]),
      s.verdict && s.verdict.remeasured ? el('p', { class: 'note' },
        'The winner is the finalist fastest when re-measured (see Finalists); its best time here is ' +
        'its median in the search, as the database ranks it, so a configuration that looked faster ' +
        'once can sit below it in the convergence chart.') : null,
      s.cpu_baseline ? el('p', { class: 'note' }, 'CPU baseline: ' + s.cpu_baseline.library + ', ' +
        s.cpu_baseline.threads + ' threads, ' + ms(s.cpu_baseline.time.median_ms) +
        (s.cpu_baseline.reused ? ' (measured before this session, reused)' : '')) :
        el('p', { class: 'note' }, 'no CPU baseline stored for this session')
    ]);
  }

  // Correct evaluations' medians; failed ones have none.
  function timed(s) {
    return s.evaluations.filter(m => m.outcome === 'correct' && known(m.time.median_ms));
  }

  function references(s, x0, x1) {
    const lines = [];
    if (known(s.best.default_ms)) lines.push(hline('default configuration', s.best.default_ms, x0, x1, '#888'));
    if (s.cpu_baseline) lines.push(hline('CPU baseline', s.cpu_baseline.time.median_ms, x0, x1, '#e08214'));
    return lines;
  }

  function convergenceCard(s, id) {
    let best = Infinity, clock = 0;
    const byIndex = [], byTime = [];
    for (const m of s.evaluations) {
      clock += known(m.cost_ms) ? m.cost_ms / 1000 : 0;
      if (m.outcome === 'correct' && known(m.time.median_ms)) best = Math.min(best, m.time.median_ms);
      if (best < Infinity) {
        byIndex.push({ x: m.seq, y: best, config: m.config });
        byTime.push({ x: clock, y: best, config: m.config });
      }
    }
    if (!byIndex.length) return card('Convergence', el('p', { class: 'note' }, 'no configuration ran correctly'));
    const config = (data, xTitle, x0, x1) => ({
      type: 'line',
      data: { datasets: [{ label: 'best so far', data: data, stepped: true, borderColor: COLOURS[0],
                           pointRadius: 0, borderWidth: 2 }].concat(references(s, x0, x1)) },
      options: { scales: { x: linearAxis(xTitle), y: logAxis('median time (ms)') },
                 plugins: { tooltip: { callbacks: { footer: items => items[0].raw.config || '' } } } }
    });
    return card('Convergence', [
      el('div', { class: 'grid' }, [
        chartBox(id + '-by-index', config(byIndex, 'evaluation', 1, byIndex[byIndex.length - 1].x)),
        chartBox(id + '-by-time', config(byTime, 'time spent evaluating (s)', 0, byTime[byTime.length - 1].x))
      ]),
      el('p', { class: 'note' }, 'Time is what evaluating cost (compiling, verifying, timing; simulated in a replay).')
    ]);
  }

  function evaluationsCard(s, id) {
    const ok = timed(s);
    const slowest = ok.length ? Math.max(...ok.map(m => m.time.median_ms)) : 1;
    const groups = {};
    for (const m of s.evaluations) {
      const failed = !(m.outcome === 'correct' && known(m.time.median_ms));
      (groups[m.outcome] = groups[m.outcome] || []).push({
        x: m.seq, y: failed ? slowest * 1.5 : m.time.median_ms, config: m.config,
        outcome: m.outcome, message: m.message
      });
    }
    const datasets = Object.entries(groups).map(([outcome, data]) => ({
      label: outcome.replace(/_/g, ' ') + ' (' + data.length + ')', data: data,
      backgroundColor: OUTCOME_COLOURS[outcome] || '#000', borderColor: OUTCOME_COLOURS[outcome] || '#000',
      pointStyle: outcome === 'correct' ? 'circle' : 'crossRot', pointRadius: 3
    }));
    return card('Every evaluation', [
      chartBox(id, {
        type: 'scatter', data: { datasets: datasets },
        options: { scales: { x: linearAxis('evaluation'), y: logAxis('median time (ms)') },
                   plugins: { tooltip: { callbacks: { label: c => {
                     const p = c.raw;
                     return [p.config, p.outcome === 'correct' ? ms(p.y) : p.outcome + ': ' + (p.message || '')];
                   } } } } }
      }),
      el('p', { class: 'note' }, 'Failed configurations are drawn as crosses above the slowest correct one. Hover for the configuration.')
    ]);
  }

  function sensitivityCard(s, id) {
    const ok = timed(s);
    const names = ok.length ? Object.keys(ok[0].params || {}) : [];
    if (!names.length) return card('Parameter sensitivity', el('p', { class: 'note' }, 'no correct configuration to compare'));
    const boxes = names.map((name, k) => {
      const values = [...new Set(ok.map(m => m.params[name]))].sort((a, b) =>
        typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b)));
      const data = ok.map(m => ({ x: values.indexOf(m.params[name]), y: m.time.median_ms, config: m.config }));
      return el('div', {}, [el('h3', {}, name), chartBox(id + '-' + k, {
        type: 'scatter',
        data: { datasets: [{ label: name, data: data, backgroundColor: COLOURS[k % COLOURS.length] + '99', pointRadius: 3 }] },
        options: {
          plugins: { legend: { display: false },
                     tooltip: { callbacks: { label: c => [c.raw.config, ms(c.raw.y)] } } },
          scales: { x: { type: 'linear', min: -0.5, max: values.length - 0.5,
                         afterBuildTicks: axis => { axis.ticks = values.map((v, i) => ({ value: i })); },
                         ticks: { autoSkip: false, callback: v => String(values[v]) },
                         title: { display: true, text: name } },
                    y: logAxis('median time (ms)') }
        }
      }, true)]);
    });
    return card('Parameter sensitivity', [el('div', { class: 'grid' }, boxes),
      el('p', { class: 'note' }, 'Each point is a correct configuration, placed at its value of the parameter.')]);
  }

  function rooflineCard(s, id) {
    const device = s.device || {};
    const points = [];
    let source = null;
    for (const m of timed(s)) {
      const ai = metric(m, 'arithmetic_intensity'), gf = metric(m, 'gflops'), bytes = metric(m, 'dram_bytes');
      let x = ai && ai.value, y = gf && gf.value;
      if (!known(y) && s.work && s.work.flops) y = s.work.flops / (m.time.median_ms * 1e6);
      if (!known(x) && s.work && s.work.min_bytes) x = s.work.flops / s.work.min_bytes;
      if (!known(x) || !known(y) || x <= 0 || y <= 0) continue;
      if (bytes && bytes.source === 'measured') source = 'measured'; else if (!source) source = 'model';
      points.push({ x: x, y: y, config: m.config });
    }
    const cpu = [];
    if (s.cpu_baseline && known(s.cpu_baseline.gflops) && s.work && s.work.min_bytes)
      cpu.push({ x: s.work.flops / s.work.min_bytes, y: s.cpu_baseline.gflops, config: s.cpu_baseline.library });
    if (!points.length && !cpu.length)
      return card('Roofline', el('p', { class: 'note' }, 'no work model or counters for this kernel: no roofline'));
    const all = points.concat(cpu);
    let x0 = Math.min(...all.map(p => p.x)) / 4, x1 = Math.max(...all.map(p => p.x)) * 4;
    const datasets = [{ label: 'variants', data: points, backgroundColor: COLOURS[0] + '99', pointRadius: 3 }];
    if (cpu.length) datasets.push({ label: 'CPU baseline', data: cpu, backgroundColor: '#e08214', pointRadius: 6, pointStyle: 'rectRot' });
    const peakF = device.peak_gflops_fp32, peakB = device.peak_bandwidth_gbs;
    let peaks = 'the device\'s peaks are unknown: no roof drawn';
    if (known(peakF) && known(peakB) && peakF > 0 && peakB > 0) {
      const ridge = peakF / peakB;
      x0 = Math.min(x0, ridge / 16); x1 = Math.max(x1, ridge * 4);
      datasets.push({ type: 'line', label: 'roof (' + peakF.toFixed(0) + ' GFLOP/s, ' + peakB.toFixed(0) + ' GB/s)',
                      data: [{ x: x0, y: x0 * peakB }, { x: ridge, y: peakF }, { x: x1, y: peakF }],
                      borderColor: '#444', pointRadius: 0, borderWidth: 1.5 });
      peaks = 'ridge point at ' + ridge.toFixed(1) + ' FLOP/byte';
    }
    const bytesNote = source === 'measured'
      ? 'DRAM bytes are measured hardware counters (CUPTI).'
      : 'DRAM bytes are the analytic model\'s compulsory traffic (no hardware counters on this backend).';
    return card('Roofline', [
      chartBox(id, {
        type: 'scatter', data: { datasets: datasets },
        options: { scales: { x: Object.assign(logAxis('arithmetic intensity (FLOP/byte)'), { min: x0, max: x1 }),
                             y: logAxis('GFLOP/s') },
                   plugins: { tooltip: { callbacks: { label: c => [c.raw.config || '', (c.raw.y || 0).toFixed(1) + ' GFLOP/s'] } } } }
      }),
      el('p', { class: 'note', 'data-bytes-source': source || 'model' }, bytesNote + ' ' + peaks + '.')
    ]);
  }

  function occupancyCard(s, id) {
    const data = [];
    let kind = null;
    for (const m of timed(s)) {
      const achieved = metric(m, 'achieved_occupancy_pct');
      const theoretical = m.resources && m.resources.theoretical_occupancy;
      if (achieved && known(achieved.value)) { data.push({ x: achieved.value, y: m.time.median_ms, config: m.config }); kind = 'achieved'; }
      else if (known(theoretical)) { data.push({ x: 100 * theoretical, y: m.time.median_ms, config: m.config }); kind = kind || 'theoretical'; }
    }
    if (!data.length)
      return card('Occupancy', el('p', { class: 'note', 'data-absent': 'occupancy' },
        'Occupancy is not known for this session: the backend reports none (OpenCL). ' +
        'On CUDA it is measured; ktune report --arch sm_90 computes the theoretical occupancy offline.'));
    if (kind === 'theoretical' && s.occupancy_arch) kind = 'theoretical (' + s.occupancy_arch + ', offline)';
    return card('Occupancy', chartBox(id, {
      type: 'scatter',
      data: { datasets: [{ label: kind + ' occupancy', data: data, backgroundColor: COLOURS[2] + '99', pointRadius: 3 }] },
      options: { scales: { x: linearAxis(kind + ' occupancy (%)'), y: logAxis('median time (ms)') },
                 plugins: { tooltip: { callbacks: { label: c => [c.raw.config, ms(c.raw.y)] } } } }
    }));
  }

  function crossoverCard(s, id) {
    const x = s.crossover;
    if (!x) return card('Device against CPU over sizes', el('p', { class: 'note', 'data-absent': 'crossover' },
      'No crossover sweep stored for this kernel on this device (run ktune crossover ' + s.session.kernel + ').'));
    const kernel = x.points.filter(p => known(p.speedup_kernel)).map(p => ({ x: p.size, y: p.speedup_kernel, config: p.config }));
    const e2e = x.points.filter(p => known(p.speedup_end_to_end)).map(p => ({ x: p.size, y: p.speedup_end_to_end, config: p.config }));
    const sizes = x.points.map(p => p.size);
    const say = (size) => known(size) ? 'from size ' + size : 'never in ' + Math.min(...sizes) + '..' + Math.max(...sizes);
    return card('Device against CPU over sizes', [
      chartBox(id, {
        type: 'line',
        data: { datasets: [
          { label: 'kernel alone', data: kernel, borderColor: COLOURS[0], backgroundColor: COLOURS[0] },
          { label: 'with copies in and out', data: e2e, borderColor: COLOURS[1], backgroundColor: COLOURS[1] },
          hline('CPU = device', 1, Math.min(...sizes), Math.max(...sizes), '#888')] },
        options: { scales: { x: logAxis('size'), y: logAxis('speed-up over the CPU') },
                   plugins: { tooltip: { callbacks: { footer: items => items[0].raw.config || '' } } } }
      }),
      el('p', { class: 'note' }, 'The kernel alone beats the CPU ' + say(x.kernel_crossover) +
        '; with the copies ' + say(x.end_to_end_crossover) + ' (sweep ' + x.crossover_id + ', ' + x.measured_at + ').')
    ]);
  }

  function finalistsCard(s, id) {
    const v = s.verdict;
    if (!v) return card('Finalists', el('p', { class: 'note' }, 'no finalists: fewer than two configurations ran correctly, or none were re-measured'));
    const rows = v.finalists.map(f => el('tr', {}, [
      el('td', { class: 'num' }, f.rank), el('td', {}, el('code', {}, f.config)),
      el('td', { class: 'num' }, ms(f.time.median_ms)),
      el('td', { class: 'num' }, ms(f.time.ci_low_ms) + ' to ' + ms(f.time.ci_high_ms)),
      el('td', { class: 'num' }, f.time.runs)]));
    const labels = v.finalists.map(f => '#' + f.rank);
    return card('Finalists', [
      chartBox(id, {
        type: 'bar',
        data: { labels: labels, datasets: [
          { type: 'bar', label: '95% confidence interval of the median',
            data: v.finalists.map(f => [f.time.ci_low_ms, f.time.ci_high_ms]), backgroundColor: COLOURS[0] + '55' },
          { type: 'scatter', label: 'median', data: v.finalists.map((f, k) => ({ x: labels[k], y: f.time.median_ms })),
            backgroundColor: COLOURS[1], pointRadius: 5 }] },
        options: { indexAxis: 'x', scales: { x: { type: 'category' }, y: linearAxis('time (ms)') } }
      }, true),
      el('table', {}, [el('tr', {}, ['rank', 'configuration', 'median', '95% CI', 'runs'].map(h => el('th', {}, h)))].concat(rows)),
      el('p', { class: 'note', 'data-verdict': v.indistinguishable_from_runner_up ? 'indistinguishable' : 'faster' },
        (v.remeasured ? 'Re-measured interleaved after the search. ' : 'Compared on the search\'s own samples. ') + (v.note || ''))
    ]);
  }

  function transfersCard(s) {
    if (!s.transfers.length) return null;
    return card('Copies between host and device', el('table', {}, [
      el('tr', {}, ['direction', 'host memory', 'bytes', 'median', 'GB/s'].map(h => el('th', {}, h)))].concat(
      s.transfers.map(t => el('tr', {}, [el('td', {}, t.direction.replace(/_/g, ' ')), el('td', {}, t.memory),
        el('td', { class: 'num' }, t.bytes), el('td', { class: 'num' }, ms(t.time.median_ms)),
        el('td', { class: 'num' }, known(t.gbs) ? t.gbs.toFixed(2) : 'n/a')])))));
  }

  function sessionSection(s, index) {
    const id = 's' + index;
    return el('section', { class: 'session', 'data-session': s.session.id }, [
      factsCard(s), headlineCard(s, index), convergenceCard(s, id + '-convergence'),
      evaluationsCard(s, id + '-evaluations'), sensitivityCard(s, id + '-sensitivity'),
      rooflineCard(s, id + '-roofline'), occupancyCard(s, id + '-occupancy'),
      crossoverCard(s, id + '-crossover'), finalistsCard(s, id + '-finalists'), transfersCard(s)
    ]);
  }

  // How many of a grid of sampled pixels are not blank: proof that a chart was drawn.
  function ink(canvas) {
    if (!canvas.width || !canvas.height) return 0;
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let i = 3; i < pixels.length; i += 4 * 7) if (pixels[i] !== 0) ++count;
    return count;
  }

  function render() {
    const doc = JSON.parse(document.getElementById('ktune-data').textContent);
    const sessions = doc.sessions;
    const main = document.getElementById('sessions');
    if (sessions.length > 1) main.className = 'compare';
    document.getElementById('title').textContent = sessions.map(s =>
      s.session.kernel + ' ' + s.session.problem + ' on ' + s.session.device_name).join('  vs  ');
    document.getElementById('subtitle').textContent = 'ktune ' + doc.report.ktune_version + ' report of ' +
      doc.report.database + ', written ' + doc.report.generated_at;
    document.title = 'ktune report: ' + document.getElementById('title').textContent;
    sessions.forEach((s, k) => main.appendChild(sessionSection(s, k)));
    Chart.defaults.animation = false;
    Chart.defaults.maintainAspectRatio = false;
    for (const p of pending) {
      const chart = new Chart(p.canvas, p.config);
      chart.draw();
      p.canvas.setAttribute('data-width', p.canvas.width);
      p.canvas.setAttribute('data-height', p.canvas.height);
      p.canvas.setAttribute('data-ink', ink(p.canvas));
    }
  }

  try {
    render();
  } catch (e) {
    window.ktuneErrors.push('render: ' + (e && e.stack ? e.stack : String(e)));
  }
  const errors = document.getElementById('ktune-errors');
  errors.textContent = window.ktuneErrors.join('\n');
  errors.setAttribute('data-count', window.ktuneErrors.length);
  document.body.setAttribute('data-rendered', window.ktuneErrors.length ? 'failed' : 'ok');
})();
