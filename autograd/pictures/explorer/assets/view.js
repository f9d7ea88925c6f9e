// Drawing the laid-out graph as SVG, and panning and zooming it.
// Every text a user wrote (labels, names) is set with textContent: never markup.

const SVG_NS = 'http://www.w3.org/2000/svg';
const FONT = '12px Helvetica, Arial, sans-serif';
const BOLD_FONT = 'bold ' + FONT;
const LINE = 15;
const PAD = 8;
const HEADER = 20;
const FILLS = ['#f7f7f7', '#eeeeee', '#cfe2ff', '#ffd966'];  // op, leaf, parameter, output
const GROUP_FILLS = { module: '#e3f1e0', example: '#efe6fa', stack: '#efe6fa', params: '#dde8fb', loss: '#fff2cc',
  band: '#e6edf2' };

function svg(name, attributes, parent) {
  const element = document.createElementNS(SVG_NS, name);
  for (const key in attributes) element.setAttribute(key, attributes[key]);
  if (parent) parent.appendChild(element);
  return element;
}

function svgText(parent, x, y, text, className) {
  const element = svg('text', { x: x, y: y, class: className || '' }, parent);
  element.textContent = text;
  return element;
}

function formatNumber(x) {
  if (typeof x === 'string') return x;
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const text = Math.abs(x) >= 1e5 || Math.abs(x) < 1e-3 ? x.toExponential(3) : x.toPrecision(4);
  return text.replace(/\.?0+(e|$)/, '$1');
}

const WIDEST_NUMBER_LINE = 'grad -8.888e+188';
const WIDEST_SHARE_LINE = 'share of the loss -8.888e+188';
const measureCanvas = document.createElement('canvas').getContext('2d');
function textWidth(text, font) {
  measureCanvas.font = font;
  return measureCanvas.measureText(text).width;
}

