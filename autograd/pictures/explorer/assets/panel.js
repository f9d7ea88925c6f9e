// The side panel (a node's numbers, operands and users), the search, the legend.
// Built with createElement and textContent only: labels are user data.

function element(tag, className, text, parent) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined && text !== null) made.textContent = text;
  if (parent) parent.appendChild(made);
  return made;
}

// Where a step's line sits in the generated code: "line 12", "line 12, iteration 3 of 8 of its loop".
function codeWhere(code) {
  const at = 'line ' + code.number;
  if (code.iteration === null || code.iteration === undefined) return at;
  return at + ', iteration ' + code.iteration + ' of ' + code.iterations + ' (k = ' + code.iteration + ' of its loop)';
}

function fullNumber(x) {
  if (x === null) return '? (not computed yet)';
  if (typeof x === 'number' && !Number.isFinite(x)) return formatNumber(x);
  return typeof x === 'string' ? x : String(x);
}

// The plain numbers folded into node i (x * 2.0 keeps 2.0; a dot keeps its inputs' numbers).
function constantText(model, i) {
  const c = model.data.const ? model.data.const[i] : null;
  if (c === null || c === undefined) return null;
  if (typeof c !== 'object') return c === 0 ? null : fullNumber(c);  // a sum's start of 0 says nothing
  // A dot adds up products of two operands, then operands times plain numbers (an
  // input given as a number, a bias's 1), then a plain start.
  const parents = model.data.parents[i];
  const parts = [];
  if (c.pairs) parts.push(c.pairs + (c.pairs === 1 ? ' product' : ' products') + ' of two operands');
  c.coefficients.slice(0, 12).forEach((number, j) => {
    parts.push(nodeTitle(model, parents[2 * c.pairs + j]) + ' × ' + formatNumber(number));
  });
  if (c.coefficients.length > 12) parts.push('… ' + (c.coefficients.length - 12) + ' more');
  if (numeric(c.start) !== 0) parts.push('+ ' + formatNumber(c.start));
  return parts.join('; ') || '0';
}

