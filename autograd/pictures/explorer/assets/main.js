// Wiring: read the embedded graph, lay out what is visible (in a worker when
// the browser allows one), draw it, and answer clicks, search and the toolbar.
// <body data-vg-ready="1"> says a layout is drawn; it is removed while one is made.

function readGraph() {
  return JSON.parse(document.getElementById('vg-data').textContent);
}

// Graphviz in a worker made from the library's own <script> text, so the page
// stays responsive; on the main thread if the browser refuses the worker.
function Layouter() {
  this.pending = new Map();
  this.next = 1;
  const library = document.getElementById('vg-layout-library').textContent;
  const worker = document.getElementById('vg-layout-worker').textContent;
  try {
    const url = URL.createObjectURL(new Blob([library, '\n', worker], { type: 'text/javascript' }));
    this.worker = new Worker(url);
    this.worker.onmessage = (event) => this.settle(event.data);
    this.worker.onerror = (event) => { event.preventDefault(); this.fallBack(); };
  } catch (error) {
    this.worker = null;
  }
}

Layouter.prototype.settle = function (message) {
  const waiting = this.pending.get(message.id);
  if (!waiting) return;
  this.pending.delete(message.id);
  if (message.error) waiting.reject(new Error(message.error)); else waiting.resolve(message.text);
};

Layouter.prototype.fallBack = function () {
  this.worker = null;
  const waiting = Array.from(this.pending.entries());
  this.pending.clear();
  for (const [, job] of waiting) this.layout(job.dot).then(job.resolve, job.reject);
};

Layouter.prototype.layout = function (dot) {
  if (this.worker) {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve, reject: reject, dot: dot });
      this.worker.postMessage({ id: id, dot: dot });
    });
  }
  if (!this.graphviz) this.graphviz = globalThis.vgGraphvizLibrary.Graphviz.load();
  return this.graphviz.then((graphviz) => graphviz.layout(dot, 'json0', 'dot'));
};

function Explorer() {
  const data = readGraph();
  this.model = new GraphModel(data);
  this.runtime = new Runtime(data, globalThis.vgProgram || null);
  this.stepper = new Stepper(this.runtime);
  this.model.runtime = this.runtime;
  this.runtime.onPublish = () => this.model.recomputeShares(this.runtime);
  this.model.stepper = this.stepper;
  this.state = { selected: null, matches: new Set(), matchGroups: new Set(), showLocal: false };
  this.status = document.getElementById('vg-status');
  this.panel = document.getElementById('vg-panel');
  this.view = new View(document.getElementById('vg-stage'), this.model);
  this.layouter = new Layouter();
  this.generation = 0;
  this.firstDraw = true;
  this.shownCollapsed = this.model.collapsed.slice();
  document.getElementById('vg-title').textContent = data.title || 'computation graph';
  buildLegend(document.getElementById('vg-legend'));
  this.installControls();
  this.installStepping();
  this.trainer = null;
  if (data.training && globalThis.vgProbe && this.runtime.runnable) this.installTraining(data.training);
  window.valuegrad = new PageAPI(this);
  this.relayout();
}

GraphModel.prototype.stackCount = function (g) {
  return this.examples[g];
};

