// The operations page's charts (served as /static/ops-charts.js, same origin, no inline script):
// reads /ops/series for the page's window and draws success rate and step latency p95 over time
// with uPlot (/static/uplot.js). Marks #charts with data-ready="true" once drawn, or shows why not.
(function () {
  'use strict';
  const root = document.getElementById('charts');
  if (!root || typeof uPlot === 'undefined') return;
  const colors = [
    '#1f6feb',
    '#d97706',
    '#16a34a',
    '#dc2626',
    '#7c3aed',
    '#0891b2',
    '#db2777',
    '#65a30d',
    '#475569',
    '#ea580c',
  ];
  const say = (text) => {
    const p = document.createElement('p');
    p.className = 'empty';
    p.textContent = text;
    root.appendChild(p);
  };
  const draw = (id, title, unit, timestamps, series) => {
    const el = document.getElementById(id);
    if (!series.length) {
      el.textContent = `${title}: no data in this window yet`;
      return;
    }
    const opts = {
      title,
      width: Math.min(960, root.clientWidth || 960),
      height: 260,
      scales: { x: { time: true } },
      axes: [{}, { label: unit, size: 60 }],
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: colors[i % colors.length],
          width: 2,
          spanGaps: true,
          value: (u, v) => (v == null ? '–' : `${v.toFixed(1)} ${unit}`),
        })),
      ],
    };
    new uPlot(opts, [timestamps, ...series.map((s) => s.values)], el);
  };
  fetch(`/ops/series?window=${encodeURIComponent(root.dataset.window || '1h')}`, { credentials: 'same-origin' })
    .then((res) => res.json().then((body) => ({ ok: res.ok, body })))
    .then(({ ok, body }) => {
      if (!ok) {
        say(body.reason || 'charts unavailable');
        root.dataset.ready = 'unavailable';
        return;
      }
      draw('chart-success', 'Success rate (confirmed share of ended workflows)', '%', body.timestamps, body.success);
      draw('chart-latency', 'Step latency p95 per agent', 'ms', body.timestamps, body.latencyP95);
      root.dataset.ready = 'true';
    })
    .catch((err) => {
      say(`charts unavailable: ${err.message}`);
      root.dataset.ready = 'unavailable';
    });
})();
