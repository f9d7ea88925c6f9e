"""The native backend's kernel: C that walks a tape, one switch case per shape of step.

Each case is made from its op's row read as source (:mod:`autograd.rules.source`)
and printed as C (:mod:`autograd.rules.print_c`), as the Python backend prints
the same step as Python: the same tree, with the numbers a shape does not name
(:mod:`.native_shapes`) read at run time from the entry's numbers ``n`` or a
constant's slot, which gives the bits the Python backend's folding gives. A
``sum`` or ``dot`` is a loop whose body is the row's one-term reading, so it
adds in the order the generated Python adds. No derivative is written here.

The tape comes in segments: a loop's body is walked once per iteration ``k``,
each operand read at ``o[j] + k * d[j]`` (its slot in the first iteration
plus ``k`` times its stride), so one example's entries serve a whole batch.
``vg_forward(tape, v)`` fills the slots of ``v`` after the inputs and constants,
checking each decision as soon as its numbers are known, and returns -1, or
the order of the first check that failed. ``vg_backward(tape, v, g)`` seeds
the output's gradient with 1 and walks the steps backwards; a step whose
gradient is exactly 0 passes nothing on, as in the engine's sweep.
A loop the encoder marks as interchangeable is walked one body entry at a
time over all its iterations (one dispatch per entry, not per step): the same
numbers, added in the same order (:func:`.native_tape.interchangeable` says
why); its checks are made after it, in their order.
``vg_validate(tape, slots)`` checks every index once more, in C, when a
tape is loaded. The kernel depends on the shapes only, not on the program's
size, wiring or numbers, so one compiled kernel serves every batch of a model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ...rules.print_c import C_HELPERS, c_text
from ...rules.source import Const, Expr, Name, SourceMath, as_expr, children_of, with_children
from .native_shapes import FROM_TAPE, GRAD, NUMBER, OUT, Fold, Shape, fold_of, operand, put_names
from .protocol import one_line

__all__ = ["kernel_source"]

_ENTRY = [  # where body entry b's operands, strides and numbers are, in each walk of the tape
    "                const int32_t *o = t->operand + t->start[b];",
    "                const int32_t *d = t->stride + t->start[b];",
    "                const int64_t size = t->start[b + 1] - t->start[b];",
    "                const double *n = t->number + t->number_start[b];",
    "                const int64_t numbers = t->number_start[b + 1] - t->number_start[b];",
]

_TAPE = r"""
typedef struct {
    int64_t first_step, steps, checks;
    const int32_t *case_of, *gradient_case;
    const int64_t *start;
    const int32_t *operand, *stride;
    const int64_t *check_after;
    const int32_t *check_kind, *check_operand, *check_other, *check_outcome;
    const double *check_number;
    int64_t output, shapes, segments, entries;
    const int64_t *segment_body, *segment_length, *segment_count, *segment_swap;
    const int64_t *number_start;
    const double *number;
    int64_t numbers;
} vg_tape;

/* Whether check k decides differently from the trace (round is Python's to check). */
static int vg_fails(const vg_tape *t, const double *v, int64_t k) {
    const double x = v[t->check_operand[k]];
    const double y = t->check_other[k] >= 0 ? v[t->check_other[k]] : t->check_number[k];
    const int outcome = t->check_outcome[k];
    switch (t->check_kind[k]) {
        case 0: return outcome ? !(x < y) : x < y;
        case 1: return outcome ? !(x <= y) : x <= y;
        case 2: return outcome ? !(x > y) : x > y;
        case 3: return outcome ? !(x >= y) : x >= y;
        case 4: return outcome ? x == 0.0 : x != 0.0;
        case 5:  /* bit for bit: -0.0 is not 0.0, any NaN is any NaN */
            if (y != y) return x == x;
            if (y == 0.0) return x != 0.0 || !signbit(x) != !signbit(y);
            return x != y;
        case 6: return !isfinite(x) || trunc(x) != y;
        case 8: return outcome ? !(x == y) : x == y;
        case 9: return outcome ? !(x != y) : x != y;
        case 10: return isfinite(x);  /* int() raised during the trace: it raises while x is not finite */
        default: return 0;
    }
}

/* Whether the entry b's operands, in the iteration k of a loop whose step is the global step i, read earlier slots. */
static int vg_reads_before(const vg_tape *t, int64_t b, int64_t k, int64_t i) {
    for (int64_t j = t->start[b]; j < t->start[b + 1]; j++) {
        const int64_t slot = (int64_t)t->operand[j] + k * (int64_t)t->stride[j];
        if (slot < 0 || slot >= t->first_step + i) return 0;
    }
    return 1;
}