// Lay out and draw what is visible; `then` runs after the drawing (to centre a
// node); `keep` lists the ids (n3, g7) the user asked to see, which stay open
// if too many boxes are open and some groups must be closed.
Explorer.prototype.relayout = function (then, keep) {
  const generation = ++this.generation;
  document.body.removeAttribute('data-vg-ready');
  const started = performance.now();
  const view = this.model.visibleWithin((keep || []).concat(['n0']));
  if (view === null) {
    // Even with every other group closed this is too much to lay out: keep the drawing.
    this.model.collapsed = this.shownCollapsed.slice();
    this.status.textContent = 'that would lay out more than ' + MAX_BOXES.toLocaleString('en') +
      ' boxes at once; open a smaller group';
    document.body.setAttribute('data-vg-ready', '1');
    return;
  }
  this.shownCollapsed = this.model.collapsed.slice();
  const sizes = this.view.measure(view.boxes);
  const dot = this.model.toDot(view, sizes, HEADER, (g) => this.view.headerWidth(g));
  this.status.textContent = 'laying out ' + view.boxes.length.toLocaleString('en') + ' boxes…';
  this.layouter.layout(dot).then((text) => {
    if (generation !== this.generation) return;  // a newer layout was asked for
    const layout = readLayout(text);
    this.view.draw(view, layout, this.state);
    this.view.refresh(this.state);
    if (this.firstDraw) { this.view.fit(); this.firstDraw = false; } else this.view.apply();
    if (then) then();
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    this.status.textContent = this.model.count.toLocaleString('en') + ' nodes, ' +
      this.model.edgeCount.toLocaleString('en') + ' edges; showing ' +
      view.boxes.length.toLocaleString('en') + ' boxes in ' + view.clusters.length + ' open groups (laid out in ' + seconds + ' s)';
    document.body.setAttribute('data-vg-ready', '1');
  }, (error) => {
    this.status.textContent = 'layout failed: ' + error.message;
    document.body.setAttribute('data-vg-failed', error.message);
    console.warn('layout failed', error);
  });
};

Explorer.prototype.select = function (i) {
  this.state.selected = i;
  showPanel(this.panel, this.model, i, (target) => this.goTo(target), (leaf, x) => this.setLeaf(leaf, x));
  for (const old of document.querySelectorAll('.vg-selected')) old.classList.remove('vg-selected');
  const box = document.querySelector('.vg-node[data-node="' + i + '"]');
  if (!box) return;
  box.classList.add('vg-selected');
  // The panel narrows the stage: bring the node back into view if it is now hidden.
  const shown = box.getBoundingClientRect();
  const stage = this.view.svg.getBoundingClientRect();
  if (shown.left < stage.left || shown.right > stage.right || shown.top < stage.top || shown.bottom > stage.bottom) {
    this.view.centre('n' + i);
  }
};

// Select node i, opening its groups and centring it.
Explorer.prototype.goTo = function (i) {
  this.state.selected = i;
  const centre = () => { this.select(i); this.view.centre('n' + i); };
  if (this.model.reveal(i)) this.relayout(centre, ['n' + i]); else centre();
};

// Open or close group g, and keep it in view.
Explorer.prototype.toggleGroup = function (g) {
  this.model.collapsed[g] = !this.model.collapsed[g];
  this.relayout(() => this.view.centre('g' + g), ['g' + g]);
};

Explorer.prototype.runSearch = function (query) {
  const found = search(this.model, query);
  const limit = 50;  // opening more groups than this would lay out most of a large graph
  this.state.matches = new Set(found.slice(0, limit));
  this.state.matchGroups = new Set();
  for (const i of found.slice(limit)) for (const g of this.model.groupChain(i)) this.state.matchGroups.add(g);
  let changed = false;
  for (const i of this.state.matches) changed = this.model.reveal(i) || changed;
  const note = document.getElementById('vg-matches');
  note.textContent = query.trim() === '' ? '' : found.length === 0 ? 'no match'
    : found.length + ' match' + (found.length === 1 ? '' : 'es') + (found.length > limit ? ' (first ' + limit + ' opened)' : '');
  const first = found[0];
  const after = () => { if (first !== undefined) this.view.centre('n' + first); };
  this.relayout(after, Array.from(this.state.matches, (i) => 'n' + i));
  return changed;
};

