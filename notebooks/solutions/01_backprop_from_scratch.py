"""Solutions to the exercises of notebook 01."""


def sigmoid_pass_back(out, out_grad):
    """What u = sigmoid(x) adds to x.grad: out_grad times σ'(x), and σ'(x) = out·(1 − out)."""
    return out_grad * out * (1 - out)


# do/dw2 = (1 − o²)·x2: the tanh step's factor is never negative, so the sign is x2's, and x2 = 0.7.
gradient_sign = +1

ANSWERS = {
    "sigmoid_pass_back": sigmoid_pass_back,
    "gradient_sign": gradient_sign,
}