function View(root, model) {
  this.model = model;
  this.svg = svg('svg', { class: 'vg-canvas', role: 'img', 'aria-label': 'computation graph' }, root);
  const defs = svg('defs', {}, this.svg);
  const marker = svg('marker', { id: 'vg-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5,
    markerWidth: 8, markerHeight: 8, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' }, defs);
  svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#667' }, marker);
  this.scene = svg('g', { class: 'vg-scene' }, this.svg);
  this.scale = 1; this.x = 0; this.y = 0;
  this.width = 0; this.height = 0;
  this.installPanZoom();
}

// The lines a box shows, and its size: measured here, so Graphviz never sees the text.
View.prototype.boxLines = function (id) {
  const model = this.model;
  const data = model.data;
  if (id[0] === 'g') {
    const g = +id.slice(1);
    const groups = data.groups;
    const kind = groups.kind[g];
    const size = groups.size[g].toLocaleString('en') + ' nodes';
    let title = model.shortGroupName(g);
    if (kind === 'stack') title = model.stackCount(g).toLocaleString('en') + ' examples';
    const lines = [title];
    if (groups.title[g]) lines.push(groups.title[g]);
    const share = groups.share ? groups.share[g] : null;
    if (share !== null && share !== undefined) lines.push('share of the loss ' + formatNumber(share));
    lines.push(size + ' · click to open');
    return lines;
  }
  const i = +id.slice(1);
  return [nodeTitle(model, i), 'data ' + shownNumber(model.shownData(i)), 'grad ' + shownNumber(model.shownGrad(i))];
};

// A number as a box shows it; null (not computed yet, while stepping) is "?".
function shownNumber(x) {
  return x === null ? '?' : formatNumber(x);
}

// The numbers now in the drawn boxes, without a new layout (after a set, or a step).
View.prototype.refresh = function (state) {
  for (const element of this.scene.querySelectorAll('.vg-cluster')) {
    const g = +element.getAttribute('data-group');
    const header = element.querySelector('.vg-header-text');
    const box = this.layout.clusters.get(g);
    if (!header || !box) continue;
    const title = this.headerText(g);
    header.textContent = title;
    clip(header, title, box.width - 12, BOLD_FONT);
  }
  for (const element of this.scene.querySelectorAll('.vg-group')) {
    const id = element.getAttribute('data-node');
    const lines = this.boxLines(id);
    const box = this.layout.boxes.get(id);
    const texts = element.querySelectorAll('text');
    const offset = this.model.data.groups.kind[+id.slice(1)] === 'stack' ? 8 : 0;
    for (let k = 0; k < texts.length && k < lines.length; k++) {
      texts[k].textContent = lines[k];
      if (box) clip(texts[k], lines[k], box.width - 2 * PAD - offset, k === 0 ? BOLD_FONT : FONT);
    }
  }
  for (const element of this.scene.querySelectorAll('.vg-value')) {
    const id = 'n' + element.getAttribute('data-node');
    const lines = this.boxLines(id);
    const box = this.layout.boxes.get(id);
    const texts = element.querySelectorAll('text');
    for (let k = 0; k < texts.length && k < lines.length; k++) {
      texts[k].textContent = lines[k];
      if (box) clip(texts[k], lines[k], box.width - 2 * PAD, k === 0 ? BOLD_FONT : FONT);
    }
  }
  for (const old of this.scene.querySelectorAll('.vg-current')) old.classList.remove('vg-current');
  for (const old of this.scene.querySelectorAll('.vg-edge-current')) old.classList.remove('vg-edge-current');
  if (state.current === null || state.current === undefined) return;
  const shown = this.model.representative(state.current);
  const box = this.scene.querySelector('.vg-node[data-node="' + (shown[0] === 'n' ? shown.slice(1) : shown) + '"]');
  if (box) box.classList.add('vg-current');
  for (const edge of this.scene.querySelectorAll('.vg-edge[data-to="' + shown + '"]')) edge.classList.add('vg-edge-current');
};

function nodeTitle(model, i) {
  const data = model.data;
  // A node's own label first; else its parameter name, or its role (the loss).
  const name = data.label[i] || shortName(model.names[i]) || model.roles[i] || '';
  let text = data.text[i];
  // A bare symbol (·, Σ, +) is named too: "· dot".
  if (text && !/[A-Za-z0-9]/.test(text)) text += ' ' + data.op[i];
  if (text && name) return name + ' = ' + text;
  return text || name || (data.kind[i] === 3 ? 'output' : 'leaf');
}

function shortName(name) {
  if (!name) return '';
  const parts = name.split('.');
  return parts.length >= 2 && /^\d+$/.test(parts[parts.length - 1])
    ? parts.slice(-2).join('.') : parts[parts.length - 1];
}

View.prototype.measure = function (boxes) {
  const sizes = new Map();
  for (const id of boxes) {
    const lines = this.boxLines(id);
    let width = 0;
    lines.forEach((line, k) => { width = Math.max(width, textWidth(line, k === 0 ? BOLD_FONT : FONT)); });
    // A value's numbers change (a set, a step): its box has room for any of them.
    if (id[0] === 'n') width = Math.max(width, textWidth(WIDEST_NUMBER_LINE, FONT));
    else if (lines.some((line) => line.startsWith('share of the loss'))) width = Math.max(width, textWidth(WIDEST_SHARE_LINE, FONT));
    const stacked = id[0] === 'g' && this.model.data.groups.kind[+id.slice(1)] === 'stack' ? 8 : 0;
    sizes.set(id, { width: Math.ceil(Math.min(width, 360) + 2 * PAD + stacked),
                    height: lines.length * LINE + 2 * PAD - 4 + stacked });
  }
  return sizes;
};

View.prototype.draw = function (view, layout, state) {
  const model = this.model;
  this.scene.textContent = '';
  this.layout = layout;
  this.outputId = view.rep[0];
  const clusters = svg('g', { class: 'vg-clusters' }, this.scene);
  const sorted = view.clusters.slice().sort((a, b) => model.depth[a] - model.depth[b]);
  for (const g of sorted) {
    const box = layout.clusters.get(g);
    if (!box) continue;
    const kind = model.data.groups.kind[g];
    const element = svg('g', { class: 'vg-node vg-cluster vg-kind-' + kind, 'data-node': 'g' + g,
      'data-group': g, 'data-collapsed': 'false' }, clusters);
    svg('rect', { x: box.x, y: box.y, width: box.width, height: box.height, rx: 6,
      fill: GROUP_FILLS[kind] || '#eee', 'fill-opacity': 0.35, class: 'vg-cluster-body' }, element);
    svg('rect', { x: box.x, y: box.y, width: box.width, height: HEADER, rx: 6,
      fill: GROUP_FILLS[kind] || '#eee', class: 'vg-header' }, element);
    const title = this.headerText(g);
    const label = svgText(element, box.x + 6, box.y + 14, title, 'vg-header-text');
    clip(label, title, box.width - 12, BOLD_FONT);
    svg('title', {}, element).textContent = 'click the title to close ' + model.data.groups.name[g];
  }
  const edges = svg('g', { class: 'vg-edges' }, this.scene);
  const labels = new LabelPlacer();
  // What the tests read: every edge of the view is drawn, routed by Graphviz or not.
  this.edgeCounts = { edges: view.edges.length, drawn: 0, unrouted: view.unrouted ? view.unrouted.size : 0 };
  for (const edge of view.edges) {
    const path = layout.edges.get(edge.id) || (view.unrouted && view.unrouted.has(edge.id) ? straightPath(layout, edge) : null);
    if (!path || path.points.length < 2) continue;
    this.edgeCounts.drawn++;
    const p = path.points;
    let d = 'M' + p[0][0] + ',' + p[0][1];
    for (let k = 1; k + 2 < p.length; k += 3) {
      d += 'C' + p[k][0] + ',' + p[k][1] + ' ' + p[k + 1][0] + ',' + p[k + 1][1] + ' ' + p[k + 2][0] + ',' + p[k + 2][1];
    }
    if (path.end) d += 'L' + path.end[0] + ',' + path.end[1];
    const fromParams = edge.from[0] === 'g' && model.data.groups.kind[+edge.from.slice(1)] === 'params';
    const element = svg('g', { class: 'vg-edge' + (fromParams ? ' vg-edge-params' : ''),
      'data-from': edge.from, 'data-to': edge.to }, edges);
    svg('path', { d: d, 'marker-end': 'url(#vg-arrow)',
      'stroke-width': Math.min(1 + Math.log2(edge.count), 4) }, element);
    svg('title', {}, element).textContent = edgeText(model, edge, true);
    if (state.showLocal) labels.place(element, p, edgeText(model, edge, false));
  }
  const boxes = svg('g', { class: 'vg-boxes' }, this.scene);
  for (const id of view.boxes) this.drawBox(boxes, id, layout.boxes.get(id), state);
};

// An edge left out of the layout (graph_model.js's unroutedEdges): one curve
// from its operand's right side to its user's left side, as Graphviz would start it.
function straightPath(layout, edge) {
  const from = placed(layout, edge.from);
  const to = placed(layout, edge.to);
  if (!from || !to) return null;
  const start = [from.right, from.y];
  const end = [to.left, to.y];
  const bend = Math.max(20, Math.abs(end[0] - start[0]) / 3);
  return { points: [start, [start[0] + bend, start[1]], [end[0] - bend, end[1]], end], end: null };
}

// Where a box or an open group's frame stands: its middle height and its two sides.
function placed(layout, id) {
  const box = layout.boxes.get(id);
  if (box) return { y: box.y, left: box.x - box.width / 2, right: box.x + box.width / 2 };
  const frame = id[0] === 'g' ? layout.clusters.get(+id.slice(1)) : undefined;
  if (frame) return { y: frame.y + frame.height / 2, left: frame.x, right: frame.x + frame.width };
  return null;
}

// Edge labels that never cover one another: each goes to the first free spot
// along its edge (middle first); an edge with no free spot keeps its label in
// its tooltip only. On a dense layer the labels would otherwise pile up where
// the edges cross.
const LABEL_FONT = '10px Helvetica, Arial, sans-serif';
const LABEL_CELL = 40;

function LabelPlacer() {
  this.cells = new Map();  // grid cell -> the label rectangles touching it
}

LabelPlacer.prototype.place = function (parent, points, text) {
  const width = textWidth(text, LABEL_FONT) + 4;
  const height = 11;
  for (const along of [0.5, 0.35, 0.65, 0.2, 0.8]) {
    const at = points[Math.min(points.length - 1, Math.floor(points.length * along))];
    const rect = { left: at[0] - width / 2, top: at[1] - 3 - height, right: at[0] + width / 2, bottom: at[1] - 3 };
    if (this.collides(rect)) continue;
    this.add(rect);
    svgText(parent, at[0], at[1] - 3, text, 'vg-edge-label');
    return true;
  }
  return false;
};

LabelPlacer.prototype.keys = function (rect) {
  const keys = [];
  for (let x = Math.floor(rect.left / LABEL_CELL); x <= Math.floor(rect.right / LABEL_CELL); x++) {
    for (let y = Math.floor(rect.top / LABEL_CELL); y <= Math.floor(rect.bottom / LABEL_CELL); y++) keys.push(x + ',' + y);
  }
  return keys;
};

LabelPlacer.prototype.collides = function (rect) {
  for (const key of this.keys(rect)) {
    for (const other of this.cells.get(key) || []) {
      if (rect.left < other.right && other.left < rect.right && rect.top < other.bottom && other.top < rect.bottom) return true;
    }
  }
  return false;
};

LabelPlacer.prototype.add = function (rect) {
  for (const key of this.keys(rect)) {
    if (!this.cells.has(key)) this.cells.set(key, []);
    this.cells.get(key).push(rect);
  }
};

function edgeText(model, edge, long) {
  if (edge.count > 1) return long ? edge.count + ' operand edges' : '×' + edge.count;
  const local = model.data.local[edge.user];
  const value = local === null ? 'undefined' : formatNumber(local[edge.operand]);
  return long ? 'operand ' + edge.operand + ' of ' + nodeTitle(model, edge.user) + ': local derivative ' + value : value;
}

function clip(element, text, width, font) {
  if (textWidth(text, font) <= width) return;
  let keep = text.length;
  while (keep > 1 && textWidth(text.slice(0, keep) + '…', font) > width) keep -= 1;
  element.textContent = text.slice(0, keep) + '…';
}

View.prototype.drawBox = function (parent, id, box, state) {
  if (!box) return;
  const model = this.model;
  const isGroup = id[0] === 'g';
  const index = +id.slice(1);
  const attributes = { class: 'vg-node', 'data-node': isGroup ? id : String(index) };
  if (isGroup) { attributes['data-group'] = index; attributes['data-collapsed'] = 'true'; }
  const element = svg('g', attributes, parent);
  const left = box.x - box.width / 2;
  const top = box.y - box.height / 2;
  let fill;
  if (isGroup) {
    const kind = model.data.groups.kind[index];
    element.classList.add('vg-group', 'vg-kind-' + kind);
    fill = GROUP_FILLS[kind] || '#eee';
    if (kind === 'stack') {
      svg('rect', { x: left + 8, y: top, width: box.width - 8, height: box.height - 8, rx: 5, fill: fill, class: 'vg-box' }, element);
      svg('rect', { x: left + 4, y: top + 4, width: box.width - 8, height: box.height - 8, rx: 5, fill: fill, class: 'vg-box' }, element);
      svg('rect', { x: left, y: top + 8, width: box.width - 8, height: box.height - 8, rx: 5, fill: fill, class: 'vg-box' }, element);
    } else {
      svg('rect', { x: left, y: top, width: box.width, height: box.height, rx: 5, fill: fill, class: 'vg-box' }, element);
    }
  } else {
    const kind = model.data.kind[index];
    element.classList.add('vg-value', 'vg-kind-' + ['op', 'leaf', 'param', 'output'][kind]);
    fill = FILLS[kind];
    svg('rect', { x: left, y: top, width: box.width, height: box.height, rx: kind === 0 ? 10 : 2,
      fill: fill, class: 'vg-box' }, element);
    if (state.selected === index) element.classList.add('vg-selected');
    if (state.matches.has(index)) element.classList.add('vg-match');
  }
  if (isGroup && state.matchGroups.has(index)) element.classList.add('vg-match');
  const lines = this.boxLines(id);
  const offset = isGroup && model.data.groups.kind[index] === 'stack' ? 8 : 0;
  lines.forEach((line, k) => {
    const text = svgText(element, left + PAD, top + offset + PAD + 8 + k * LINE, line, k === 0 ? 'vg-title' : 'vg-line');
    clip(text, line, box.width - 2 * PAD - offset, k === 0 ? BOLD_FONT : FONT);
  });
  svg('title', {}, element).textContent = isGroup ? 'click to open ' + model.data.groups.name[index] : lines[0];
};

View.prototype.headerText = function (g) {
  const groups = this.model.data.groups;
  const title = groups.title[g];
  const share = groups.share ? groups.share[g] : null;
  return '▾ ' + this.model.shortGroupName(g) + (title ? '  ' + title : '') +
    (share !== null && share !== undefined ? '  · share of the loss ' + formatNumber(share) : '');
};

View.prototype.headerWidth = function (g) {
  return Math.min(textWidth(this.headerText(g), BOLD_FONT) + 14, 420);
};

// ---------------------------------------------------------------- pan and zoom

// Below this scale an edge's 10px label is a smudge: edge labels are hidden until zoomed in.
const LABEL_SCALE = 0.7;

View.prototype.apply = function () {
  this.scene.setAttribute('transform', 'translate(' + this.x + ',' + this.y + ') scale(' + this.scale + ')');
  this.svg.classList.toggle('vg-zoomed-out', this.scale < LABEL_SCALE);
};

// The smallest scale "Fit to screen" goes to: below it a box's text cannot be read.
const READABLE_SCALE = 0.5;

// Fit the whole drawing to the window; a drawing too big to fit at a readable
// scale is shown at that scale instead, around the output (drawn on the right).
View.prototype.fit = function () {
  if (!this.layout) return;
  const rect = this.svg.getBoundingClientRect();
  const margin = 20;
  const scale = Math.min((rect.width - 2 * margin) / Math.max(this.layout.width, 1),
                         (rect.height - 2 * margin) / Math.max(this.layout.height, 1), 1.5);
  this.scale = Math.max(scale, READABLE_SCALE);
  this.x = (rect.width - this.layout.width * this.scale) / 2;
  this.y = (rect.height - this.layout.height * this.scale) / 2;
  const output = this.layout.boxes.get(this.outputId);
  if (output) {
    if (this.layout.width * this.scale > rect.width - 2 * margin) {
      // The output's box near the right edge, or the drawing's right end if that is nearer.
      const right = Math.min(output.x + output.width / 2 + 3 * PAD / this.scale, this.layout.width);
      this.x = rect.width - margin - right * this.scale;
    }
    if (this.layout.height * this.scale > rect.height - 2 * margin) {
      this.y = rect.height / 2 - output.y * this.scale;
    }
  }
  this.apply();
};

// Bring a box into the middle of the window; an open group is fitted to the window.
View.prototype.centre = function (id) {
  if (!this.layout) return;
  const rect = this.svg.getBoundingClientRect();
  let cx, cy;
  const box = this.layout.boxes.get(id);
  const cluster = id[0] === 'g' ? this.layout.clusters.get(+id.slice(1)) : undefined;
  if (box) {
    this.scale = Math.max(this.scale, 0.8);
    cx = box.x; cy = box.y;
  } else if (cluster) {
    // Readable first: a group too big for the window shows its top part, title bar up.
    const fit = Math.min((rect.width - 40) / cluster.width, (rect.height - 40) / cluster.height);
    this.scale = Math.max(Math.min(fit, 1.2), 0.75);
    const visibleWidth = (rect.width - 40) / this.scale;
    const visibleHeight = (rect.height - 40) / this.scale;
    cx = cluster.x + Math.min(cluster.width, visibleWidth) / 2;
    cy = cluster.y + Math.min(cluster.height, visibleHeight) / 2;
  } else {
    return;
  }
  this.x = rect.width / 2 - cx * this.scale;
  this.y = rect.height / 2 - cy * this.scale;
  this.apply();
};

View.prototype.zoomAt = function (factor, px, py) {
  const scale = Math.min(Math.max(this.scale * factor, 0.02), 8);
  this.x = px - (px - this.x) * (scale / this.scale);
  this.y = py - (py - this.y) * (scale / this.scale);
  this.scale = scale;
  this.apply();
};

View.prototype.installPanZoom = function () {
  const view = this;
  let drag = null;
  this.svg.addEventListener('wheel', (event) => {
    event.preventDefault();
    const rect = view.svg.getBoundingClientRect();
    view.zoomAt(Math.exp(-event.deltaY * 0.0015), event.clientX - rect.left, event.clientY - rect.top);
  }, { passive: false });
  this.svg.addEventListener('pointerdown', (event) => {
    drag = { x: event.clientX, y: event.clientY, startX: view.x, startY: view.y, moved: false };
  });
  window.addEventListener('pointermove', (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    if (drag.moved) { view.x = drag.startX + dx; view.y = drag.startY + dy; view.apply(); }
  });
  window.addEventListener('pointerup', () => { view.dragged = drag !== null && drag.moved; drag = null; });
};
