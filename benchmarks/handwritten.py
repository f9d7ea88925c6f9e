"""The handwritten floor: plain-Python forward passes and hand-derived backward passes.

No graph, no nodes: lists of floats and the chain rule worked out by hand for
each workload. This is what a scalar engine in pure Python is measured
against: the closer to it, the less the engine's bookkeeping costs. Every
function here is checked against the engine (same loss and gradients to 1e-9)
in ``tests/project/test_bench_smoke.py`` and at the start of each benchmark run.
"""

from __future__ import annotations

from operator import mul

from .problem import MLPProblem


class HandwrittenMLP:
    """Workload A by hand: relu MLP, mean hinge loss + λ·Σ p², plain SGD.

    Args:
        problem: The data, initial weights and hyper-parameters (copied).
    """

    def __init__(self, problem: MLPProblem) -> None:
        self.X = problem.X
        self.labels = problem.labels
        self.lr = problem.lr
        self.l2 = problem.l2
        # Per layer: rows of weights (one row per neuron) and biases, copied.
        self.weights = [[list(row) for row in rows] for rows, _ in problem.weights]
        self.biases = [list(biases) for _, biases in problem.weights]
        self._grads: list[float] = []

    def parameters(self) -> list[float]:
        """Parameters flattened in ``nn.MLP.parameters()`` order (each neuron's w, then b)."""
        return [
            value
            for rows, biases in zip(self.weights, self.biases, strict=True)
            for row, bias in zip(rows, biases, strict=True)
            for value in (*row, bias)
        ]

    def gradients(self) -> list[float]:
        """d loss / d parameter from the last ``step``, in ``parameters()`` order."""
        return list(self._grads)

    def step(self) -> float:
        """Forward, backward and an SGD update over all examples.

        Returns:
            The loss before the update.
        """
        weights, biases = self.weights, self.biases
        last = len(weights) - 1
        count = len(self.X)
        grad_w = [[[0.0] * len(row) for row in rows] for rows in weights]
        grad_b = [[0.0] * len(b) for b in biases]
        # Columns of each weight matrix, for sending gradients back through it.
        columns = [list(zip(*rows, strict=True)) for rows in weights]
        hinge_total = 0.0
        for x, label in zip(self.X, self.labels, strict=True):
            # Forward, keeping each layer's input and pre-activation.
            inputs: list[list[float]] = []
            pre: list[list[float]] = []
            a = x
            for index, (rows, bias) in enumerate(zip(weights, biases, strict=True)):
                inputs.append(a)
                z = [sum(map(mul, row, a), b) for row, b in zip(rows, bias, strict=True)]
                pre.append(z)
                a = [v if v > 0.0 else 0.0 for v in z] if index < last else z
            margin = 1.0 - label * a[0]
            if margin <= 0.0:
                continue  # relu(margin) is 0 and so is its derivative: nothing flows back
            hinge_total += margin
            # Backward: d (mean hinge) / d score = -label / count where the margin is positive.
            delta = [-label / count]
            for index in range(last, -1, -1):
                a_in = inputs[index]
                rows_grad, bias_grad = grad_w[index], grad_b[index]
                for j, d in enumerate(delta):
                    if d != 0.0:
                        rows_grad[j] = [
                            g + d * a_k for g, a_k in zip(rows_grad[j], a_in, strict=True)
                        ]
                        bias_grad[j] += d
                if index > 0:
                    # Through the weights, then through the previous layer's relu.
                    back = [sum(map(mul, column, delta)) for column in columns[index]]
                    delta = [
                        g if z > 0.0 else 0.0 for g, z in zip(back, pre[index - 1], strict=True)
                    ]
        params = self.parameters()
        loss = hinge_total / count + self.l2 * sum(p * p for p in params)
        # d (λ·Σ p²) / d p = 2λp, added to every gradient.
        decay = 2.0 * self.l2
        grads = [
            g + decay * p
            for g, p in zip(
                (
                    value
                    for rows_grad, bias_grad in zip(grad_w, grad_b, strict=True)
                    for row_grad, b_grad in zip(rows_grad, bias_grad, strict=True)
                    for value in (*row_grad, b_grad)
                ),
                params,
                strict=True,
            )
        ]
        self._grads = grads
        self._update(grads)
        return loss

    def _update(self, grads: list[float]) -> None:
        lr = self.lr
        position = 0
        for rows, biases in zip(self.weights, self.biases, strict=True):
            for j, row in enumerate(rows):
                for k in range(len(row)):
                    row[k] -= lr * grads[position]
                    position += 1
                biases[j] -= lr * grads[position]
                position += 1


def chain(steps: int, x: float = 1.0) -> tuple[float, float]:
    """Workload B by hand: ``x -> x * 1.0001 + 0.0001`` ``steps`` times, then d out / d x.

    Returns:
        (the output, its derivative with respect to ``x``).
    """
    out = x
    for _ in range(steps):
        out = out * 1.0001 + 0.0001
    grad = 1.0
    for _ in range(steps):
        grad *= 1.0001  # d(x * 1.0001 + 0.0001)/dx, once per step
    return out, grad


def sum_of_products(xs: list[float], ys: list[float]) -> tuple[float, list[float], list[float]]:
    """Workload C by hand: Σ x_i · y_i and its gradients.

    Returns:
        (the sum, d sum / d x_i, d sum / d y_i).
    """
    total = sum(map(mul, xs, ys))
    grad = 1.0
    return total, [grad * y for y in ys], [grad * x for x in xs]