// Show node i in the panel; `go` is called with a node index when a link is
// clicked, `edit` with (index, number) when a leaf's value is edited.
function showPanel(panel, model, i, go, edit) {
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
    return element('dd', null, value, facts);
  };
  const kinds = ['operation', 'leaf', 'parameter', 'output'];
  fact('kind', kinds[data.kind[i]] + (data.kind[i] === 3 && data.op[i] ? ' (' + data.op[i] + ')' : ''));
  if (model.roles[i]) fact('role', model.roles[i]);
  if (data.label[i]) fact('label', data.label[i]);
  if (model.names[i]) fact('parameter', model.names[i]);
  const leaf = data.parents[i].length === 0;
  if (leaf && edit && model.runtime && model.runtime.runnable) {
    const cell = fact('data', null);
    const field = element('input', 'vg-edit', null, cell);
    field.type = 'number';
    field.step = 'any';
    field.value = String(model.runtime.values[i]);
    field.dataset.node = String(i);
    field.title = 'change this value: every value and gradient is recomputed in the page';
    field.setAttribute('aria-label', 'value of ' + nodeTitle(model, i));
    field.addEventListener('change', () => {
      const x = Number(field.value);
      if (field.value.trim() !== '' && Number.isFinite(x)) edit(i, x);
    });
  } else {
    fact('data', fullNumber(model.shownData(i)));
  }
  fact('grad', fullNumber(model.shownGrad(i)) + (data.kind[i] === 3 ? '  (d output / d output)' : ''));
  if (data.op[i]) fact('op', data.op[i] + (data.text[i] && data.text[i] !== data.op[i] ? '   (' + data.text[i] + ')' : ''));
  if (model.runtime && model.runtime.frozen.has(i)) {
    fact('in the page', 'frozen: its value and local derivatives stay as recorded when a leaf is changed');
  }
  const constant = constantText(model, i);
  if (constant !== null) fact('numbers folded in', constant);
  const chain = model.groupChain(i).map((g) => model.shortGroupName(g));  // as the boxes name them
  if (chain.length) fact('in', chain.join(' › '));
  const origin = model.origins[i];
  if (origin) {
    fact('made at', origin.file + (origin.line !== null && origin.line !== undefined ? ':' + origin.line : '') +
      (origin.function ? ' in ' + origin.function : ''));
  }
  const code = data.code ? data.code[i] : undefined;
  if (typeof code === 'string') {
    // A jitted call kept as one node: the code the jit generated for it, as text.
    element('h3', null, 'generated code (jit)', panel);
    element('pre', 'vg-code', code, panel);
  } else if (code !== undefined) {
    // A step of an unfolded jitted call: the line of generated code that computes it.
    element('h3', null, 'generated code (jit): ' + codeWhere(code), panel);
    element('pre', 'vg-code vg-code-line', code.line.trim(), panel);
    if (code.backward.length) {
      element('h3', null, 'its backward (lines ' + code.backward[0][0] + '–' +
        code.backward[code.backward.length - 1][0] + ')', panel);
      element('pre', 'vg-code vg-code-backward', code.backward.map((line) => line[1]).join('\n'), panel);
    }
  }
  const parents = data.parents[i];
  if (parents.length) {
    element('h3', null, 'operands (' + parents.length + ')', panel);
    const table = element('table', 'vg-operands', null, panel);
    const head = element('tr', null, null, element('thead', null, null, table));
    for (const title of ['#', 'operand', 'data', '∂ / ∂ operand']) element('th', null, title, head);
    const body = element('tbody', null, null, table);
    const local = localOf(model, i);
    parents.forEach((p, k) => {
      const row = element('tr', null, null, body);
      element('td', null, String(k), row);
      link(element('td', null, null, row), model, p, go);
      element('td', null, shownNumber(model.shownData(p)), row);
      element('td', null, fullNumber(local[k]), row);
    });
  }
  const users = model.children[i];
  if (users.length) {
    element('h3', null, 'used by (' + users.length + ')', panel);
    // Each use adds its user's grad times the user's local derivative to this
    // node's grad: the chain rule, one term per use, shown beside each user.
    const parts = users.map((u) => contribution(model, u, i));
    const total = parts.reduce((sum, part) => sum + part, 0);
    element('p', 'vg-sum', 'each user adds ∂ user / ∂ this node × the user\'s grad; the parts sum to ' +
      formatNumber(total) + ', this node\'s grad (' + formatNumber(model.shownGrad(i) === null ? NaN : model.shownGrad(i)) + ')', panel);
    const list = element('ul', 'vg-users', null, panel);
    users.slice(0, 200).forEach((u, k) => {
      const item = element('li', null, null, list);
      link(item, model, u, go);
      element('span', 'vg-adds', ' adds ' + formatNumber(localPart(model, u, i)) + ' × ' +
        formatNumber(numericGrad(model, u)) + ' = ' + formatNumber(parts[k]), item);
    });
    if (users.length > 200) element('li', null, '… and ' + (users.length - 200) + ' more', list);
  }
}

function numericGrad(model, u) {
  const grad = model.shownGrad(u);
  return grad === null ? NaN : numeric(grad);
}

// Node u's local derivatives, exact when the page can compute them.
function localOf(model, u) {
  if (model.runtime) return model.runtime.localOf(u);
  const local = model.data.local[u];
  return local === null ? model.data.parents[u].map(() => NaN) : local.map(numeric);
}

// ∂ u / ∂ i, summed over the operand slots i fills in u.
function localPart(model, u, i) {
  const local = localOf(model, u);
  let part = 0;
  model.data.parents[u].forEach((p, k) => { if (p === i) part += numeric(local[k]); });
  return part;
}

// What user u adds to node i's grad: u's grad times d u / d i, for each operand slot i fills.
function contribution(model, u, i) {
  const local = localOf(model, u);
  const grad = numericGrad(model, u);
  let part = 0;
  model.data.parents[u].forEach((p, k) => { if (p === i) part += grad * numeric(local[k]); });
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
