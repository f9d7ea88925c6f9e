// Backprop step by step: the forward pass (operands before users), then the
// backward pass in the engine's sweep order. Position s means s steps done:
// the values of the first s forward steps are known, then the sweep has
// visited s - F nodes (F forward steps), each adding grad × local derivative
// to its operands, so gradients fill in as they do in the engine.

function Stepper(runtime) {
  this.runtime = runtime;
  this.forwardSteps = runtime.forwardOrder;
  this.backwardSteps = runtime.sweep;
  this.total = this.forwardSteps.length + this.backwardSteps.length;
  this.position = this.total;   // everything done: the page opens on the finished numbers
  this.active = false;          // false: the finished numbers, with nothing highlighted
  this.known = new Uint8Array(runtime.count);
  this.grads = new Float64Array(runtime.count);
  this.last = null;             // what the latest step did, for the step bar
  this.timer = null;
  this.onChange = null;
  this.unitOf = null;           // node -> the id of the box that shows it (set by the page)
  this.unit = 1;                // how many nodes the latest step took
}

// Step k (0-based) as { phase, node }.
Stepper.prototype.stepAt = function (k) {
  const forward = this.forwardSteps.length;
  if (k < forward) return { phase: 'forward', node: this.forwardSteps[k] };
  return { phase: 'backward', node: this.backwardSteps[k - forward] };
};

// Apply step k to the shown state; returns what it did.
Stepper.prototype.apply = function (k) {
  const step = this.stepAt(k);
  const runtime = this.runtime;
  const i = step.node;
  if (step.phase === 'forward') {
    this.known[i] = 1;
    return { phase: 'forward', node: i, index: k };
  }
  const grad = this.grads[i];
  const parents = runtime.data.parents[i];
  const local = runtime.localOf(i);
  const parts = [];
  if (grad !== 0) {
    for (let j = 0; j < parents.length; j++) {
      const part = grad * local[j];
      parts.push(part);
      this.grads[parents[j]] += part;
    }
  }
  return { phase: 'backward', node: i, index: k, grad: grad, local: Array.from(local), parts: parts };
};

// Go to position s (0 ... total): replayed from the start, or one step on.
Stepper.prototype.seek = function (s, unit) {
  s = Math.max(0, Math.min(this.total, Math.round(Number(s)) || 0));
  const runtime = this.runtime;
  this.active = true;
  let from = this.position;
  if (!(this.started && s >= this.position)) {
    this.known.fill(0);
    for (let i = 0; i < runtime.count; i++) if (runtime.isLeaf(i)) this.known[i] = 1;
    this.grads.fill(0);
    if (runtime.count > 0) this.grads[0] = 1;
    this.last = null;
    from = 0;
  }
  for (let k = from; k < s; k++) this.last = this.apply(k);
  this.unit = unit || 1;
  this.started = true;
  this.position = s;
  if (this.onChange) this.onChange();
  return this.current();
};

// One step on: one node, or a whole collapsed group (its nodes step as a unit;
// open the group to step inside it). `unitOf(node)` names what shows a node.
Stepper.prototype.step = function () {
  const start = this.active ? this.position : 0;
  let end = Math.min(this.total, start + 1);
  if (this.unitOf && end > start) {
    const unit = this.unitOf(this.stepAt(start).node);
    const phase = this.stepAt(start).phase;
    if (unit[0] === 'g') {
      while (end < this.total && this.stepAt(end).phase === phase && this.unitOf(this.stepAt(end).node) === unit) end++;
    }
  }
  this.seek(end, end - start);
  return this.current();
};

// One step back: one node, or a whole collapsed group.
Stepper.prototype.back = function () {
  const start = this.active ? this.position : this.total;
  let end = Math.max(0, start - 1);
  if (this.unitOf && start > 0) {
    const unit = this.unitOf(this.stepAt(start - 1).node);
    const phase = this.stepAt(start - 1).phase;
    if (unit[0] === 'g') {
      while (end > 0 && this.stepAt(end - 1).phase === phase && this.unitOf(this.stepAt(end - 1).node) === unit) end--;
    }
  }
  // The unit that ends where we now are, as the step bar describes it.
  let unit = 1;
  if (this.unitOf && end > 0 && this.unitOf(this.stepAt(end - 1).node)[0] === 'g') {
    const shown = this.unitOf(this.stepAt(end - 1).node);
    const phase = this.stepAt(end - 1).phase;
    while (end - unit > 0 && this.stepAt(end - unit - 1).phase === phase && this.unitOf(this.stepAt(end - unit - 1).node) === shown) unit++;
  }
  this.seek(end, unit);
  return this.current();
};

Stepper.prototype.play = function (stepsPerSecond) {
  this.pause();
  if (!this.active || this.position >= this.total) this.seek(0);
  const rate = Math.max(1, Number(stepsPerSecond) || 8);
  this.timer = setInterval(() => {
    if (this.position >= this.total) { this.pause(); return; }
    this.step();
  }, 1000 / rate);
  if (this.onChange) this.onChange();
};

Stepper.prototype.pause = function () {
  if (this.timer !== null) { clearInterval(this.timer); this.timer = null; if (this.onChange) this.onChange(); }
};

Stepper.prototype.playing = function () { return this.timer !== null; };

// Leave stepping: the finished numbers again.
Stepper.prototype.stop = function () {
  this.pause();
  this.active = false;
  this.position = this.total;
  this.last = null;
  this.started = false;
  if (this.onChange) this.onChange();
};

// What the page shows now: the position, and the latest step.
Stepper.prototype.current = function () {
  const last = this.last;
  return {
    position: this.position,
    total: this.total,
    phase: last ? last.phase : (this.active ? 'start' : 'done'),
    node: last ? last.node : null,
    nodes: this.unit,
    parts: last && last.parts ? last.parts.slice() : [],
  };
};

// The numbers a node shows while stepping: "?" for what is not computed yet.
Stepper.prototype.dataOf = function (i) {
  if (!this.active || this.known[i]) return this.runtime.values[i];
  return null;
};

Stepper.prototype.gradOf = function (i) {
  if (!this.active) return this.runtime.grads[i];
  const forward = this.forwardSteps.length;
  return this.position < forward ? null : this.grads[i];
};