Explorer.prototype.installControls = function () {
  const stage = this.view.svg;
  stage.addEventListener('click', (event) => {
    if (this.view.dragged) return;
    const target = event.target.closest('.vg-node');
    if (!target) return;
    const group = target.getAttribute('data-group');
    if (group !== null) {
      const collapsed = target.getAttribute('data-collapsed') === 'true';
      // An open group closes from its title bar only: clicks inside reach its members.
      if (collapsed || event.target.closest('.vg-header, .vg-header-text')) this.toggleGroup(+group);
      return;
    }
    this.select(+target.getAttribute('data-node'));
  });
  const field = document.querySelector('input[type=search]');
  let timer = null;
  field.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => this.runSearch(field.value), 250);
  });
  field.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') { clearTimeout(timer); this.runSearch(field.value); }
  });
  document.getElementById('vg-fit').addEventListener('click', () => this.view.fit());
  document.getElementById('vg-collapse').addEventListener('click', () => {
    // Back to the page as it opened: the search and its highlights go too.
    field.value = '';
    clearTimeout(timer);
    this.state.matches = new Set();
    this.state.matchGroups = new Set();
    document.getElementById('vg-matches').textContent = '';
    this.model.collapsed = this.model.data.groups.collapsed.slice();
    this.firstDraw = true;
    this.relayout();
  });
  const local = document.getElementById('vg-local');
  local.addEventListener('change', () => { this.state.showLocal = local.checked; this.relayout(); });
  window.addEventListener('keydown', (event) => {
    if (typingIn(event)) return;
    if (event.key === '0' || event.key === 'f') this.view.fit();
    if (event.key === '+' || event.key === '=' || event.key === '-') {
      const rect = this.view.svg.getBoundingClientRect();
      this.view.zoomAt(event.key === '-' ? 1 / 1.25 : 1.25, rect.width / 2, rect.height / 2);
    }
    if (event.key === '/') { event.preventDefault(); field.focus(); }
    if (event.key === 'Escape') this.panel.hidden = true;
  });
};

// Set leaf i to x: every value and gradient is recomputed in the page, and redrawn.
Explorer.prototype.setLeaf = function (i, x) {
  const started = performance.now();
  this.runtime.set(i, x);
  const seconds = (performance.now() - started) / 1000;
  if (this.stepper.active) this.stepper.seek(this.stepper.position); else this.redrawNumbers();
  this.status.textContent = 'recomputed ' + this.model.count.toLocaleString('en') + ' values and gradients in ' +
    (seconds * 1000).toFixed(1) + ' ms';
  return seconds;
};

// New numbers into the drawing and the open panel, without a new layout.
Explorer.prototype.redrawNumbers = function () {
  if (this.view.layout) this.view.refresh(this.state);
  if (this.state.selected !== null && !this.panel.hidden) {
    // The panel is drawn again with the new numbers; a field being edited keeps the focus.
    const focused = document.activeElement;
    const editing = focused && focused.classList && focused.classList.contains('vg-edit') ? focused.dataset.node : null;
    showPanel(this.panel, this.model, this.state.selected, (t) => this.goTo(t), (leaf, x) => this.setLeaf(leaf, x));
    if (editing !== null) {
      const field = this.panel.querySelector('.vg-edit[data-node="' + editing + '"]');
      if (field) field.focus();
    }
  }
};

// While stepping, keep the current node's box in view.
Explorer.prototype.followCurrent = function () {
  if (this.state.current === null || this.state.current === undefined) return;
  const shown = this.model.representative(this.state.current);
  const box = this.view.scene.querySelector('.vg-node[data-node="' + (shown[0] === 'n' ? shown.slice(1) : shown) + '"]');
  if (!box) return;
  const at = box.getBoundingClientRect();
  const stage = this.view.svg.getBoundingClientRect();
  if (at.right < stage.left || at.left > stage.right || at.bottom < stage.top || at.top > stage.bottom) {
    this.view.centre(shown);
  }
};

