// How the explorer's layout library was chosen: time three npm layout
// libraries on one graph (the numbers are in autograd/explorer/api.py).
//
//   mkdir /tmp/layouts && cd /tmp/layouts && npm init -y
//   npm install elkjs@0.12.1 @dagrejs/dagre@3.1.3 @hpcc-js/wasm-graphviz@1.29.2
//   python -m benchmarks.explorer --write-graph /tmp/layouts/step.json   (from the checkout)
//   cp <checkout>/benchmarks/layout_libraries.mjs . && node layout_libraries.mjs gv step.json [1000]
//
// Arguments: the library (gv, dagre or elk), the graph file ({"n": nodes,
// "edges": [[operand, user], ...]}), and optionally how many of the first
// nodes to keep. Boxes are 120 x 40 pt, laid out left to right.
import fs from 'fs';
import { createRequire } from 'module';

const require = createRequire(import.meta.url);
const [which, file, limitText] = process.argv.slice(2);
const graph = JSON.parse(fs.readFileSync(file));
const limit = Number(limitText || 0);
const n = limit || graph.n;
const edges = limit ? graph.edges.filter(([a, b]) => a < limit && b < limit) : graph.edges;

const started = performance.now();
if (which === 'dagre') {
  const dagre = require('@dagrejs/dagre');
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 10, ranksep: 40 });
  g.setDefaultEdgeLabel(() => ({}));
  for (let i = 0; i < n; i++) g.setNode(String(i), { width: 120, height: 40 });
  for (const [a, b] of edges) g.setEdge(String(a), String(b));
  dagre.layout(g);
} else if (which === 'elk') {
  const ELK = require('elkjs/lib/elk.bundled.js');
  await new ELK().layout({
    id: 'root',
    layoutOptions: { 'elk.algorithm': 'layered', 'elk.direction': 'RIGHT' },
    children: Array.from({ length: n }, (_, i) => ({ id: 'n' + i, width: 120, height: 40 })),
    edges: edges.map(([a, b], i) => ({ id: 'e' + i, sources: ['n' + a], targets: ['n' + b] })),
  });
} else if (which === 'gv') {
  const { Graphviz } = await import('@hpcc-js/wasm-graphviz');
  const graphviz = await Graphviz.load();
  const lines = ['digraph { rankdir=LR; node [shape=box width=1.67 height=0.56 fixedsize=true];'];
  for (let i = 0; i < n; i++) lines.push(i + ';');
  for (const [a, b] of edges) lines.push(a + ' -> ' + b + ';');
  lines.push('}');
  graphviz.layout(lines.join('\n'), 'json0', 'dot');
} else {
  throw new Error('library must be gv, dagre or elk, got ' + which);
}
console.log(`${which}: ${n} nodes, ${edges.length} edges, ${((performance.now() - started) / 1000).toFixed(2)} s`);
