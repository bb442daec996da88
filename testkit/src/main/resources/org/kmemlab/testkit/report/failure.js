// kmemlab failing-property page: plays a shrunk counterexample step by step (FailurePage.java writes
// the data). Step 0 is the set-up; the last step is the one after which the property failed. Each step
// has a snapshot, the allocator's view beside the model's, when the property draws them.
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('page-data').textContent);
  const $ = (id) => document.getElementById(id);
  const lines = ['0: ' + data.setUp].concat(data.steps);
  const last = lines.length - 1;
  const differs = (s) => s && (s.allocator.length !== s.model.length || s.allocator.some((l, i) => l !== s.model[i]));
  let divergence = data.snapshots.findIndex(differs);
  if (divergence < 0) { divergence = last; }
  let current = 0;
  let timer = null;

  $('title').textContent = data.id + ' failed for ' + data.subject;
  const steps = (n) => n + (n === 1 ? ' step' : ' steps');
  $('subtitle').textContent = data.title + ' \u00b7 seed ' + data.seed + ' \u00b7 shrunk from '
      + steps(data.originalSteps) + ' to ' + data.steps.length;
  $('verdict').textContent = 'broken invariant: ' + data.invariant + '\n  expected: ' + data.expected
      + '\n  actual:   ' + data.actual + '\n\nreplay: ' + data.replay;
  lines.forEach((text, i) => {
    const li = document.createElement('li');
    li.textContent = text;
    li.dataset.step = i;
    if (i === last) { li.classList.add('failing'); li.title = 'the property failed after this step'; }
    if (i === divergence) { li.classList.add('diverges'); li.title = 'your allocator and the model first disagree here'; }
    li.addEventListener('click', () => { stop(); show(i); });
    $('steps').appendChild(li);
  });
  $('scrubber').max = last;

  function fill(pre, own, other) {
    pre.textContent = '';
    own.forEach((line, i) => {
      const span = document.createElement('span');
      span.textContent = line + '\n';
      if (other[i] !== line) { span.className = 'differs'; }
      pre.appendChild(span);
    });
  }

  function show(step) {
    current = Math.max(0, Math.min(last, step));
    document.querySelectorAll('#steps li').forEach((li, i) => {
      li.classList.toggle('current', i === current);
      li.classList.toggle('later', i > current);
    });
    const s = data.snapshots[current];
    if (s) {
      fill($('allocator'), s.allocator, s.model);
      fill($('model'), s.model, s.allocator);
    } else {
      $('allocator').textContent = data.snapshots.length === 0 ? '(this property draws no pictures of the state)' : '(not drawn)';
      $('model').textContent = $('allocator').textContent;
    }
    $('position').textContent = 'step ' + current + ' of ' + last;
    $('scrubber').value = current;
    document.body.dataset.step = current;
  }

  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    $('play').textContent = '\u25B6 play';
  }
  $('first').addEventListener('click', () => { stop(); show(0); });
  $('prev').addEventListener('click', () => { stop(); show(current - 1); });
  $('next').addEventListener('click', () => { stop(); show(current + 1); });
  $('to-divergence').addEventListener('click', () => { stop(); show(divergence); });
  $('scrubber').addEventListener('input', (e) => { stop(); show(Number(e.target.value)); });
  $('play').addEventListener('click', () => {
    if (timer !== null) { stop(); return; }
    if (current >= last) { show(0); }
    timer = setInterval(() => { if (current >= last) { stop(); } else { show(current + 1); } }, 900);
    $('play').textContent = '\u23F8 pause';
  });
  window.kmemlab = { step: () => current, divergence: () => divergence, failing: () => last };
  // A link may name a step (page.html#step=2) or the divergence (#step=diverges).
  const wanted = new URLSearchParams(location.hash.slice(1)).get('step');
  show(wanted === 'diverges' ? divergence : Number(wanted) || 0);
}());
