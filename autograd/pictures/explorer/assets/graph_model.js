// The graph and what is in view: which groups are open, which boxes and edges
// that leaves to draw, and the DOT text handed to Graphviz for their layout.
// Only what is visible is laid out: a collapsed group is one box, however
// many nodes it holds, and the edges into it are merged into one per pair.

function GraphModel(data) {
  const count = data.label.length;
  const groups = data.groups;
  this.data = data;
  this.count = count;
  this.groupCount = groups.name.length;
  this.collapsed = groups.collapsed.slice();
  this.children = [];
  for (let i = 0; i < count; i++) this.children.push([]);
  let edgeCount = 0;
  for (let i = 0; i < count; i++) {
    const parents = data.parents[i];
    edgeCount += parents.length;
    for (let k = 0; k < parents.length; k++) {
      const users = this.children[parents[k]];
      if (users[users.length - 1] !== i) users.push(i);
    }
  }
  this.edgeCount = edgeCount;
  // Group depth, so a node's chain of groups can be walked from the top.
  this.depth = new Array(this.groupCount);
  for (let g = 0; g < this.groupCount; g++) {
    const parent = groups.parent[g];
    this.depth[g] = parent < 0 ? 0 : this.depth[parent] + 1;
  }
  // Examples under each stack, at any depth (a stack may hold stacks of them).
  this.examples = new Array(this.groupCount).fill(0);
  for (let g = 0; g < this.groupCount; g++) {
    if (groups.kind[g] !== 'example') continue;
    for (let up = groups.parent[g]; up >= 0; up = groups.parent[up]) this.examples[up] += 1;
  }
  this.names = data.names || {};
  this.roles = data.roles || {};
  this.origins = data.origins || {};
}

GraphModel.prototype.nodeId = function (i) { return 'n' + i; };

// Each example's share of the loss again, from the current numbers (after a set or a
// training step): Σ over the edges by which the example leaves its box of the user's
// grad × the local derivative × the operand's value, as the Python side computes it.
GraphModel.prototype.recomputeShares = function (runtime) {
  const groups = this.data.groups;
  if (!groups.share) return;
  const ofGroup = new Array(this.groupCount).fill(-1);
  for (let g = 0; g < this.groupCount; g++) {
    ofGroup[g] = groups.kind[g] === 'example' ? g : groups.parent[g] >= 0 ? ofGroup[groups.parent[g]] : -1;
  }
  const example = (i) => (this.data.group[i] >= 0 ? ofGroup[this.data.group[i]] : -1);
  const shares = new Array(this.groupCount).fill(0);
  for (let u = 0; u < this.count; u++) {
    const parents = this.data.parents[u];
    if (parents.length === 0) continue;
    const home = example(u);
    let local = null;
    for (let k = 0; k < parents.length; k++) {
      const from = example(parents[k]);
      if (from < 0 || from === home) continue;
      if (local === null) local = runtime.localOf(u);
      shares[from] += runtime.grads[u] * local[k] * runtime.values[parents[k]];
    }
  }
  for (let g = 0; g < this.groupCount; g++) {
    if (groups.share[g] !== null && groups.share[g] !== undefined) groups.share[g] = Number.isFinite(shares[g]) ? shares[g] : null;
  }
};

// The numbers node i shows: the stepper's (null: not computed yet) while stepping, else the data's.
GraphModel.prototype.shownData = function (i) {
  return this.stepper ? this.stepper.dataOf(i) : this.data.data[i];
};
GraphModel.prototype.shownGrad = function (i) {
  return this.stepper ? this.stepper.gradOf(i) : this.data.grad[i];
};

// A group's name inside its enclosing module: neurons.3 inside layers.0.
GraphModel.prototype.shortGroupName = function (g) {
  const groups = this.data.groups;
  const name = groups.name[g];
  const parent = groups.parent[g];
  if (parent >= 0 && groups.kind[parent] === 'module' && name.startsWith(groups.name[parent] + '.')) {
    return name.slice(groups.name[parent].length + 1);
  }
  return name;
};
GraphModel.prototype.groupId = function (g) { return 'g' + g; };

// The group chain of node i, outermost first.
GraphModel.prototype.groupChain = function (i) {
  const chain = [];
  let g = this.data.group[i];
  while (g >= 0) { chain.push(g); g = this.data.groups.parent[g]; }
  return chain.reverse();
};

