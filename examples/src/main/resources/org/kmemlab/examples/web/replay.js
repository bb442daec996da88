// kmemlab replay page: rebuilds a recorded run step by step from the page's data (see Film.java).
//
// The data holds, per film, the owner of every frame right after boot (as runs) and, per step, only
// what changed: runs of frames that changed owner (pfn, count, owner), slab pages whose object count
// changed (pfn, objects, bytes), the /proc files that changed (as numbers of lines in a shared pool)
// and the kernel log lines written. Going forward applies the next steps' changes; going back
// rebuilds from the boot state, which is cheap because changes are small.
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('page-data').textContent);
  const $ = (id) => document.getElementById(id);
  const OWNER = {};
  data.owners.forEach((o, i) => { OWNER[o[0]] = i; });
  const WIDTH = 1024;        // pixels of the grid, gutter aside
  const HEIGHT = 1024;       // the most pixels of grid drawn at once
  let CELL = 8;              // pixels per cell: 8, or up to 32 when zoomed in past one frame per cell
  let COLS = WIDTH / CELL;   // cells per row
  let MAX_ROWS = HEIGHT / CELL;
  const GUTTER = 132;        // pixels left of the grid for pfn, address and zone labels
  const canvas = $('grid');
  const ctx = canvas.getContext('2d');

  let film = null;
  let owners, objects, objBytes, changedAt, allocOrder, blockStart, blockOrder;
  let procAt, dmesgCount;
  let current = -1;
  let fpc = 1;               // frames per cell
  let viewStart = 0;         // first pfn drawn
  let timer = null;

  function hex(big) { return '0x' + big.toString(16).padStart(8, '0'); }
  function zoneOf(pfn) {
    for (const z of film.zones) { if (pfn >= z[1] && pfn < z[2]) { return z[0]; } }
    return '(no zone)';
  }
  function log2(n) { let o = 0; while ((1 << o) < n) { o++; } return (1 << o) === n ? o : -1; }

  function loadFilm(index) {
    stop();
    film = data.films[index];
    const n = film.frames;
    owners = new Uint8Array(n);
    objects = new Int32Array(n);
    objBytes = new Int32Array(n);
    changedAt = new Int32Array(n);
    allocOrder = new Int8Array(n);
    blockStart = new Int32Array(n);
    blockOrder = new Int8Array(n);
    // For each /proc file, the step whose text holds at each step; the kernel log's length per step.
    procAt = data.proc.map(() => new Int32Array(film.steps.length));
    dmesgCount = new Int32Array(film.steps.length);
    let logged = 0;
    film.steps.forEach((s, i) => {
      data.proc.forEach((_, f) => { procAt[f][i] = s.p[f] === -1 ? procAt[f][i - 1] : i; });
      logged += s.d.length;
      dmesgCount[i] = logged;
    });
    $('title').textContent = data.title;
    $('machine').textContent = film.machine + ' \u00b7 ' + n + ' frames of ' + film.pageSize + ' bytes';
    $('zones').textContent = 'zones: ' + film.zones.map((z) => z[0] + ' pfn ' + z[1] + '\u2013' + (z[2] - 1)).join(' \u00b7 ');
    $('scrubber').max = film.steps.length - 1;
    setCell(8);
    fpc = wholeMemoryFpc();
    viewStart = 0;
    current = -1;
    reset();
    goTo(0);
  }

  function wholeMemoryFpc() {
    let f = 1;
    while (Math.ceil(film.frames / f) > COLS * MAX_ROWS) { f *= 2; }
    return f;
  }

  function reset() {
    const b = film.boot;
    for (let i = 0; i < b.length; i += 3) { owners.fill(b[i + 2], b[i], b[i] + b[i + 1]); }
    objects.fill(0); objBytes.fill(0); changedAt.fill(0); allocOrder.fill(-1);
    current = -1;
  }

  function apply(s) {
    const step = film.steps[s];
    const f = step.f;
    for (let i = 0; i < f.length; i += 3) {
      const pfn = f[i], count = f[i + 1], owner = f[i + 2];
      owners.fill(owner, pfn, pfn + count);
      changedAt.fill(s, pfn, pfn + count);
      allocOrder.fill(owner === OWNER.FREE ? -1 : log2(count), pfn, pfn + count);
    }
    const o = step.o;
    for (let i = 0; i < o.length; i += 3) {
      objects[o[i]] = o[i + 1];
      objBytes[o[i]] = o[i + 2];
      changedAt[o[i]] = s;
    }
    current = s;
  }

  function goTo(n) {
    n = Math.max(0, Math.min(film.steps.length - 1, n));
    if (n < current) { reset(); }
    for (let s = current + 1; s <= n; s++) { apply(s); }
    deriveFreeBlocks();
    render();
  }

  // The free blocks a buddy allocator that always merges would hold: walking each managed range, the
  // largest naturally aligned run of free frames that fits at each free frame (as MemoryMap.java does).
  function deriveFreeBlocks() {
    blockOrder.fill(-1);
    for (const r of film.ranges) {
      const end = r[1], maxOrder = r[2];
      let pfn = r[0];
      while (pfn < end) {
        if (owners[pfn] !== OWNER.FREE) { pfn++; continue; }
        let order = 0;
        while (order < maxOrder && (pfn % (2 << order)) === 0 && pfn + (2 << order) <= end
               && allFree(pfn + (1 << order), 1 << order)) {
          order++;
        }
        const size = 1 << order;
        blockOrder.fill(order, pfn, pfn + size);
        blockStart.fill(pfn, pfn, pfn + size);
        pfn += size;
      }
    }
  }
  function allFree(from, count) {
    for (let f = from; f < from + count; f++) { if (owners[f] !== OWNER.FREE) { return false; } }
    return true;
  }

  function rowFrames() { return fpc * COLS; }
  function visibleRows() { return Math.max(1, Math.min(MAX_ROWS, Math.ceil((film.frames - viewStart) / rowFrames()))); }

  function render() {
    const rows = visibleRows();
    canvas.width = GUTTER + COLS * CELL + 1;
    canvas.height = rows * CELL + 1;
    ctx.fillStyle = '#fafafa';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    const votes = new Int32Array(data.owners.length);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < COLS; c++) {
        const first = viewStart + (r * COLS + c) * fpc;
        if (first >= film.frames) { break; }
        const x = GUTTER + c * CELL, y = r * CELL;
        let owner;
        if (fpc === 1) {
          owner = owners[first];
          ctx.fillStyle = data.owners[owner][2];
          ctx.fillRect(x, y, CELL, CELL);
        } else {
          // A summarised cell takes the colour of the owner most of its used frames have, paler the
          // more of its frames are free: memory that is mostly free but in pieces stays visible.
          votes.fill(0);
          const last = Math.min(film.frames, first + fpc);
          for (let p = first; p < last; p++) { votes[owners[p]]++; }
          const free = votes[OWNER.FREE];
          owner = OWNER.FREE;
          for (let o = 0; o < votes.length; o++) {
            if (o !== OWNER.FREE && votes[o] > 0 && (owner === OWNER.FREE || votes[o] > votes[owner])) { owner = o; }
          }
          ctx.fillStyle = '#ffffff';
          ctx.fillRect(x, y, CELL, CELL);
          ctx.globalAlpha = owner === OWNER.FREE ? 1 : 0.3 + 0.7 * (last - first - free) / (last - first);
          ctx.fillStyle = data.owners[owner][2];
          ctx.fillRect(x, y, CELL, CELL);
          ctx.globalAlpha = 1;
        }
        if (fpc === 1 && owner === OWNER.SLAB && objBytes[first] > 0) {
          // A slab page's fill: the share of the page its live objects use, from the bottom.
          const h = Math.max(1, Math.round(CELL * Math.min(1, objBytes[first] / film.pageSize)));
          ctx.fillStyle = '#0b4d0b';
          ctx.fillRect(x, y + CELL - h, CELL, h);
        }
      }
    }
    if (fpc === 1) { outlineFreeBlocks(rows); } else { grid(rows); }
    zoneBoundaries(rows);
    gutter(rows);
    $('position').textContent = 'step ' + current + ' of ' + (film.steps.length - 1);
    $('scrubber').value = current;
    $('label').textContent = film.steps[current].l;
    $('zoom-info').textContent = (fpc === 1 ? '1 frame per cell of ' + CELL + ' px'
        : fpc + ' frames per cell (summary: the owner most used frames have, paler when partly free)')
        + ', pfn ' + viewStart + '\u2013' + Math.min(film.frames - 1, viewStart + rows * rowFrames() - 1);
    document.body.dataset.step = current;
    panels();
  }

  function grid(rows) {
    ctx.strokeStyle = 'rgba(0,0,0,0.08)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let r = 0; r <= rows; r++) { ctx.moveTo(GUTTER, r * CELL + 0.5); ctx.lineTo(GUTTER + COLS * CELL, r * CELL + 0.5); }
    ctx.stroke();
  }

  // Each free block gets a dark outline around its cells (an edge wherever the neighbouring cell is not
  // in the same block), and its order written in its first cell.
  function outlineFreeBlocks(rows) {
    const end = Math.min(film.frames, viewStart + rows * COLS);
    const same = (p, q) => q >= 0 && q < film.frames && blockOrder[q] >= 0 && blockStart[q] === blockStart[p];
    ctx.fillStyle = '#4b5563';
    for (let p = viewStart; p < end; p++) {
      if (blockOrder[p] < 0) { continue; }
      const r = Math.floor((p - viewStart) / COLS), c = (p - viewStart) % COLS;
      const x = GUTTER + c * CELL, y = r * CELL;
      if (c === 0 || !same(p, p - 1)) { ctx.fillRect(x, y, 1, CELL); }
      if (c === COLS - 1 || !same(p, p + 1)) { ctx.fillRect(x + CELL - 1, y, 1, CELL); }
      if (!same(p, p - COLS)) { ctx.fillRect(x, y, CELL, 1); }
      if (!same(p, p + COLS)) { ctx.fillRect(x, y + CELL - 1, CELL, 1); }
    }
    ctx.font = 'bold ' + Math.max(8, CELL / 2) + 'px monospace';
    ctx.textBaseline = 'top';
    ctx.fillStyle = '#1f2937';
    for (let p = viewStart; p < end; p++) {
      if (blockOrder[p] >= 0 && blockStart[p] === p) {
        const r = Math.floor((p - viewStart) / COLS), c = (p - viewStart) % COLS;
        ctx.fillText(blockOrder[p].toString(16).toUpperCase(), GUTTER + c * CELL + 2, r * CELL);
      }
    }
  }

  function zoneBoundaries(rows) {
    ctx.fillStyle = '#000';
    for (const z of film.zones) {
      const start = z[1];
      if (start === 0 || start < viewStart || start >= viewStart + rows * rowFrames()) { continue; }
      const cell = Math.floor((start - viewStart) / fpc);
      const r = Math.floor(cell / COLS), c = cell % COLS;
      ctx.fillRect(GUTTER + c * CELL, r * CELL - 1, (COLS - c) * CELL, 2);
      ctx.fillRect(GUTTER, (r + 1) * CELL - 1, c * CELL, 2);
      ctx.fillRect(GUTTER + c * CELL - 1, r * CELL - 1, 2, CELL + 2);
    }
  }

  function gutter(rows) {
    ctx.textBaseline = 'top';
    ctx.font = '10px monospace';
    ctx.fillStyle = '#334';
    const bytes = BigInt(film.pageSize);
    for (let r = 0; r < rows; r += Math.max(1, 32 / CELL)) {
      const pfn = viewStart + r * rowFrames();
      ctx.fillText('pfn ' + pfn, 4, r * CELL);
      ctx.fillText(hex(BigInt(pfn) * bytes), 4, r * CELL + 11);
    }
    ctx.font = 'bold 11px sans-serif';
    let below = 0;             // labels of zones that start in the same rows stack downwards
    for (const z of film.zones) {
      const start = Math.max(z[1], viewStart);
      if (start >= z[2] || start >= viewStart + rows * rowFrames()) { continue; }
      const r = Math.floor((start - viewStart) / rowFrames());
      const y = Math.max(below, Math.min(r * CELL, rows * CELL - 14));
      below = y + 15;
      ctx.fillStyle = '#243447';
      ctx.fillRect(GUTTER - 62, y, 58, 14);
      ctx.fillStyle = '#fff';
      ctx.fillText(z[0], GUTTER - 58, y + 2);
    }
  }

  function panels() {
    data.proc.forEach((name, f) => {
      const at = procAt[f][current];
      const lines = film.steps[at].p[f];
      const before = current > 0 ? film.steps[procAt[f][current - 1]].p[f] : lines;
      const pre = $('proc-' + name);
      pre.textContent = '';
      lines.forEach((id, i) => {
        const span = document.createElement('span');
        span.textContent = data.lines[id] + '\n';
        if (at === current && current > 0 && before[i] !== id) { span.className = 'changed'; }
        pre.appendChild(span);
      });
    });
    const pre = $('dmesg');
    pre.textContent = '';
    const wanted = 40;
    const picked = [];
    for (let s = current; s >= 0 && picked.length < wanted; s--) {
      const d = film.steps[s].d;
      for (let i = d.length - 1; i >= 0 && picked.length < wanted; i--) { picked.push([d[i], s === current]); }
    }
    picked.reverse().forEach(([id, isNew]) => {
      const span = document.createElement('span');
      span.textContent = data.lines[id] + '\n';
      if (isNew && current > 0) { span.className = 'new'; }
      pre.appendChild(span);
    });
  }

  // ---- hover and zoom

  function cellAt(event) {
    const rect = canvas.getBoundingClientRect();
    const x = event.clientX - rect.left - GUTTER, y = event.clientY - rect.top;
    if (x < 0 || y < 0 || x >= COLS * CELL) { return -1; }
    const cell = Math.floor(y / CELL) * COLS + Math.floor(x / CELL);
    const pfn = viewStart + cell * fpc;
    return pfn < film.frames && Math.floor(y / CELL) < visibleRows() ? pfn : -1;
  }

  function describe(pfn) {
    const bytes = BigInt(film.pageSize);
    const phys = BigInt(pfn) * bytes;
    const changed = changedAt[pfn];
    const lines = [];
    if (fpc > 1) {
      const last = Math.min(film.frames, pfn + fpc) - 1;
      const counts = new Int32Array(data.owners.length);
      for (let p = pfn; p <= last; p++) { counts[owners[p]]++; }
      lines.push('pfn ' + pfn + '\u2013' + last + ' (zone ' + zoneOf(pfn) + '), physical ' + hex(phys) + '\u2013'
          + hex(BigInt(last + 1) * bytes - 1n));
      data.owners.forEach((o, i) => { if (counts[i] > 0) { lines.push('  ' + counts[i] + ' frames ' + o[1]); } });
      lines.push('click to zoom in to single frames here');
    } else {
      lines.push('pfn ' + pfn + ' (zone ' + zoneOf(pfn) + ')');
      lines.push('physical ' + hex(phys) + '   direct map ' + hex(BigInt('0x' + film.pageOffset) + phys));
      lines.push('owner: ' + data.owners[owners[pfn]][1]);
      if (blockOrder[pfn] >= 0) {
        lines.push('order: ' + blockOrder[pfn] + ' (free block of ' + (1 << blockOrder[pfn]) + ' frames from pfn '
            + blockStart[pfn] + ')');
      } else if (allocOrder[pfn] >= 0) {
        lines.push('order: ' + allocOrder[pfn] + ' (allocated as a block of ' + (1 << allocOrder[pfn]) + ' frames)');
      } else {
        lines.push('order: -');
      }
      if (owners[pfn] === OWNER.SLAB) {
        lines.push('objects: ' + objects[pfn] + ' live, ' + objBytes[pfn] + ' bytes ('
            + Math.round(100 * objBytes[pfn] / film.pageSize) + '% of the page)');
      }
      lines.push('last changed: ' + (changed === 0 ? 'at boot' : 'step ' + changed + ': ' + film.steps[changed].l));
    }
    const hover = $('hover');
    hover.textContent = lines.join('\n');
    hover.dataset.pfn = pfn;
  }

  canvas.addEventListener('mousemove', (e) => { const pfn = cellAt(e); if (pfn >= 0) { describe(pfn); } });
  canvas.addEventListener('click', (e) => {
    const pfn = cellAt(e);
    if (pfn >= 0 && fpc > 1) { fpc = 1; centre(pfn); render(); describe(pfn); }
  });
  canvas.addEventListener('wheel', (e) => { e.preventDefault(); scroll(e.deltaY > 0 ? 8 : -8); }, { passive: false });

  function centre(pfn) {
    const window = rowFrames() * MAX_ROWS;
    const start = Math.floor(Math.max(0, pfn - window / 2) / rowFrames()) * rowFrames();
    viewStart = Math.max(0, Math.min(start, Math.floor(Math.max(0, film.frames - window) / rowFrames()) * rowFrames()));
  }
  function scroll(rows) {
    const max = Math.max(0, Math.ceil(film.frames / rowFrames()) - MAX_ROWS) * rowFrames();
    viewStart = Math.max(0, Math.min(max, viewStart + rows * rowFrames()));
    render();
  }
  // Zooming in halves the frames per cell down to one, then doubles the cells' size up to 32 pixels
  // (where a slab page's fill and a block's order are easy to see); zooming out goes back the same way.
  function zoom(factor) {
    const middle = viewStart + Math.floor(visibleRows() * rowFrames() / 2);
    if (factor < 1 && fpc === 1) {
      setCell(Math.min(32, CELL * 2));
    } else if (factor > 1 && CELL > 8) {
      setCell(CELL / 2);
    } else {
      fpc = Math.max(1, Math.min(wholeMemoryFpc(), fpc * factor));
    }
    centre(middle);
    render();
  }
  function setCell(size) {
    CELL = size;
    COLS = WIDTH / CELL;
    MAX_ROWS = HEIGHT / CELL;
  }

  // ---- controls

  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    $('play').textContent = '\u25B6 play';
  }
  function play() {
    if (timer !== null) { stop(); return; }
    if (current >= film.steps.length - 1) { goTo(0); }
    const rate = Number($('speed').value);
    const perTick = Math.max(1, Math.round(rate / 25));
    timer = setInterval(() => {
      if (current >= film.steps.length - 1) { stop(); return; }
      goTo(current + perTick);
    }, 1000 * perTick / rate);
    $('play').textContent = '\u23F8 pause';
  }

  $('first').addEventListener('click', () => { stop(); goTo(0); });
  $('prev').addEventListener('click', () => { stop(); goTo(current - 1); });
  $('next').addEventListener('click', () => { stop(); goTo(current + 1); });
  $('play').addEventListener('click', play);
  $('scrubber').addEventListener('input', (e) => { stop(); goTo(Number(e.target.value)); });
  $('zoom-in').addEventListener('click', () => zoom(0.5));
  $('zoom-out').addEventListener('click', () => zoom(2));
  $('earlier').addEventListener('click', () => scroll(-MAX_ROWS / 2));
  $('later').addEventListener('click', () => scroll(MAX_ROWS / 2));
  document.addEventListener('keydown', (e) => {
    if (e.target.tagName === 'SELECT' || e.target.tagName === 'INPUT') { return; }
    if (e.key === 'ArrowRight') { stop(); goTo(current + 1); } else if (e.key === 'ArrowLeft') { stop(); goTo(current - 1); } else if (e.key === ' ') { e.preventDefault(); play(); } else if (e.key === 'Home') { stop(); goTo(0); }
  });

  const legend = $('legend');
  data.owners.forEach((o) => {
    const item = document.createElement('span');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = o[2];
    item.appendChild(swatch);
    item.appendChild(document.createTextNode(o[1]));
    legend.appendChild(item);
  });
  const notes = document.createElement('span');
  notes.textContent = 'outlined: a free buddy block, its order in its first cell \u00b7 dark green: how full a slab page is'
      + ' \u00b7 black line: zone boundary';
  legend.appendChild(notes);

  const chooser = $('film');
  data.films.forEach((f, i) => {
    const option = document.createElement('option');
    option.value = i;
    option.textContent = f.title;
    chooser.appendChild(option);
  });
  $('film-chooser').hidden = data.films.length < 2;
  chooser.addEventListener('change', () => loadFilm(Number(chooser.value)));

  // For tests and the curious: where a frame is drawn, and where the page is.
  window.kmemlab = {
    step: () => current,
    steps: () => film.steps.length,
    framesPerCell: () => fpc,
    cellPixels: () => CELL,
    cellCentre: (pfn) => {
      const cell = Math.floor((pfn - viewStart) / fpc);
      return { x: GUTTER + (cell % COLS) * CELL + CELL / 2, y: Math.floor(cell / COLS) * CELL + CELL / 2 };
    },
    owner: (pfn) => data.owners[owners[pfn]][0],
    ownerCounts: () => {
      const counts = {};
      data.owners.forEach((o) => { counts[o[0]] = 0; });
      owners.forEach((o) => { counts[data.owners[o][0]]++; });
      return counts;
    },
    startsFreeBlock: (pfn) => blockOrder[pfn] >= 0 && blockStart[pfn] === pfn
  };
  // A link may name a run and a step: page.html#film=1&step=200 (step=end for the last one).
  function fromHash() {
    const wanted = new URLSearchParams(location.hash.slice(1));
    const f = Number(wanted.get('film'));
    if (Number.isInteger(f) && f > 0 && f < data.films.length && data.films[f] !== film) {
      chooser.value = f;
      loadFilm(f);
    }
    const s = wanted.get('step');
    if (s !== null) { goTo(s === 'end' ? film.steps.length - 1 : Number(s) || 0); }
  }
  window.addEventListener('hashchange', fromHash);
  loadFilm(0);
  fromHash();
  window.kmemlab.readyMillis = performance.now();
}());