// The step bar: play, pause, step, scrub; and the keys Space, ←, →, Home, End.
Explorer.prototype.installStepping = function () {
  const stepper = this.stepper;
  const bar = document.getElementById('vg-steps');
  const scrub = document.getElementById('vg-scrub');
  const play = document.getElementById('vg-play');
  const text = document.getElementById('vg-step-text');
  const code = document.getElementById('vg-step-code');
  stepper.unitOf = (node) => this.model.representative(node);
  scrub.max = String(stepper.total);
  scrub.value = String(stepper.total);
  const rate = document.getElementById('vg-rate');
  stepper.onChange = () => {
    scrub.value = String(stepper.position);
    play.textContent = stepper.playing() ? '⏸ pause' : '▶ play';
    bar.classList.toggle('vg-stepping', stepper.active);
    this.state.current = stepper.active && stepper.last ? stepper.last.node : null;
    text.textContent = stepText(this.model, stepper);
    showStepCode(this.model, stepper, code);
    this.redrawNumbers();
    this.followCurrent();
  };
  document.getElementById('vg-first').addEventListener('click', () => { stepper.pause(); stepper.seek(0); });
  document.getElementById('vg-back').addEventListener('click', () => { stepper.pause(); stepper.back(); });
  document.getElementById('vg-step').addEventListener('click', () => { stepper.pause(); stepper.step(); });
  document.getElementById('vg-last').addEventListener('click', () => stepper.stop());
  play.addEventListener('click', () => { if (stepper.playing()) stepper.pause(); else stepper.play(Number(rate.value)); });
  rate.addEventListener('change', () => { if (stepper.playing()) stepper.play(Number(rate.value)); });
  scrub.addEventListener('input', () => { stepper.pause(); stepper.seek(Number(scrub.value)); });
  window.addEventListener('keydown', (event) => {
    if (typingIn(event)) return;
    if (event.key === ' ') { event.preventDefault(); play.click(); }
    else if (event.key === 'ArrowRight') { event.preventDefault(); stepper.pause(); stepper.step(); }
    else if (event.key === 'ArrowLeft') { event.preventDefault(); stepper.pause(); stepper.back(); }
    else if (event.key === 'Home') { event.preventDefault(); stepper.pause(); stepper.seek(0); }
    else if (event.key === 'End') { event.preventDefault(); stepper.stop(); }
  });
  text.textContent = stepText(this.model, stepper);
};

