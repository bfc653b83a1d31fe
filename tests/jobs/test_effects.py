"""The effects protocol: what a unit may ask of a model."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from speedlab.jobs.effects import Call, CallResult, Compute, HttpRequest


def test_a_call_returns_its_value() -> None:
    assert Call(divmod, 7, 2).run() == CallResult((3, 1), None)


def test_a_call_catches_an_exception_into_its_result() -> None:
    result = Call(int, "seven").run()
    assert result.value is None
    assert isinstance(result.error, ValueError)


def test_a_call_lets_ctrl_c_through() -> None:
    def interrupted() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        Call(interrupted).run()


def test_a_request_s_repr_never_shows_its_headers() -> None:
    request = HttpRequest("GET", "https://api.github.com/x", {"Authorization": "Bearer s3cr3t"}, 5)
    assert "s3cr3t" not in repr(request)
    assert "s3cr3t" not in str(request)


def test_call_and_compute_are_immutable_comparable_and_picklable() -> None:
    effect = Compute(divmod, 7, 2)
    assert effect == Compute(divmod, 7, 2)
    assert effect != Call(divmod, 7, 2)  # same function, another effect
    assert hash(effect) == hash(Compute(divmod, 7, 2))
    assert pickle.loads(pickle.dumps(effect)) == effect
    assert pickle.loads(pickle.dumps(effect)).run() == CallResult((3, 1))
    with pytest.raises(AttributeError):
        effect.fn = abs  # type: ignore[misc]
    assert "divmod" in repr(effect)


def test_a_quick_call_is_another_effect_and_stays_quick_when_pickled() -> None:
    quick = Call(divmod, 7, 2, quick=True)
    assert quick.quick
    assert not Call(divmod, 7, 2).quick
    assert quick != Call(divmod, 7, 2)
    assert hash(quick) == hash(Call(divmod, 7, 2, quick=True))
    copy = pickle.loads(pickle.dumps(quick))
    assert copy == quick
    assert copy.quick
    assert copy.run() == CallResult((3, 1))
    with pytest.raises(AttributeError):
        quick.quick = False  # type: ignore[misc]


def test_with_admit_is_replace_for_every_field() -> None:
    request = HttpRequest(
        "GET", "http://h/x", {"A": "b"}, 3.0, max_bytes=10, admit=None, ca_file="/ca.pem"
    )

    def admit() -> float:
        return 0.0

    copy = request.with_admit(admit)
    expected = dataclasses.replace(request, admit=admit)
    for field in dataclasses.fields(HttpRequest):
        assert getattr(copy, field.name) == getattr(expected, field.name), field.name
