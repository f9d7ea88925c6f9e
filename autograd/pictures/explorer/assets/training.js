// Training in the page: full-batch gradient descent on the graph the page runs,
// as nn.fit with nn.SGD(lr, momentum), batch_size=None and shuffle=False:
// each step computes the loss and every gradient at the current parameters,
// then updates them (buf = g the first step, then buf = momentum * buf + g;
// p = p - lr * buf). Every step's parameters are kept, so a slider goes back
// to any of them. The decision boundary is the one-input graph (vgProbe)
// evaluated over a grid with the current parameters.

function Trainer(runtime, spec, probeProgram) {
  this.runtime = runtime;
  this.spec = spec;
  this.lr = spec.lr;
  this.momentum = spec.momentum;
  this.parameters = spec.parameters;
  this.buffers = null;
  this.steps = 0;
  this.losses = [];          // the loss at each step's start (what fit's history records per epoch)
  this.snapshots = [Float64Array.from(spec.parameters, (p) => runtime.values[p])];
  // A recorded run (nn.fit(..., record=True)): its states are the first snapshots, its losses the curve.
  this.recordedSteps = 0;
  if (spec.recorded) {
    this.snapshots = spec.recorded.snapshots.map((snapshot) => Float64Array.from(snapshot));
    this.losses = spec.recorded.losses.map((loss) => (loss === null ? NaN : loss));
    this.recordedSteps = this.snapshots.length - 1;
  }
  this.timer = null;
  this.onChange = null;
  // The one-input graph, run forward only.
  const probe = spec.probe;
  this.probe = {
    program: probeProgram,
    parents: probe.parents,
    kernel: probe.kernel,
    values: Float64Array.from(probe.data),
    inputs: probe.inputs,
    shared: probe.shared,
    order: [],
  };
  for (let i = probe.parents.length - 1; i >= 0; i--) if (probe.parents[i].length > 0) this.probe.order.push(i);
}

// One step of gradient descent; returns the loss it started from.
Trainer.prototype.step = function () {
  const runtime = this.runtime;
  runtime.run();
  const loss = runtime.values[0];
  const values = runtime.values;
  const grads = runtime.grads;
  const params = this.parameters;
  const lr = this.lr;
  const momentum = this.momentum;
  if (momentum === 0) {
    for (let k = 0; k < params.length; k++) values[params[k]] -= lr * grads[params[k]];
  } else {
    if (this.buffers === null) {
      this.buffers = new Float64Array(params.length);
      for (let k = 0; k < params.length; k++) this.buffers[k] = grads[params[k]];
    } else {
      for (let k = 0; k < params.length; k++) this.buffers[k] = momentum * this.buffers[k] + grads[params[k]];
    }
    for (let k = 0; k < params.length; k++) values[params[k]] -= lr * this.buffers[k];
  }
  this.steps += 1;
  this.losses.length = this.steps - 1;
  this.losses.push(loss);
  this.snapshots.length = this.steps;
  this.snapshots.push(Float64Array.from(params, (p) => values[p]));
  return loss;
};

// The numbers at the current parameters: every value and gradient, into the drawing's data.
Trainer.prototype.settle = function () {
  this.runtime.run();
  this.runtime.publish();
};

// Back (or on) to the parameters after step k of the recorded run (0: as the page opened).
Trainer.prototype.rewind = function (k) {
  k = Math.max(0, Math.min(this.snapshots.length - 1, Math.round(Number(k)) || 0));
  const snapshot = this.snapshots[k];
  for (let j = 0; j < this.parameters.length; j++) this.runtime.values[this.parameters[j]] = snapshot[j];
  this.steps = k;
  this.buffers = null;
  // A recorded run's states are set, not replayed (its optimizer is fit's, not the page's); steps
  // the page trained after it start from its last state with a fresh momentum buffer.
  const base = Math.min(k, this.recordedSteps);
  if (k > base && this.momentum !== 0) {
    // The momentum buffer after step k: replayed from the start (the gradients are not kept).
    const keep = this.snapshots.slice();
    const losses = this.losses.slice();
    for (let j = 0; j < this.parameters.length; j++) this.runtime.values[this.parameters[j]] = keep[base][j];
    this.steps = base;
    for (let s = base; s < k; s++) this.step();
    this.snapshots = keep;
    this.losses = losses;
  }
  this.settle();
  if (this.onChange) this.onChange();
  return k;
};

// The share of points on the right side of the boundary, at the current numbers.
Trainer.prototype.accuracy = function () {
  const values = this.runtime.values;
  let right = 0;
  this.spec.outputs.forEach((node, k) => { if ((values[node] > 0 ? 1 : 0) === this.spec.labels[k]) right += 1; });
  return this.spec.outputs.length ? right / this.spec.outputs.length : NaN;
};

// The model's output at (x, y) with the current parameters.
Trainer.prototype.predict = function (x, y) {
  const probe = this.probe;
  const values = probe.values;
  for (const [mine, theirs] of probe.shared) values[mine] = this.runtime.values[theirs];
  values[probe.inputs[0]] = x;
  values[probe.inputs[1]] = y;
  for (const i of probe.order) {
    const k = probe.kernel[i];
    if (k >= 0) values[i] = probe.program.forward[k](values, probe.parents[i]);
  }
  return values[0];
};

