// The graph run in the page: its forward and backward, from the program
// printed by Python out of the derivative table (globalThis.vgProgram), so no
// derivative is written here. Values and gradients live in Float64Arrays; the
// data's columns (data.data, data.grad, data.local) are rewritten after each
// run, so everything drawn reads the new numbers.

// JSON has no infinities: the data writes them, and nan, as strings.
function numeric(x) {
  if (typeof x === 'number') return x;
  return x === 'inf' ? Infinity : x === '-inf' ? -Infinity : NaN;
}

function Runtime(data, program) {
  const count = data.label.length;
  this.data = data;
  this.count = count;
  this.program = program;
  const plan = data.program || { kernel: [], sweep: [], frozen: {} };
  this.kernel = plan.kernel;
  this.sweep = plan.sweep;
  this.frozen = new Map();
  for (const key of Object.keys(plan.frozen || {})) this.frozen.set(+key, plan.frozen[key].map(numeric));
  this.values = new Float64Array(count);
  this.grads = new Float64Array(count);
  for (let i = 0; i < count; i++) { this.values[i] = numeric(data.data[i]); this.grads[i] = numeric(data.grad[i]); }
  // Forward order: operands before users (the data lists every node before its operands).
  this.forwardOrder = [];
  for (let i = count - 1; i >= 0; i--) if (data.parents[i].length > 0) this.forwardOrder.push(i);
  this.runnable = program !== null && program !== undefined;
}

Runtime.prototype.isLeaf = function (i) { return this.data.parents[i].length === 0; };

// Node i's local derivatives at the current values (one per operand).
Runtime.prototype.localOf = function (i) {
  const k = this.kernel[i];
  if (k >= 0 && this.runnable) return this.program.local[k](this.values, this.data.parents[i], this.values[i]);
  const frozen = this.frozen.get(i);
  if (frozen) return frozen;
  const recorded = this.data.local[i];
  return recorded === null ? this.data.parents[i].map(() => NaN) : recorded.map(numeric);
};

// The forward step of node i: its value from its operands'.
Runtime.prototype.forwardStep = function (i) {
  const k = this.kernel[i];
  if (k >= 0 && this.runnable) this.values[i] = this.program.forward[k](this.values, this.data.parents[i]);
};

// One step of the sweep at node i: what it adds to each operand (grad × local derivative).
// Returns the added parts, or null when its gradient is 0 (it passes nothing on, as in the engine).
Runtime.prototype.backwardStep = function (i) {
  const grad = this.grads[i];
  if (grad === 0) return null;
  const parents = this.data.parents[i];
  const local = this.localOf(i);
  const parts = new Array(parents.length);
  for (let k = 0; k < parents.length; k++) parts[k] = grad * local[k];
  for (let k = 0; k < parents.length; k++) this.grads[parents[k]] += parts[k];
  return parts;
};

Runtime.prototype.clearGrads = function () {
  this.grads.fill(0);
  if (this.count > 0) this.grads[0] = 1;  // d output / d output
};

// Every value from the leaves up, then every gradient from the output down.
Runtime.prototype.run = function () {
  for (const i of this.forwardOrder) this.forwardStep(i);
  this.clearGrads();
  for (const i of this.sweep) this.backwardStep(i);
};

// The runtime's numbers into the data's columns, which the drawing and the panel read.
Runtime.prototype.publish = function () {
  const data = this.data;
  if (this.onPublish) this.onPublish();
  for (let i = 0; i < this.count; i++) {
    data.data[i] = this.values[i];
    data.grad[i] = this.grads[i];
    if (data.parents[i].length > 0) data.local[i] = Array.from(this.localOf(i));
  }
};

// Set leaf i to x and recompute everything. Throws on what is not a leaf or not a number.
Runtime.prototype.set = function (i, x) {
  if (!Number.isInteger(i) || i < 0 || i >= this.count) {
    throw new RangeError('valuegrad.set: no node ' + i + ' (ids run from 0 to ' + (this.count - 1) + ')');
  }
  if (!this.isLeaf(i)) throw new TypeError('valuegrad.set: node ' + i + ' is made by an op; only a leaf can be set');
  if (typeof x !== 'number') throw new TypeError('valuegrad.set: expected a number, got ' + typeof x);
  if (!this.runnable) throw new Error('valuegrad.set: this page carries no program to recompute with');
  this.values[i] = x;
  this.run();
  this.publish();
};
