"""gradcheck(): passes correct gradients, fails loudly with its evidence."""

from __future__ import annotations

import pytest

from autograd import GradcheckError, Value, gradcheck, is_grad_enabled


def test_gradcheck_passes_a_correct_function_at_both_orders() -> None:
    def f(v: list[Value]) -> Value:
        return (v[0] * v[1]).tanh() + v[0].exp() / v[1]

    assert gradcheck(f, [0.3, -1.2], order=1) is True
    assert gradcheck(f, [Value(0.3), Value(-1.2)], order=2) is True


def test_gradcheck_failure_message_is_a_table_of_every_derivative_three_ways() -> None:
    def f(v: list[Value]) -> Value:
        # The detach hides x from the graph: its derivative is 0 in both modes.
        return v[0].detach() * v[1]

    with pytest.raises(GradcheckError) as error:
        gradcheck(f, [2.0, 3.0])
    lines = str(error.value).splitlines()
    assert lines[0].startswith("1 of 2 derivatives disagree")
    assert lines[1].split() == ["input", "reverse", "forward", "numeric", "abs", "err", "rel", "err"]
    assert lines[2].split()[:4] == ["0", "0", "0", "3"]
    assert lines[2].endswith("<-- mismatch (reverse, forward)") and "mismatch" not in lines[3]


def test_a_wrong_tangent_is_caught_even_when_reverse_mode_is_right() -> None:
    def f(v: list[Value]) -> Value:
        x = v[0]
        # jvp runs f with recording off: only there does this f cut one factor's
        # tangent, so forward mode is wrong and reverse mode right.
        return x * x if is_grad_enabled() else x.detach() * x

    with pytest.raises(GradcheckError, match=r"<-- mismatch \(forward\)"):
        gradcheck(f, [1.5])


def test_gradcheck_is_an_assertion_so_test_runners_report_it_as_one() -> None:
    assert issubclass(GradcheckError, AssertionError)


@pytest.mark.parametrize(("kwargs", "pattern"), [({"order": 3}, "order"), ({"eps": 0.0}, "eps")])
def test_gradcheck_validates_its_options(kwargs: dict[str, float], pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        gradcheck(lambda v: v[0], [1.0], **kwargs)  # type: ignore[arg-type]


def test_gradcheck_requires_f_to_return_a_value() -> None:
    with pytest.raises(TypeError, match="return a Value"):
        gradcheck(lambda v: 1.0, [1.0])  # type: ignore[arg-type, return-value]


def test_gradcheck_says_when_a_finite_difference_step_leaves_the_domain() -> None:
    with pytest.raises(GradcheckError, match=r"f is nan at input 0 = -9\.9\d*e-07, one step of eps = 1e-06 from 1e-09.*leaves f's domain"):
        gradcheck(lambda v: v[0].log(), [1e-9])
    assert gradcheck(lambda v: v[0].log(), [1e-9], eps=1e-12, rtol=1e-2)


def test_gradcheck_refuses_a_point_where_f_is_not_finite() -> None:
    with pytest.raises(GradcheckError, match="f is not finite at the point"):
        gradcheck(lambda v: v[0].log(), [0.0])