// Whether a key belongs to what has the focus: a field, a slider, a list, or a
// button's own Space (which clicks it), rather than to the page's shortcuts.
function typingIn(event) {
  const target = event.target;
  if (!target || !target.tagName) return false;
  if (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA') return true;
  return target.tagName === 'BUTTON' && (event.key === ' ' || event.key === 'Enter');
}

// Under the step bar, while the current node is a step of an unfolded jitted call:
// the line of generated code that computes it (text only: it holds user labels and file names).
function showStepCode(model, stepper, element) {
  const now = stepper.active ? stepper.current() : null;
  const code = now && now.node !== null && model.data.code ? model.data.code[now.node] : undefined;
  if (!code || typeof code === 'string') {
    element.hidden = true;
    element.querySelector('code').textContent = '';
    return;
  }
  // Forward: the line that computes the value; backward: the lines that pass its gradient on, where written.
  const backward = now.phase === 'backward' && code.backward.length > 0;
  const where = backward ? 'lines ' + code.backward[0][0] + '–' + code.backward[code.backward.length - 1][0] : codeWhere(code);
  element.hidden = false;
  element.dataset.phase = backward ? 'backward' : 'forward';
  element.querySelector('.vg-step-code-where').textContent = 'generated code, ' + where + ': ';
  element.querySelector('code').textContent = backward
    ? code.backward.map((line) => line[1].trim()).join('  ⏎  ')
    : code.line.trim();
}

// One line on what the latest step did: a value computed, or the gradient passed on.
function stepText(model, stepper) {
  const now = stepper.current();
  const where = now.position + ' / ' + now.total;
  if (!stepper.active) return 'step through backprop: ▶ or → (' + now.total + ' steps: forward, then backward)';
  if (now.node === null) return where + ' · start: only the leaves have values';
  const i = now.node;
  const title = nodeTitle(model, i);
  const shown = model.representative(i);
  if (shown[0] === 'g' && now.nodes > 1) {
    const g = +shown.slice(1);
    return where + ' · ' + now.phase + ': ' + model.shortGroupName(g) + ', ' + now.nodes.toLocaleString('en') +
      ' nodes stepped as one (open the group to step inside it)';
  }
  const parents = model.data.parents[i];
  if (model.data.code && typeof model.data.code[i] === 'string') {
    return where + ' · ' + now.phase + ': ' + title + ', a jitted call: one step (its generated code is in the panel)';
  }
  if (now.phase === 'forward') {
    const operands = parents.slice(0, 6).map((p) => formatNumber(model.runtime.values[p])).join(', ') +
      (parents.length > 6 ? ', … ' + parents.length + ' operands' : '');
    return where + ' · forward: ' + title + ' = ' + formatNumber(model.runtime.values[i]) + ' from (' + operands + ')';
  }
  const last = stepper.last;
  const users = model.children[i];
  let text = where + ' · backward: ' + title + ', grad ' + formatNumber(last.grad);
  if (users.length > 1) text += ' (the sum of its ' + users.length + ' users\' parts)';
  if (last.parts.length === 0) return text + '; it passes nothing on (the sweep skips a gradient of 0)';
  const passed = last.parts.slice(0, 4).map((part, k) => formatNumber(last.local[k]) + ' × ' + formatNumber(last.grad) +
    ' = ' + formatNumber(part) + ' to ' + nodeTitle(model, parents[k]));
  return text + '; passes ' + passed.join(', ') + (last.parts.length > 4 ? ', …' : '');
}

// The training view: gradient descent in the page, the boundary, the loss curve, the recorded run.
Explorer.prototype.installTraining = function (spec) {
  const trainer = this.trainer = new Trainer(this.runtime, spec, globalThis.vgProbe);
  const section = document.getElementById('vg-train');
  section.hidden = false;
  const picture = this.trainingView = new TrainingView(section, trainer);
  const play = document.getElementById('vg-train-play');
  const rate = document.getElementById('vg-train-rate');
  const lr = document.getElementById('vg-lr');
  const history = document.getElementById('vg-history');
  const text = document.getElementById('vg-train-text');
  lr.value = String(trainer.lr);
  let drawn = 0;
  const show = () => {
    history.max = String(trainer.snapshots.length - 1);
    history.value = String(trainer.steps);
    play.textContent = trainer.playing() ? '⏸ pause' : '▶ train';
    const loss = trainer.steps > 0 && trainer.steps <= trainer.losses.length ? trainer.losses[trainer.steps - 1] : this.runtime.values[0];
    const accuracy = ' · accuracy ' + (100 * trainer.accuracy()).toFixed(1) + '%';
    if (trainer.steps <= trainer.recordedSteps && trainer.recordedSteps > 0) {
      text.textContent = 'recorded run, ' + (trainer.steps === 0 ? 'as fit found it' : 'after epoch ' + trainer.steps +
        ' of ' + trainer.recordedSteps + ' (its mean training loss ' + formatNumber(loss) + ')') +
        ' · loss on these points ' + formatNumber(this.runtime.values[0]) + accuracy;
    } else {
      text.textContent = 'step ' + trainer.steps + ' · loss ' + formatNumber(this.runtime.values[0]) + accuracy +
        (trainer.steps > 0 ? ' (step ' + trainer.steps + ' started at ' + formatNumber(loss) + ')' : '');
    }
    const now = performance.now();
    if (!trainer.playing() || now - drawn > 100) { picture.draw(); drawn = now; }
    if (this.stepper.active) this.stepper.seek(this.stepper.position); else this.redrawNumbers();
  };
  trainer.onChange = show;
  play.addEventListener('click', () => {
    if (trainer.playing()) trainer.pause(); else trainer.play(Number(rate.value), show);
  });
  rate.addEventListener('change', () => { if (trainer.playing()) trainer.play(Number(rate.value), show); });
  document.getElementById('vg-train-step').addEventListener('click', () => { trainer.pause(); trainer.step(); trainer.settle(); show(); });
  lr.addEventListener('change', () => {
    const value = Number(lr.value);
    if (lr.value.trim() !== '' && Number.isFinite(value) && value > 0) trainer.lr = value; else lr.value = String(trainer.lr);
  });
  history.addEventListener('input', () => { trainer.pause(); trainer.rewind(Number(history.value)); });
  window.addEventListener('keydown', (event) => {
    if (typingIn(event)) return;
    if (event.key === 't') play.click();
    // [ and ]: one kept step back or on (a recorded run's epochs, or the page's own steps).
    if (event.key === '[' || event.key === ']') {
      trainer.pause();
      trainer.rewind(trainer.steps + (event.key === ']' ? 1 : -1));
    }
  });
  if (trainer.recordedSteps > 0) trainer.rewind(trainer.recordedSteps); else show();
};

// The page's JavaScript API, window.valuegrad (see docs/explorer.md).
function PageAPI(explorer) {
  this.explorer = explorer;
}

// The ids of the nodes labelled `label` (or whose parameter name it is), in id order.
PageAPI.prototype.find = function (label) {
  const model = this.explorer.model;
  const found = [];
  for (let i = 0; i < model.count; i++) {
    if (model.data.label[i] === label || model.names[i] === label) found.push(i);
  }
  return found;
};

// {data, grad} of node id, as the page computes them now.
PageAPI.prototype.get = function (id) {
  const runtime = this.explorer.runtime;
  if (!Number.isInteger(id) || id < 0 || id >= runtime.count) throw new RangeError('valuegrad.get: no node ' + id);
  return { data: runtime.values[id], grad: runtime.grads[id] };
};

// Every node's {data, grad} at once (for tests: one call instead of thousands).
PageAPI.prototype.all = function () {
  const runtime = this.explorer.runtime;
  return { data: Array.from(runtime.values), grad: Array.from(runtime.grads) };
};

// Set leaf id to x and recompute every value and gradient; returns the seconds it took.
PageAPI.prototype.set = function (id, x) { return this.explorer.setLeaf(id, x); };
PageAPI.prototype.steps = function () { return this.explorer.stepper.total; };

// Training (pages made with a training view): n steps of gradient descent at once.
PageAPI.prototype.trainer = function () {
  if (this.explorer.trainer === null) throw new Error('valuegrad: this page has no training view (nn.explore_model(model, data=(X, y)) makes one)');
  return this.explorer.trainer;
};
PageAPI.prototype.train = function (n) {
  const trainer = this.trainer();
  const count = n === undefined ? 1 : n;
  if (!Number.isInteger(count) || count < 0) throw new TypeError('valuegrad.train: expected a whole number of steps, got ' + n);
  for (let k = 0; k < count; k++) trainer.step();
  trainer.settle();
  if (trainer.onChange) trainer.onChange();
  return this.training();
};
PageAPI.prototype.training = function () {
  const trainer = this.trainer();
  return { step: trainer.steps, loss: this.explorer.runtime.values[0], accuracy: trainer.accuracy(), losses: trainer.losses.slice(0, trainer.steps) };
};
PageAPI.prototype.parameters = function () {
  const trainer = this.trainer();
  const named = {};
  trainer.spec.names.forEach((name, k) => { named[name] = this.explorer.runtime.values[trainer.parameters[k]]; });
  return named;
};
PageAPI.prototype.rewind = function (k) { this.trainer().rewind(k); return this.training(); };
// The recorded run the page was made with (nn.explore_model(..., history=...)): its epochs and losses.
PageAPI.prototype.recorded = function () {
  const trainer = this.trainer();
  return { epochs: trainer.recordedSteps, losses: trainer.losses.slice(0, trainer.recordedSteps) };
};
PageAPI.prototype.trainPlay = function (stepsPerSecond) { const t = this.trainer(); t.play(stepsPerSecond, t.onChange); };
PageAPI.prototype.trainPause = function () { this.trainer().pause(); };
PageAPI.prototype.setLearningRate = function (lr) {
  if (typeof lr !== 'number' || !(lr > 0) || !Number.isFinite(lr)) throw new TypeError('valuegrad.setLearningRate: expected a number > 0, got ' + lr);
  this.trainer().lr = lr;
  document.getElementById('vg-lr').value = String(lr);
};
PageAPI.prototype.predict = function (x, y) { return this.trainer().predict(x, y); };
PageAPI.prototype.step = function () { return this.explorer.stepper.step(); };
PageAPI.prototype.back = function () { return this.explorer.stepper.back(); };
PageAPI.prototype.seek = function (position) { return this.explorer.stepper.seek(position); };
PageAPI.prototype.play = function (stepsPerSecond) { this.explorer.stepper.play(stepsPerSecond); };
PageAPI.prototype.pause = function () { this.explorer.stepper.pause(); };
PageAPI.prototype.stop = function () { this.explorer.stepper.stop(); };
PageAPI.prototype.current = function () { return this.explorer.stepper.current(); };
// What node id shows now: {data, grad}, null for what the stepping has not computed yet.
PageAPI.prototype.shown = function (id) {
  const model = this.explorer.model;
  return { data: model.shownData(id), grad: model.shownGrad(id) };
};

window.addEventListener('DOMContentLoaded', () => { window.vgExplorer = new Explorer(); });
