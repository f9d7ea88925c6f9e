"""Solutions to the exercises of notebook 06."""

import math


def cross_entropy_gradient(logits, target):
    """dℓ/dz_i = p_i − [i = target], with p the softmax of the logits (the largest subtracted first)."""
    top = max(logits)
    exps = [math.exp(z - top) for z in logits]
    total = sum(exps)
    return [e / total - (i == target) for i, e in enumerate(exps)]


def confusion_matrix(true, predicted, classes):
    """Row i, column j: how many examples of class i were predicted as j."""
    table = [[0] * classes for _ in range(classes)]
    for t, p in zip(true, predicted):
        table[t][p] += 1
    return table


ANSWERS = {"cross_entropy_gradient": cross_entropy_gradient, "confusion_matrix": confusion_matrix}
