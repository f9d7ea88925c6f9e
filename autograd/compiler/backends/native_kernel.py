"""The native backend's kernel: C that walks a tape, one switch case per shape of step.

Each case is made from its op's row read as source (:mod:`autograd.rules.source`)
and printed as C (:mod:`autograd.rules.print_c`), exactly as the Python backend
prints the same step as Python: the same tree, folded the same way, with the
program's constants written in as numbers. So no derivative is written here,
and the C adds in the order the generated Python adds.

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
size or wiring, so one compiled kernel serves every batch of a model.
"""

from __future__ import annotations

from ...rules.print_c import C_HELPERS, c_text
from ...rules.source import Const, Expr, Name, SourceMath, as_expr
from ..program import Step
from .protocol import one_line

__all__ = ["kernel_source"]

_GRAD, _OUT = Name("grad"), Name("out")

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
        if (t->segment_swap[s] < 0 || t->segment_swap[s] > 3 || (t->segment_swap[s] && t->segment_count[s] < 2)) return 14;
    for (int64_t k = 0; k < t->checks; k++) {
        if (t->check_operand[k] < 0 || t->check_operand[k] >= slots) return 7;
        if (t->check_other[k] < -1 || t->check_other[k] >= slots) return 8;
        if (t->check_after[k] < -1 || t->check_after[k] >= t->steps) return 9;
        if (k > 0 && t->check_after[k] < t->check_after[k - 1]) return 10;
    }
    return 0;
}
"""


def kernel_source(shapes: tuple[tuple[Step, tuple[float | None, ...]], ...]) -> str:
    """The kernel's C for these shapes (see the module docstring); the same shapes give the same text."""
    forward_cases, backward_cases, forward_loops, backward_loops = [], [], [], []
    for index, (step, numbers) in enumerate(shapes):
        operands = _operands(numbers)
        comment = f"/* {one_line(step.op.name).replace('*/', '* /')} */"  # an op's name is data, even in C
        value = c_text(as_expr(step.op.call_forward(SourceMath, operands, step.const)))
        forward_cases.append(f"                case {index}: out = {value}; break;  {comment}")
        forward_loops.append(
            f"                case {index}: for (int64_t k = 0; k < count; k++) v[at + k * length] = {value};"
            f" break;  {comment}"
        )
        local = step.op.local(SourceMath, operands, _OUT, step.const)
        lines = [
            f"g[o[{position}] + k * d[{position}]] += {c_text(_GRAD * as_expr(derivative))};"
            for position, derivative in enumerate(local) if numbers[position] is None
        ]
        backward_cases.append("\n".join([
            f"                case {index}: {{  {comment}", *(" " * 20 + line for line in lines), "                } break;",
        ]))
        backward_loops.append("\n".join([
            f"                case {index}: for (int64_t k = count - 1; k >= 0; k--) {{  {comment}",
            "                    const double grad = g[at + k * length];",
            "                    if (grad == 0.0) continue;",
            "                    const double out = v[at + k * length];",
            "                    (void)out;",
            *(" " * 20 + line for line in lines),
            "                } break;",
        ]))
    return "\n".join([
        "/* valuegrad native kernel: a tape interpreter with one case per shape of step. */",
        C_HELPERS, _TAPE,
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
        "                const int32_t *o = t->operand + t->start[b];",
        "                const int32_t *d = t->stride + t->start[b];",
        "                (void)d;",
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
        "                const int32_t *o = t->operand + t->start[b];",
        "                const int32_t *d = t->stride + t->start[b];",
        "                double out;",
        "                (void)d;",
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
        "                const int32_t *o = t->operand + t->start[b];",
        "                const int32_t *d = t->stride + t->start[b];",
        "                (void)d;",
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
        "                const int32_t *o = t->operand + t->start[b];",
        "                const int32_t *d = t->stride + t->start[b];",
        "                const double out = v[first + i];",
        "                (void)out; (void)d;",
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


def _operands(numbers: tuple[float | None, ...]) -> list[Expr]:
    """Each operand as the kernel reads it: its slot through the tape, or the constant's number."""
    return [Name(f"v[o[{position}] + k * d[{position}]]") if number is None else Const(number) for position, number in enumerate(numbers)]