GraphModel.prototype.groupChainOfGroup = function (g) {
  const chain = [];
  while (g >= 0) { chain.push(g); g = this.data.groups.parent[g]; }
  return chain.reverse();
};

// Open every group that hides node i; returns whether anything changed.
GraphModel.prototype.reveal = function (i) {
  let changed = false;
  for (const g of this.groupChain(i)) {
    if (this.collapsed[g]) { this.collapsed[g] = false; changed = true; }
  }
  return changed;
};

// The id of the box that shows node i: the outermost collapsed group around it, or itself.
GraphModel.prototype.representative = function (i) {
  let shown = null;
  let g = this.data.group[i];
  while (g >= 0) {
    if (this.collapsed[g]) shown = g;
    g = this.data.groups.parent[g];
  }
  return shown === null ? this.nodeId(i) : this.groupId(shown);
};

GraphModel.prototype.groupVisible = function (g) {
  let parent = this.data.groups.parent[g];
  while (parent >= 0) {
    if (this.collapsed[parent]) return false;
    parent = this.data.groups.parent[parent];
  }
  return true;
};

// What to draw now: boxes (nodes and collapsed groups), open groups (clusters),
// and edges merged per pair of boxes, in operand order.
GraphModel.prototype.visible = function () {
  const data = this.data;
  const rep = new Array(this.count);
  const boxes = [];
  const seen = new Set();
  for (let i = 0; i < this.count; i++) {
    const id = this.representative(i);
    rep[i] = id;
    if (!seen.has(id)) { seen.add(id); boxes.push(id); }
  }
  const clusters = [];
  for (let g = 0; g < this.groupCount; g++) {
    if (!this.collapsed[g] && this.groupVisible(g)) clusters.push(g);
  }
  // A collapsed example inside an open stack meets the rest of the graph at
  // the stack's border: one edge per outside box, not one per example.
  const stackOf = new Map();
  for (const id of boxes) {
    if (id[0] !== 'g') continue;
    const parent = data.groups.parent[+id.slice(1)];
    if (parent >= 0 && data.groups.kind[parent] === 'stack' && !this.collapsed[parent]) {
      stackOf.set(id, this.groupId(parent));
    }
  }
  const end = (id) => stackOf.get(id) || id;
  const edges = [];
  const byPair = new Map();
  for (let i = 0; i < this.count; i++) {
    const to = end(rep[i]);
    const parents = data.parents[i];
    for (let k = 0; k < parents.length; k++) {
      const from = end(rep[parents[k]]);
      if (from === to) continue;
      // Between two nodes every operand keeps its own edge (x * x has two);
      // edges into or out of a collapsed group are merged per pair.
      const key = from[0] === 'n' && to[0] === 'n' ? from + '>' + to + '#' + k : from + '>' + to;
      let edge = byPair.get(key);
      if (edge === undefined) {
        edge = { id: 'e' + edges.length, from: from, to: to, count: 0, user: i, operand: k };
        byPair.set(key, edge);
        edges.push(edge);
      }
      edge.count += 1;
    }
  }
  return { boxes: boxes, clusters: clusters, edges: edges, rep: rep, stackOf: stackOf };
};

// The page never asks Graphviz for more boxes than this at once: past a few
// thousand it takes minutes or overflows its stack. Groups are closed instead.
const MAX_BOXES = 1500;

// What to draw, with at most MAX_BOXES boxes: if the groups now open show more,
// open groups are closed, the biggest first, except those around the nodes or
// groups in `keep` (what the user asked to see). Null if even that is too many.
GraphModel.prototype.visibleWithin = function (keep) {
  let view = this.visible();
  if (view.boxes.length <= MAX_BOXES) return view;
  const kept = new Set();
  for (const id of keep) {
    const chain = id[0] === 'n' ? this.groupChain(+id.slice(1)) : this.groupChainOfGroup(+id.slice(1));
    for (const g of chain) kept.add(g);
  }
  const open = [];
  for (let g = 0; g < this.groupCount; g++) if (!this.collapsed[g] && !kept.has(g)) open.push(g);
  open.sort((a, b) => this.data.groups.size[b] - this.data.groups.size[a]);
  // Close in rounds (each round one recount of the view): half of the rest each time.
  while (open.length > 0 && view.boxes.length > MAX_BOXES) {
    for (const g of open.splice(0, Math.max(1, Math.ceil(open.length / 2)))) this.collapsed[g] = true;
    view = this.visible();
  }
  return view.boxes.length <= MAX_BOXES ? view : null;
};

