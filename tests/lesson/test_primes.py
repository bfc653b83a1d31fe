"""The lecture's prime generator, and the fast stream giving exactly its sequence."""

from __future__ import annotations

import inspect
from itertools import islice

import speedlab
import speedlab.primes
from speedlab.lesson import primes as lesson_primes
from speedlab.lesson.primes import naive_prime_stream, prime_stream
from tests.primes._reference import plain_sieve


def test_naive_prime_stream_is_the_lectures_infinite_generator() -> None:
    stream = naive_prime_stream()
    assert inspect.isgenerator(stream)
    assert list(islice(stream, 1000)) == plain_sieve(7920)  # 7919 is the 1000th prime


def test_prime_stream_equals_the_naive_stream() -> None:
    # 30,000 primes take the lecture's stream half a second; longer runs, across many segments,
    # are compared with a textbook sieve in tests/primes.
    naive = list(islice(naive_prime_stream(), 30_000))
    assert list(islice(prime_stream(), 30_000)) == naive


def test_the_lesson_re_exports_the_fast_stream_unchanged() -> None:
    # Every name that lived in speedlab.lesson.primes is still importable from there, and is
    # the very object of speedlab.primes (one implementation, two addresses).
    for name in lesson_primes.__all__:
        if name != "naive_prime_stream":
            assert getattr(lesson_primes, name) is getattr(speedlab.primes, name), name
    for name in ("is_prime", "prime_stream", "PrimeSieve", "first_primes", "primes_below"):
        assert getattr(speedlab, name) is getattr(speedlab.primes, name), name
    assert speedlab.naive_prime_stream is naive_prime_stream
