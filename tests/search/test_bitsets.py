"""The bit sets searches run on: documents in and out, in order, a page at a time."""

from __future__ import annotations

import random

import pytest

from directory.projections.search.bitsets import BitSetCache, bits_of, docnums_of


@pytest.mark.parametrize("seed", range(20))
def test_a_page_of_a_set_is_a_slice_of_its_sorted_numbers(seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - reproducible cases, not secrets
    size = rng.choice([1, 7, 8, 9, 64, 1000, 100_000])
    docnums = sorted(rng.sample(range(size), rng.randint(0, min(size, 500))))
    bits = bits_of(docnums, size)
    assert bits.bit_count() == len(docnums)
    for _ in range(20):
        skip, count = rng.randint(0, len(docnums) + 2), rng.randint(1, 30)
        assert docnums_of(bits, skip, count) == docnums[skip : skip + count]


def test_an_empty_set() -> None:
    assert bits_of([], 10) == 0
    assert docnums_of(0, 0, 5) == []
    assert docnums_of(0, 3, 5) == []


def test_the_cache_drops_the_least_recently_used_beyond_its_limit() -> None:
    big = bits_of([80_000], 80_001)  # about 10 kB
    cache = BitSetCache(limit=25_000)
    cache.put(("a",), big)
    cache.put(("b",), big)
    assert cache.get(("a",)) == big  # now the most recently used
    cache.put(("c",), big)
    assert cache.get(("b",)) is None
    assert cache.get(("a",)) == big and cache.get(("c",)) == big
    assert cache.held <= 25_000