// The box (or cluster) a visible id sits in: its innermost open group, or -1.
GraphModel.prototype.container = function (id) {
  let g = id[0] === 'n' ? this.data.group[+id.slice(1)] : this.data.groups.parent[+id.slice(1)];
  while (g >= 0 && this.collapsed[g]) g = this.data.groups.parent[g];
  return g;
};

function dotQuote(text) {
  return '"' + String(text).replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

// DOT text for the visible graph. No user text goes in: boxes are sized here
// and drawn by the page, so Graphviz sees ids and numbers only.
GraphModel.prototype.toDot = function (view, sizes, headerHeight, headerWidth) {
  const lines = [
    'digraph G {',
    'graph [rankdir=LR nodesep=0.12 ranksep=0.45 fontsize=14 fontname="Helvetica" compound=true];',
    'node [shape=box fixedsize=true label=""];',
    'edge [arrowsize=0.5];',
  ];
  const inside = new Map();  // group -> the ids drawn directly in it
  inside.set(-1, []);
  for (const g of view.clusters) inside.set(g, []);
  for (const id of view.boxes) inside.get(this.container(id)).push(id);
  for (const g of view.clusters) inside.get(this.container(this.groupId(g))).push('cluster:' + g);
  // Graphviz starts from the order it is given, and with rankdir=LR the first
  // given ends up lowest; so the list is reversed to read neurons.0, neurons.1…
  // (numbers in names compare as numbers) from the top down.
  const names = this.data.groups.name;
  const key = (item) => item.startsWith('cluster:') ? names[+item.slice(8)]
    : item[0] === 'g' ? names[+item.slice(1)] : '';
  const natural = new Intl.Collator('en', { numeric: true });
  for (const [, items] of inside) items.sort((a, b) => natural.compare(key(a), key(b))).reverse();
  const inch = 72;
  // Clusters nest as deep as groups do: written with a stack of pending
  // items, not by recursion, so no nesting is too deep for the page.
  const pending = inside.get(-1).slice().reverse().map((item) => [item, '']);
  while (pending.length > 0) {
    const [item, indent] = pending.pop();
    if (item === '}') { lines.push(indent + '}'); continue; }
    if (item.startsWith('cluster:')) {
      const g = +item.slice(8);
      lines.push(indent + 'subgraph cluster_' + g + ' {');
      // A stand-in label as tall and about as wide as the title bar reserves
      // room for it (Helvetica's n is 0.556 em wide in Graphviz's metrics).
      const letters = Math.max(1, Math.ceil(headerWidth(g) / (0.556 * headerHeight)));
      lines.push(indent + '  graph [label="' + 'n'.repeat(letters) + '" fontsize=' + headerHeight + ' margin=10];');
      pending.push(['}', indent]);
      // An open stack's edges meet at its border, drawn from an invisible point
      // inside it: pulled by them, an example would leave its place in the grid.
      if (this.data.groups.kind[g] === 'stack') {
        lines.push(indent + '  a' + g + ' [shape=point style=invis width=0.01 height=0.01 fixedsize=true];');
      }
      const members = inside.get(g);
      for (let k = members.length - 1; k >= 0; k--) pending.push([members[k], indent + '  ']);
    } else {
      const size = sizes.get(item);
      lines.push(indent + item + ' [width=' + (size.width / inch).toFixed(3) +
        ' height=' + (size.height / inch).toFixed(3) + '];');
    }
  }
  // An edge to an open stack is drawn to its border (lhead/ltail) from its point.
  const members = new Map();
  for (const [id, stack] of view.stackOf) {
    if (!members.has(stack)) members.set(stack, []);
    members.get(stack).push(id);
  }
  const routed = [];
  for (const edge of view.edges) {
    let from = edge.from;
    let to = edge.to;
    let ends = '';
    if (members.has(from)) { ends += ' ltail=cluster_' + from.slice(1); from = 'a' + from.slice(1); }
    if (members.has(to)) { ends += ' lhead=cluster_' + to.slice(1); to = 'a' + to.slice(1); }
    routed.push({ edge: edge, from: from, to: to, ends: ends });
  }
  view.unrouted = unroutedEdges(routed, view.boxes.length);
  for (const item of routed) {
    if (view.unrouted.has(item.edge.id)) continue;
    lines.push(item.from + ' -> ' + item.to + ' [id=' + dotQuote(item.edge.id) + item.ends + '];');
  }
  // The members of an open stack stand in a grid (invisible edges make its
  // columns), not in one column thousands of pixels tall.
  for (const [, ids] of members) {
    ids.sort((a, b) => +a.slice(1) - +b.slice(1));  // example 0 first
    const box = sizes.get(ids[0]);
    const columns = Math.max(1, Math.round(Math.sqrt(ids.length * (box.height + 9) * 1.6 / (box.width + 32))));
    const rows = Math.ceil(ids.length / columns);
    for (let k = 0; k + rows < ids.length; k++) {
      lines.push(ids[k] + ' -> ' + ids[k + rows] + ' [style=invis];');
    }
  }
  lines.push('}');
  return lines.join('\n');
};

// Graphviz's json0 output as positions: boxes by id, clusters by group, edges by id.
// Graphviz routes an edge that spans k ranks through k - 1 hidden points, and
// its layout time grows much faster than their number: one box feeding each
// step of a 150-step chain (a loss summed with +) is 11,000 of them and minutes
// of layout. Past this budget the longest edges are left out of the layout
// and drawn straight afterwards (unrouted), so any graph lays out in time.
const HIDDEN_POINTS = 600;

// The ids of the edges to leave out: the longest first, until the hidden points fit the budget.
function unroutedEdges(routed, boxes) {
  const budget = HIDDEN_POINTS + boxes;
  const rank = longestPathRanks(routed);
  const spans = routed.map((item) => ({ id: item.edge.id, span: Math.max(0, rank.get(item.to) - rank.get(item.from)) }));
  let hidden = 0;
  for (const item of spans) hidden += Math.max(0, item.span - 1);
  const unrouted = new Set();
  if (hidden <= budget) return unrouted;
  spans.sort((a, b) => b.span - a.span);
  for (const item of spans) {
    if (hidden <= budget || item.span <= 1) break;
    unrouted.add(item.id);
    hidden -= item.span - 1;
  }
  return unrouted;
}

// Each end's rank as Graphviz would start from it: the longest path to it from
// a source (edges that close a cycle between groups are skipped, as Graphviz reverses them).
function longestPathRanks(routed) {
  const rank = new Map();
  const indegree = new Map();
  const users = new Map();
  for (const item of routed) {
    for (const id of [item.from, item.to]) {
      if (!rank.has(id)) { rank.set(id, 0); indegree.set(id, 0); users.set(id, []); }
    }
    if (item.from === item.to) continue;
    users.get(item.from).push(item.to);
    indegree.set(item.to, indegree.get(item.to) + 1);
  }
  const ready = [];
  for (const [id, count] of indegree) if (count === 0) ready.push(id);
  while (ready.length > 0) {
    const id = ready.pop();
    for (const user of users.get(id)) {
      rank.set(user, Math.max(rank.get(user), rank.get(id) + 1));
      indegree.set(user, indegree.get(user) - 1);
      if (indegree.get(user) === 0) ready.push(user);
    }
  }
  return rank;
}

function readLayout(text) {
  const layout = JSON.parse(text);
  const bb = layout.bb.split(',').map(Number);
  const height = bb[3];
  const flip = (x, y) => [x, height - y];
  const result = { width: bb[2], height: height, boxes: new Map(), clusters: new Map(), edges: new Map() };
  for (const object of layout.objects || []) {
    if (object.bb !== undefined && object.name.startsWith('cluster_')) {
      const box = object.bb.split(',').map(Number);
      result.clusters.set(+object.name.slice(8), {
        x: box[0], y: height - box[3], width: box[2] - box[0], height: box[3] - box[1],
      });
    } else if (object.pos !== undefined) {
      const at = object.pos.split(',').map(Number);
      const centre = flip(at[0], at[1]);
      result.boxes.set(object.name, {
        x: centre[0], y: centre[1], width: 72 * Number(object.width), height: 72 * Number(object.height),
      });
    }
  }
  for (const edge of layout.edges || []) {
    if (edge.pos === undefined || edge.id === undefined) continue;
    let end = null;
    const points = [];
    for (const part of edge.pos.split(' ')) {
      const fields = part.split(',');
      if (fields[0] === 'e') { end = flip(+fields[1], +fields[2]); continue; }
      if (fields[0] === 's') continue;
      points.push(flip(+fields[0], +fields[1]));
    }
    result.edges.set(edge.id, { points: points, end: end });
  }
  return result;
}