int64_t vg_validate(const vg_tape *t, int64_t slots) {
    if (t->first_step < 0 || t->steps < 0 || t->first_step + t->steps != slots) return 1;
    if (t->output < 0 || t->output >= slots || t->start[0] != 0 || t->entries < 0 || t->segments < 0) return 2;
    for (int64_t b = 0; b < t->entries; b++) {
        if (t->case_of[b] < 0 || t->case_of[b] >= t->shapes) return 3;
        if (t->gradient_case[b] != -1 && t->gradient_case[b] != t->case_of[b]) return 4;
        if (t->start[b + 1] < t->start[b]) return 5;
    }
    if (t->number_start[0] != 0 || t->number_start[t->entries] > t->numbers) return 14;
    for (int64_t b = 0; b < t->entries; b++) {  /* each entry holds what its case reads */
        const int64_t c = t->case_of[b], count = t->start[b + 1] - t->start[b];
        const int64_t numbers = t->number_start[b + 1] - t->number_start[b];
        if (numbers < 0) return 15;
        if (vg_case_form[c] == 0 && (count != vg_case_operands[c] || numbers != vg_case_numbers[c])) return 16;
        if (vg_case_form[c] == 1 && (count < vg_case_operands[c] || numbers != vg_case_numbers[c])) return 17;
        if (vg_case_form[c] == 2) {
            const int64_t m = numbers - vg_case_numbers[c];
            if (m < 0 || count < m || (count - m) % 2 != 0 || count < vg_case_operands[c]) return 18;
        }
    }
    int64_t i = 0;  /* the global step of the segment's first entry */
    for (int64_t s = 0; s < t->segments; s++) {
        const int64_t body = t->segment_body[s], length = t->segment_length[s], count = t->segment_count[s];
        if (body < 0 || length < 1 || count < 1 || length > t->entries || body > t->entries - length) return 11;
        if (count > (t->steps - i) / length) return 12;
        for (int64_t r = 0; r < length; r++)  /* a slot moves linearly: the first and last iterations bound it */
            if (!vg_reads_before(t, body + r, 0, i + r)
                || !vg_reads_before(t, body + r, count - 1, i + (count - 1) * length + r)) return 6;
        i += length * count;
    }
    if (i != t->steps) return 13;
    for (int64_t s = 0; s < t->segments; s++)
        if (t->segment_swap[s] < 0 || t->segment_swap[s] > 3 || (t->segment_swap[s] && t->segment_count[s] < 2)) return 19;
    for (int64_t k = 0; k < t->checks; k++) {
        if (t->check_operand[k] < 0 || t->check_operand[k] >= slots) return 7;
        if (t->check_other[k] < -1 || t->check_other[k] >= slots) return 8;
        if (t->check_after[k] < -1 || t->check_after[k] >= t->steps) return 9;
        if (k > 0 && t->check_after[k] < t->check_after[k - 1]) return 10;
    }
    return 0;
}
"""


def kernel_source(shapes: Sequence[Shape]) -> str:
    """The kernel's C for these shapes (see the module docstring); the same shapes give the same text."""
    forward_cases, backward_cases, forward_loops, backward_loops, forms = [], [], [], [], []
    for index, shape in enumerate(shapes):
        comment = f"/* {one_line(shape.op.name).replace('*/', '* /')} */"  # an op's name is data, even in C
        fold = fold_of(shape.op, dot=shape.form == "dot") if shape.form != "fixed" else None
        if fold is None:
            forward, backward = _fixed_case(shape)
            forms.append((0, len(shape.operands), 1 if shape.const is FROM_TAPE else 0))
        elif fold.form == "sum":
            forward, backward = _sum_case(shape, fold)
            forms.append((1, 1 if shape.first else 0, 0 if shape.first else 1))
        else:
            forward, backward = _dot_case(shape, fold)
            forms.append((2, 1 if shape.first else 0, 0 if shape.first else 1))
        forward_cases.append(f"                case {index}: {{  {comment}\n{_indented(forward)}\n                }} break;")
        backward_cases.append(f"                case {index}: {{  {comment}\n{_indented(backward)}\n                }} break;")
        forward_loops.append("\n".join([
            f"                case {index}: for (int64_t k = 0; k < count; k++) {{  {comment}",
            "                    double out;",
            _indented(forward),
            "                    v[at + k * length] = out;",
            "                } break;",
        ]))
        backward_loops.append("\n".join([
            f"                case {index}: for (int64_t k = count - 1; k >= 0; k--) {{  {comment}",
            "                    const double grad = g[at + k * length];",
            "                    if (grad == 0.0) continue;",
            "                    const double out = v[at + k * length];",
            "                    (void)out;",
            _indented(backward),
            "                } break;",
        ]))
    tables = [
        f"static const int64_t vg_case_{name}[] = {{{', '.join(str(form[part]) for form in forms) or '0'}}};"
        for part, name in enumerate(("form", "operands", "numbers"))
    ]
    return "\n".join([
        "/* valuegrad native kernel: a tape interpreter with one case per shape of step. */",
        C_HELPERS,
        "/* Per case: its form (0 fixed, 1 sum loop, 2 dot loop), the operands it reads (fixed) or",
        "   at least (loops), the numbers it reads (fixed, sum) or at least (dot). */",
        *tables, _TAPE,
        "int64_t vg_forward(const vg_tape *t, double *v) {",
        "    const int64_t first = t->first_step;",
        "    int64_t next = 0, i = 0;",
        "    for (; next < t->checks && t->check_after[next] < 0; next++)",
        "        if (vg_fails(t, v, next)) return next;",
        "    for (int64_t s = 0; s < t->segments; s++) {",
        "        const int64_t body = t->segment_body[s], length = t->segment_length[s], count = t->segment_count[s];",
        "        if (t->segment_swap[s] & 1) {  /* entry by entry, then the loop's checks in order */",
        "            for (int64_t r = 0; r < length; r++) {",
        "                const int64_t b = body + r, at = first + i + r;",
        *_ENTRY,
        "                (void)d; (void)n; (void)size; (void)numbers;",
        "                switch (t->case_of[b]) {",
        *forward_loops,
        "                default: return -2;",
        "                }",
        "            }",
        "            i += length * count;",
        "            for (; next < t->checks && t->check_after[next] < i; next++)",
        "                if (vg_fails(t, v, next)) return next;",
        "            continue;",
        "        }",
        "        for (int64_t k = 0; k < count; k++) {",
        "            for (int64_t r = 0; r < length; r++, i++) {",
        "                const int64_t b = body + r;",
        *_ENTRY,
        "                double out;",
        "                (void)d; (void)n; (void)size; (void)numbers;",
        "                switch (t->case_of[b]) {",
        *forward_cases,
        "                default: return -2;",
        "                }",
        "                v[first + i] = out;",
        "                for (; next < t->checks && t->check_after[next] == i; next++)",
        "                    if (vg_fails(t, v, next)) return next;",
        "            }",
        "        }",
        "    }",
        "    return -1;",
        "}",
        "",
        "void vg_backward(const vg_tape *t, const double *v, double *g) {",
        "    const int64_t first = t->first_step;",
        "    int64_t i = t->steps;",
        "    g[t->output] = 1.0;",
        "    for (int64_t s = t->segments - 1; s >= 0; s--) {",
        "        const int64_t body = t->segment_body[s], length = t->segment_length[s], count = t->segment_count[s];",
        "        if (t->segment_swap[s] & 2) {  /* entry by entry, each over the iterations backwards */",
        "            i -= length * count;",
        "            for (int64_t r = length - 1; r >= 0; r--) {",
        "                const int64_t b = body + r, at = first + i + r;",
        "                if (t->gradient_case[b] < 0) continue;",
        *_ENTRY,
        "                (void)d; (void)n; (void)size; (void)numbers;",
        "                switch (t->gradient_case[b]) {",
        *backward_loops,
        "                default: return;",
        "                }",
        "            }",
        "            continue;",
        "        }",
        "        for (int64_t k = count - 1; k >= 0; k--) {",
        "            for (int64_t r = length - 1; r >= 0; r--) {",
        "                i--;",
        "                const int64_t b = body + r;",
        "                const double grad = g[first + i];",
        "                if (t->gradient_case[b] < 0 || grad == 0.0) continue;",
        *_ENTRY,
        "                const double out = v[first + i];",
        "                (void)out; (void)d; (void)n; (void)size; (void)numbers;",
        "                switch (t->gradient_case[b]) {",
        *backward_cases,
        "                default: return;",
        "                }",
        "            }",
        "        }",
        "    }",
        "}",
        "",
    ])


