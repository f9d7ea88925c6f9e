// The side panel (a node's numbers, operands and users), the search, the legend.
// Built with createElement and textContent only: labels are user data.

function element(tag, className, text, parent) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined && text !== null) made.textContent = text;
  if (parent) parent.appendChild(made);
  return made;
}

function fullNumber(x) {
  return typeof x === 'string' ? x : String(x);
}

// Show node i in the panel; `go` is called with a node index when a link is clicked.
function showPanel(panel, model, i, go) {
  const data = model.data;
  panel.textContent = '';
  panel.hidden = false;
  const close = element('button', 'vg-close', '×', panel);
  close.title = 'close';
  close.addEventListener('click', () => { panel.hidden = true; });
  element('h2', null, nodeTitle(model, i), panel);
  const facts = element('dl', 'vg-facts', null, panel);
  const fact = (term, value) => {
    element('dt', null, term, facts);
    element('dd', null, value, facts);
  };
  const kinds = ['operation', 'leaf', 'parameter', 'output'];
  fact('kind', kinds[data.kind[i]] + (data.kind[i] === 3 && data.op[i] ? ' (' + data.op[i] + ')' : ''));
  if (data.label[i]) fact('label', data.label[i]);
  if (model.names[i]) fact('parameter', model.names[i]);
  fact('data', fullNumber(data.data[i]));
  fact('grad', fullNumber(data.grad[i]));
  if (data.op[i]) fact('op', data.op[i] + (data.text[i] && data.text[i] !== data.op[i] ? '   (' + data.text[i] + ')' : ''));
  const chain = model.groupChain(i).map((g) => data.groups.name[g]);
  if (chain.length) fact('in', chain.join(' › '));
  const origin = model.origins[i];
  if (origin) {
    fact('made at', origin.file + (origin.line !== null && origin.line !== undefined ? ':' + origin.line : '') +
      (origin.function ? ' in ' + origin.function : ''));
  }
  const parents = data.parents[i];
  if (parents.length) {
    element('h3', null, 'operands (' + parents.length + ')', panel);
    const table = element('table', 'vg-operands', null, panel);
    const head = element('tr', null, null, element('thead', null, null, table));
    for (const title of ['#', 'operand', 'data', '∂ / ∂ operand']) element('th', null, title, head);
    const body = element('tbody', null, null, table);
    const local = data.local[i];
    parents.forEach((p, k) => {
      const row = element('tr', null, null, body);
      element('td', null, String(k), row);
      link(element('td', null, null, row), model, p, go);
      element('td', null, formatNumber(data.data[p]), row);
      element('td', null, local === null ? 'undefined' : fullNumber(local[k]), row);
    });
  }
  const users = model.children[i];
  if (users.length) {
    element('h3', null, 'used by (' + users.length + ')', panel);
    // Each use adds its user's grad times the user's local derivative to this
    // node's grad: the chain rule, one term per use, shown beside each user.
    const parts = users.map((u) => contribution(data, u, i));
    const total = parts.reduce((sum, part) => sum + part, 0);
    element('p', 'vg-sum', 'each use adds its grad × ∂ user / ∂ this node; together ' +
      formatNumber(total) + ', the grad (' + formatNumber(data.grad[i]) + ')', panel);
    const list = element('ul', 'vg-users', null, panel);
    users.slice(0, 200).forEach((u, k) => {
      const item = element('li', null, null, list);
      link(item, model, u, go);
      element('span', 'vg-adds', ' adds ' + formatNumber(parts[k]), item);
    });
    if (users.length > 200) element('li', null, '… and ' + (users.length - 200) + ' more', list);
  }
}

// JSON has no infinities: the data writes them, and nan, as strings.
function numeric(x) {
  if (typeof x === 'number') return x;
  return x === 'inf' ? Infinity : x === '-inf' ? -Infinity : NaN;
}

// What user u adds to node i's grad: u's grad times d u / d i, for each operand slot i fills.
function contribution(data, u, i) {
  const local = data.local[u];
  let part = 0;
  data.parents[u].forEach((p, k) => {
    if (p === i) part += numeric(data.grad[u]) * (local === null ? NaN : numeric(local[k]));
  });
  return part;
}

// A link to node i, followed by where it is (example 3 › layers.0 › neurons.2).
function link(parent, model, i, go) {
  const button = element('button', 'vg-link', nodeTitle(model, i), parent);
  button.dataset.target = String(i);
  button.title = 'data ' + formatNumber(model.data.data[i]) + ', grad ' + formatNumber(model.data.grad[i]);
  button.addEventListener('click', () => go(i));
  const chain = model.groupChain(i).filter((g) => model.data.groups.kind[g] !== 'stack');
  if (chain.length) element('span', 'vg-where', ' ' + chain.map((g) => model.shortGroupName(g)).join(' › '), parent);
}

// Nodes whose label, parameter name, op or op text contains `query` (case-insensitive).
function search(model, query) {
  const wanted = query.trim().toLowerCase();
  const found = [];
  if (!wanted) return found;
  const data = model.data;
  for (let i = 0; i < model.count; i++) {
    if (data.label[i].toLowerCase().includes(wanted) ||
        data.op[i].toLowerCase().includes(wanted) ||
        data.text[i].toLowerCase().includes(wanted) ||
        (model.names[i] !== undefined && model.names[i].toLowerCase().includes(wanted))) {
      found.push(i);
    }
  }
  return found;
}

function buildLegend(parent) {
  const entries = [
    ['#ffd966', 'output'], ['#cfe2ff', 'parameter'], ['#eeeeee', 'leaf'], ['#f7f7f7', 'operation'],
    [GROUP_FILLS.module, 'module'], [GROUP_FILLS.example, 'example / stack'],
    [GROUP_FILLS.params, 'parameters / shared'], [GROUP_FILLS.loss, 'loss'], [GROUP_FILLS.band, 'steps of depth'],
  ];
  for (const [colour, name] of entries) {
    const item = element('span', 'vg-legend-item', null, parent);
    const swatch = element('span', 'vg-swatch', null, item);
    swatch.style.background = colour;
    element('span', null, name, item);
  }
}
