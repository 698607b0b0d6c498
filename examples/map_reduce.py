"""Word count as map-reduce: split a corpus into shards, count each shard, merge the counts.

It shows the three ways to fan out:

- a list comprehension over a *task output* whose length is only known at run time
  (``[count_words(s) for s in shards]``), collected into a list (fan-in), and
  ``[c.counts for c in counted]`` to select one field of a NamedTuple output per item;
- a ``for`` block that runs several steps per item, with at most four items at once
  (``for shard in parallel(shards, max=4):``);
- a nested fan-out: a ``for`` block over the keywords inside the loop over the shards.

The reduce step takes ``list[dict[str, int]]``; ``count_words`` is renamed with ``name=`` and
cached with a version string (bump it to invalidate old cache entries). ``tokenize`` and
``CORPUS`` are module-level helpers that flowc ships with the steps that use them.
"""

import re
from typing import NamedTuple

from flowc import flow, parallel, step

# A tiny stand-in for a document store: a few lines of text.
CORPUS = [
    "The quick brown fox.",
    "Jumps over the lazy dog!",
    "The dog barks.",
    "The fox runs away.",
    "A quick brown dog?",
    "Over and over again.",
]


def tokenize(text: str) -> list[str]:
    """Lower-case words without punctuation."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).split()


class ShardCount(NamedTuple):
    counts: dict[str, int]
    words: int


@step(retries=1)
def split_corpus(num_shards: int) -> list[str]:
    """Deal the lines round-robin into ``num_shards`` shards of text."""
    return ["\n".join(CORPUS[i::num_shards]) for i in range(num_shards)]


@step(name="count_shard", cache="v2")
def count_words(shard: str) -> ShardCount:
    counts: dict[str, int] = {}
    for word in tokenize(shard):
        counts[word] = counts.get(word, 0) + 1
    return ShardCount(counts=dict(sorted(counts.items())), words=sum(counts.values()))


@step
def merge_counts(partials: list[dict[str, int]]) -> dict[str, int]:
    """The reduce: add up the per-shard counts."""
    totals: dict[str, int] = {}
    for part in partials:
        for word, n in part.items():
            # int(): some engines hand collected numbers back as floats
            totals[word] = totals.get(word, 0) + int(n)
    return dict(sorted(totals.items()))


@step
def add_up(numbers: list[int]) -> int:
    return sum(int(n) for n in numbers)


@step
def top_words(totals: dict[str, int], k: int = 3) -> list[str]:
    """The ``k`` most frequent words, ties broken alphabetically."""
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    return [word for word, _ in ranked[:k]]


@step
def normalize(shard: str) -> str:
    return " ".join(tokenize(shard))


@step
def count_keyword(text: str, keyword: str) -> int:
    return text.split().count(keyword)


@step
def report_hits(keyword: str, hits: int, text: str) -> None:
    head = " ".join(text.split()[:3])
    print(f"{keyword}: {hits} in '{head} ...'")


@flow
def word_count(
    num_shards: int = 3,
    k: int = 3,
    keywords: list[str] = ["fox", "dog"],
) -> tuple[list[str], int]:
    """Count the words of the corpus; return the top ``k`` words and the number of words."""
    shards = split_corpus(num_shards)

    # map: one task per shard; the number of shards is known only at run time
    counted = [count_words(s) for s in shards]
    # select one field of each result ...
    partials = [c.counts for c in counted]
    sizes = [c.words for c in counted]
    # ... and reduce
    totals = merge_counts(partials)
    total_words = add_up(sizes)
    top = top_words(totals, k=k)

    # several steps per shard, four shards at a time, with a nested fan-out per keyword
    for shard in parallel(shards, max=4):
        text = normalize(shard)
        for keyword in keywords:
            hits = count_keyword(text, keyword)
            report_hits(keyword, hits, text)

    return (top, total_words)