def _indented(lines: list[str]) -> str:
    return "\n".join(f"                    {line}" for line in lines)


def _fixed_case(shape: Shape) -> tuple[list[str], list[str]]:
    """One printed expression: the row read on the entry's operands (numbers from the tape or written in)."""
    operands = [operand(position) if n is None or n is FROM_TAPE else Const(n) for position, n in enumerate(shape.operands)]
    const = NUMBER if shape.const is FROM_TAPE else shape.const
    value = c_text(as_expr(shape.op.call_forward(SourceMath, operands, const)))
    local = shape.op.local(SourceMath, operands, OUT, const)
    kept = [(position, GRAD * as_expr(derivative)) for position, derivative in enumerate(local)
            if shape.operands[position] is None]
    shared, trees = _shared([tree for _, tree in kept])
    lines = [*shared, *(
        f"g[o[{position}] + k * d[{position}]] += {c_text(tree)};"
        for (position, _), tree in zip(kept, trees, strict=True)
    )]
    return [f"out = {value};"], lines


def _shared(trees: list[Expr]) -> tuple[list[str], list[Expr]]:
    """Subtrees the rule built once and used in several places, computed once as locals.

    A rule's derivatives share objects where the rule shares a value (``max``'s
    count of ties is one sum, divided into every operand's derivative); printed
    as trees they would repeat it, and a case's C would grow with the square of
    its operand count. Sharing is by identity, so each local is exactly a value
    the printed trees compute (every part of them is computed anyway: C's
    helpers take their arguments evaluated), and the numbers are the same.
    """
    uses: dict[int, int] = {}
    order: list[Expr] = []  # each node once, children before parents
    stack: list[tuple[Expr, bool]] = [(tree, False) for tree in reversed(trees)]
    while stack:
        expr, done = stack.pop()
        key = id(expr)
        if done:
            order.append(expr)
            continue
        uses[key] = uses.get(key, 0) + 1
        if uses[key] > 1:
            continue
        stack.append((expr, True))
        stack.extend((child, False) for child in reversed(children_of(expr)))
    names: dict[int, Expr] = {}
    lines: list[str] = []
    for expr in order:
        children = children_of(expr)
        if not children:
            continue
        rebuilt = with_children(expr, [names.get(id(child), child) for child in children])
        if uses[id(expr)] > 1:
            name = Name(f"s{len(lines)}")
            lines.append(f"const double {name.name} = {c_text(rebuilt)};")
            names[id(expr)] = name
        else:
            names[id(expr)] = rebuilt
    return lines, [names.get(id(tree), tree) for tree in trees]