Trainer.prototype.play = function (stepsPerSecond, then) {
  this.pause();
  const rate = Math.max(1, Number(stepsPerSecond) || 30);
  let last = performance.now();
  let owed = 0;
  const tick = () => {
    const now = performance.now();
    owed += (now - last) * rate / 1000;
    last = now;
    const started = performance.now();
    while (owed >= 1 && performance.now() - started < 40) { this.step(); owed -= 1; }
    owed = Math.min(owed, rate);  // a slow machine falls behind, it does not pile up steps
    this.settle();
    if (then) then();
  };
  this.timer = setInterval(tick, Math.max(16, 1000 / rate));
  if (this.onChange) this.onChange();
};

Trainer.prototype.pause = function () {
  if (this.timer !== null) { clearInterval(this.timer); this.timer = null; if (this.onChange) this.onChange(); }
};

Trainer.prototype.playing = function () { return this.timer !== null; };

// ---------------------------------------------------------------- the pictures

function TrainingView(root, trainer) {
  this.trainer = trainer;
  this.root = root;
  this.boundary = root.querySelector('#vg-boundary');
  this.curve = root.querySelector('#vg-curve');
  const points = trainer.spec.points;
  let xs = points.map((p) => p[0]);
  let ys = points.map((p) => p[1]);
  const pad = (low, high) => { const d = (high - low) * 0.1 || 1; return [low - d, high + d]; };
  this.xRange = pad(Math.min(...xs), Math.max(...xs));
  this.yRange = pad(Math.min(...ys), Math.max(...ys));
  this.grid = 40;
}

TrainingView.prototype.draw = function () {
  const trainer = this.trainer;
  const canvas = this.boundary;
  const context = canvas.getContext('2d');
  const width = canvas.width;
  const height = canvas.height;
  const cells = this.grid;
  const [x0, x1] = this.xRange;
  const [y0, y1] = this.yRange;
  for (let row = 0; row < cells; row++) {
    for (let column = 0; column < cells; column++) {
      const x = x0 + (column + 0.5) * (x1 - x0) / cells;
      const y = y1 - (row + 0.5) * (y1 - y0) / cells;
      const out = trainer.predict(x, y);
      const strength = Math.min(1, Math.abs(out) / 3);
      context.fillStyle = out > 0 ? 'rgba(230, 120, 40, ' + (0.15 + 0.45 * strength) + ')'
        : 'rgba(40, 110, 220, ' + (0.15 + 0.45 * strength) + ')';
      const left = Math.floor(column * width / cells);
      const top = Math.floor(row * height / cells);
      context.clearRect(left, top, Math.floor((column + 1) * width / cells) - left, Math.floor((row + 1) * height / cells) - top);
      context.fillRect(left, top, Math.floor((column + 1) * width / cells) - left, Math.floor((row + 1) * height / cells) - top);
    }
  }
  trainer.spec.points.forEach((point, k) => {
    const px = (point[0] - x0) / (x1 - x0) * width;
    const py = (y1 - point[1]) / (y1 - y0) * height;
    context.beginPath();
    context.arc(px, py, 3.5, 0, 2 * Math.PI);
    context.fillStyle = trainer.spec.labels[k] === 1 ? '#c2410c' : '#1d4ed8';
    context.fill();
    context.strokeStyle = '#fff';
    context.stroke();
  });
  this.drawCurve();
};

TrainingView.prototype.drawCurve = function () {
  const canvas = this.curve;
  const context = canvas.getContext('2d');
  // Every kept loss (a recorded run's, or the page's steps), the current step marked.
  const losses = this.trainer.losses.slice(0, this.trainer.snapshots.length - 1);
  context.clearRect(0, 0, canvas.width, canvas.height);
  context.strokeStyle = '#ccc';
  context.strokeRect(0.5, 0.5, canvas.width - 1, canvas.height - 1);
  if (losses.length < 2) return;
  const finite = losses.filter(Number.isFinite);
  const top = Math.max(...finite);
  const bottom = Math.min(0, Math.min(...finite));
  context.beginPath();
  const at = (k) => [4 + k / (losses.length - 1) * (canvas.width - 8),
    canvas.height - 4 - (losses[k] - bottom) / (top - bottom || 1) * (canvas.height - 8)];
  let drawing = false;
  losses.forEach((loss, k) => {
    if (!Number.isFinite(loss)) { drawing = false; return; }
    const [x, y] = at(k);
    if (drawing) context.lineTo(x, y); else context.moveTo(x, y);
    drawing = true;
  });
  context.strokeStyle = '#7c2d12';
  context.stroke();
  const current = Math.max(0, Math.min(losses.length - 1, this.trainer.steps - 1));
  if (this.trainer.steps > 0 && Number.isFinite(losses[current])) {
    const [x, y] = at(current);
    context.beginPath();
    context.arc(x, y, 3.5, 0, 2 * Math.PI);
    context.fillStyle = '#1d4ed8';
    context.fill();
  }
};
