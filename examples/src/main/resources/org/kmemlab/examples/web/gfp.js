// kmemlab GFP experiment page: one SVG chart per request order, failure rate (0-100 %) against the
// pressure levels (evenly spaced, each labelled), a line per kind of request. Pointing at a point shows
// the exact figures; GfpChartPage.java writes the data.
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('page-data').textContent);
  const $ = (id) => document.getElementById(id);
  const SVG = 'http://www.w3.org/2000/svg';
  const COLOURS = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e'];
  const W = 380, H = 300, LEFT = 52, RIGHT = 14, TOP = 30, BOTTOM = 58;
  const plotW = W - LEFT - RIGHT, plotH = H - TOP - BOTTOM;

  function el(name, attrs, text) {
    const e = document.createElementNS(SVG, name);
    Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v));
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  const x = (l) => LEFT + (data.levels.length === 1 ? plotW / 2 : l * plotW / (data.levels.length - 1));
  const y = (rate) => TOP + plotH - rate * plotH / 100;
  const rate = (l, g, o) => 100 * data.failures[l][g][o] / data.requests[l][g][o];

  $('machine').textContent = data.machine + ' \u00b7 seed ' + data.seed;
  $('subtitle').textContent = 'Failure rate of a burst of RAM/' + data.burstDivisor + ' requested in blocks of 2^order'
      + ' pages, at each pressure level (percent of memory a seeded workload pins; the page cache fills the rest).';
  $('caption').textContent = data.caption;
  data.findings.forEach((f) => { const li = document.createElement('li'); li.textContent = f; $('findings').appendChild(li); });

  const tooltip = $('tooltip');
  function show(event, text) {
    tooltip.textContent = text;
    tooltip.style.display = 'block';
    tooltip.style.left = (event.clientX + 14) + 'px';
    tooltip.style.top = (event.clientY + 10) + 'px';
    $('readout').textContent = text.replace(/\n/g, ' \u00b7 ');
  }

  data.orders.forEach((order, o) => {
    const panel = document.createElement('div');
    panel.className = 'chart-panel';
    const svg = el('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, 'data-order': order });
    svg.appendChild(el('text', { x: LEFT, y: 18, 'font-size': 14, 'font-weight': 'bold' },
        'order ' + order + ' (' + (4 << order) + ' KiB blocks)'));
    for (let p = 0; p <= 100; p += 25) {
      svg.appendChild(el('line', { x1: LEFT, x2: LEFT + plotW, y1: y(p), y2: y(p), stroke: p === 0 ? '#333' : '#ddd' }));
      svg.appendChild(el('text', { x: LEFT - 6, y: y(p) + 4, 'font-size': 11, 'text-anchor': 'end' }, p + '%'));
    }
    data.levels.forEach((level, l) => {
      svg.appendChild(el('line', { x1: x(l), x2: x(l), y1: TOP + plotH, y2: TOP + plotH + 5, stroke: '#333' }));
      svg.appendChild(el('text', { x: x(l), y: TOP + plotH + 18, 'font-size': 11, 'text-anchor': 'middle',
        class: 'tick' }, level + '%'));
    });
    svg.appendChild(el('line', { x1: LEFT, x2: LEFT, y1: TOP, y2: TOP + plotH, stroke: '#333' }));
    svg.appendChild(el('text', { x: LEFT + plotW / 2, y: H - 22, 'font-size': 12, 'text-anchor': 'middle' },
        'memory pinned by the workload (levels evenly spaced)'));
    svg.appendChild(el('text', { x: 14, y: TOP + plotH / 2, 'font-size': 12, 'text-anchor': 'middle',
      transform: 'rotate(-90 14 ' + (TOP + plotH / 2) + ')' }, 'requests failed'));
    data.gfp.forEach((name, g) => {
      const colour = COLOURS[g % COLOURS.length];
      const points = data.levels.map((_, l) => x(l) + ',' + y(rate(l, g, o))).join(' ');
      svg.appendChild(el('polyline', { points: points, fill: 'none', stroke: colour, 'stroke-width': 2 }));
      data.levels.forEach((level, l) => {
        const r = rate(l, g, o);
        const dot = el('circle', { cx: x(l), cy: y(r), r: 5, fill: colour, stroke: '#fff', 'stroke-width': 1,
          class: 'point', 'data-gfp': name, 'data-level': level, 'data-order': order });
        const text = name + ', order ' + order + ', ' + level + '% pinned (measured ' + data.pinned[l] + '%, page cache '
            + data.cache[l] + '%)\n' + data.failures[l][g][o] + ' of ' + data.requests[l][g][o] + ' requests failed: '
            + r.toFixed(1) + '%';
        dot.addEventListener('mouseenter', (e) => show(e, text));
        dot.addEventListener('mousemove', (e) => show(e, text));
        dot.addEventListener('mouseleave', () => { tooltip.style.display = 'none'; });
        svg.appendChild(dot);
      });
      if (name === 'GFP_DMA') {
        const first = data.levels.findIndex((_, l) => data.failures[l][g][o] > 0);
        if (first >= 0) {
          svg.appendChild(el('text', { x: Math.min(x(first) + 8, LEFT + plotW - 120), y: Math.max(TOP + 12, y(rate(first, g, o)) - 10),
            'font-size': 11, fill: colour, class: 'dma-note' }, 'GFP_DMA fails from ' + data.levels[first] + '%'));
        }
      }
    });
    panel.appendChild(svg);
    $('charts').appendChild(panel);
  });

  data.gfp.forEach((name, g) => {
    const item = document.createElement('span');
    item.style.marginRight = '18px';
    const swatch = document.createElement('span');
    swatch.style.cssText = 'display:inline-block;width:24px;height:4px;vertical-align:middle;margin-right:6px;background:'
        + COLOURS[g % COLOURS.length];
    item.appendChild(swatch);
    item.appendChild(document.createTextNode(name === 'GFP_DMA' ? 'GFP_DMA (GFP_KERNEL | GFP_DMA)' : name));
    $('legend').appendChild(item);
  });
}());