def _sum_case(shape: Shape, fold: Fold) -> tuple[list[str], list[str]]:
    """A loop over the operands: ``acc = acc + x_j`` as the row reads one term."""
    each = {"X": operand("j")}
    begin = _c(fold.first, {"X": operand(0)}) if shape.first else "n[0]"
    forward = [
        f"double acc = {begin};",
        f"for (int64_t j = {1 if shape.first else 0}; j < size; j++) acc = {_c(fold.step, {**each, 'acc': Name('acc')})};",
        "out = acc;",
    ]
    backward = [f"for (int64_t j = 0; j < size; j++) g[o[j] + k * d[j]] += {_c(fold.lines[0], each)};"]
    return forward, backward


def _dot_case(shape: Shape, fold: Fold) -> tuple[list[str], list[str]]:
    """Loops over the pairs, then the coefficients (the entry's numbers after its start), as the row reads one term."""
    assert fold.coefficient is not None and fold.first_coefficient is not None and fold.coefficient_line is not None
    pair = {"W": operand("j"), "X": operand("p + j"), "acc": Name("acc")}
    term = {"V": operand("2 * p + j"), "COEF": Name("c[j]"), "acc": Name("acc")}
    offset = 0 if shape.first else 1
    forward = [
        f"const double *c = n + {offset};",
        f"const int64_t m = numbers - {offset}, p = (size - m) / 2;",
        "int64_t i0 = 0, j0 = 0;",
    ]
    if shape.first:
        forward += [
            "double acc;",
            f"if (p > 0) {{ acc = {_c(fold.first, {'W': operand(0), 'X': operand('p')})}; i0 = 1; }}",
            f"else {{ acc = {_c(fold.first_coefficient, {'V': operand('2 * p'), 'COEF': Name('c[0]')})}; j0 = 1; }}",
        ]
    else:
        forward.append("double acc = n[0];")
    forward += [
        f"for (int64_t j = i0; j < p; j++) acc = {_c(fold.step, pair)};",
        f"for (int64_t j = j0; j < m; j++) acc = {_c(fold.coefficient, term)};",
        "out = acc;",
    ]
    backward = [  # in the order of operand positions: every w, every x, then the coefficients' operands
        f"const double *c = n + {offset};",
        f"const int64_t m = numbers - {offset}, p = (size - m) / 2;",
        f"for (int64_t j = 0; j < p; j++) g[o[j] + k * d[j]] += {_c(fold.lines[0], pair)};",
        f"for (int64_t j = 0; j < p; j++) g[o[p + j] + k * d[p + j]] += {_c(fold.lines[1], pair)};",
        f"for (int64_t j = 0; j < m; j++) g[o[2 * p + j] + k * d[2 * p + j]] += {_c(fold.coefficient_line, term)};",
        "(void)c;",
    ]
    return forward, backward


def _c(expr: Expr, names: Mapping[str, Expr]) -> str:
    return c_text(put_names(expr, names))
