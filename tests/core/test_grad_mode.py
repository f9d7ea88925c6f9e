"""Gradient mode: no_grad and enable_grad are per thread, nest, and decorate."""

from __future__ import annotations

import threading

import pytest

from autograd import Value, enable_grad, is_grad_enabled, no_grad


def test_no_grad_records_no_parents_as_context_manager_and_decorator() -> None:
    x = Value(2.0)
    with no_grad():
        y = x * 3
        assert not is_grad_enabled()
    assert is_grad_enabled()
    assert y.parents == () and y.op == "" and y.data == 6.0

    @no_grad()
    def triple(v: Value) -> Value:
        return v * 3

    assert triple(x).parents == ()
    assert triple.__name__ == "triple"
    assert (x * 3).parents == (x,)


def test_no_grad_nests_and_enable_grad_reopens_recording() -> None:
    x = Value(2.0)
    guard = no_grad()
    with guard:
        with guard:
            assert not is_grad_enabled()
            with enable_grad():
                assert (x + 1).parents == (x,)
        assert not is_grad_enabled()
    assert is_grad_enabled()


def test_no_grad_is_thread_local() -> None:
    x = Value(2.0)
    recorded: list[bool] = []

    def other_thread() -> None:
        recorded.append(bool((x * 2).parents))

    with no_grad():
        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
    assert recorded == [True]


def test_no_grad_restores_recording_after_an_exception() -> None:
    with pytest.raises(RuntimeError), no_grad():
        raise RuntimeError
    assert is_grad_enabled()


NO_GRAD = no_grad()  # one instance shared by every thread, as a user might write it


def test_one_no_grad_instance_shared_by_two_threads_gives_each_its_own_state() -> None:
    # Both threads enter the same object, interleaved: each must come out
    # recording, and inside each must see recording off.
    inside = threading.Barrier(2)
    leaving = threading.Barrier(2)
    seen: dict[str, list[bool]] = {}

    def worker(name: str, outer_no_grad: bool) -> None:
        states: list[bool] = []
        if outer_no_grad:
            no_grad().__enter__()
        with NO_GRAD:
            inside.wait()
            states.append(is_grad_enabled())
            leaving.wait()
        states.append(is_grad_enabled())
        if outer_no_grad:
            no_grad().__exit__(None, None, None)
        states.append(is_grad_enabled())
        seen[name] = states

    threads = [
        threading.Thread(target=worker, args=("a", False)),
        threading.Thread(target=worker, args=("b", True)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen["a"] == [False, True, True]
    assert seen["b"] == [False, False, True]  # still inside its own outer no_grad, then out


@pytest.mark.parametrize("rounds", [50])
def test_a_shared_instance_used_by_four_threads_never_leaks_state(rounds: int) -> None:
    errors: list[str] = []

    def worker() -> None:
        x = Value(1.0)
        for _ in range(rounds):
            with NO_GRAD:
                with NO_GRAD:
                    if (x * 2).parents:
                        errors.append("recorded inside no_grad")
                if (x * 2).parents:
                    errors.append("recorded inside the outer no_grad")
            if not (x * 2).parents:
                errors.append("not recording after no_grad")

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert is_grad_enabled()


def test_a_no_grad_decorated_function_keeps_its_signature_and_name() -> None:
    @no_grad()
    def scaled(v: Value, factor: float = 2.0) -> Value:
        """Doc."""
        return v * factor

    assert scaled.__name__ == "scaled" and scaled.__doc__ == "Doc."
    assert scaled(Value(1.0), factor=3.0).data == 3.0
