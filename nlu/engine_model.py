"""The trained model as plain numpy arrays, and the arithmetic that applies it.

Nothing here imports scikit-learn: training (in `engine_train`) exports the fitted
coefficients, so loading a cached model costs a pickle read and numpy.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from nlu.features import intent_chars, intent_words, token_features


@dataclass(slots=True)
class Model:
    """A trained intent classifier and BIO tagger, plus the rules they were trained with."""

    version: str
    """Engine version that built it; another version is rebuilt, not reused."""
    intents: list[str]
    """Intent names, in the classifier's column order."""
    word_vocab: dict[str, int]
    """Word n-gram to column."""
    word_idf: np.ndarray
    """Inverse document frequency of each word column."""
    char_vocab: dict[str, int]
    """Character n-gram to column (after the word columns)."""
    char_idf: np.ndarray
    """Inverse document frequency of each character column."""
    intent_coef: np.ndarray
    """(word + char columns) x intents weights."""
    intent_bias: np.ndarray
    """Per-intent intercept."""
    tag_labels: list[str]
    """BIO labels: `O`, `B-person`, `I-person`, ..."""
    tag_vocab: dict[str, int]
    """Token feature to row of `tag_coef`."""
    tag_coef: np.ndarray
    """Token features x labels weights, plus a last all-zero row for unknown features."""
    tag_bias: np.ndarray
    """Per-label intercept."""
    tag_transitions: np.ndarray
    """labels x labels: 0 where a BIO transition is allowed, -inf where not."""
    regexes: dict[str, list[str]]
    """Regex entity patterns from the training file."""
    lookups: dict[str, list[str]]
    """Lookup tables from the training file."""
    synonyms: dict[str, dict[str, str]]
    """Entity type (`""` for any) to lower-cased surface text to canonical value."""


def tfidf_vector(feats: Iterable[str], vocab: dict[str, int], idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Columns and l2-normalised sublinear tf-idf weights of the features known to `vocab`."""
    counts = Counter(map(vocab.get, feats))
    counts.pop(None, None)
    if not counts:
        return np.empty(0, np.intp), np.empty(0, np.float64)
    columns = np.fromiter(counts.keys(), np.intp, len(counts))
    values = (1.0 + np.log(np.fromiter(counts.values(), np.float64, len(counts)))) * idf[columns]
    return columns, values / np.sqrt(values @ values)


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def intent_probabilities(model: Model, text: str, flags: Sequence[str]) -> np.ndarray:
    """Probability of every intent for an already-normalised text."""
    word_idx, word_val = tfidf_vector(intent_words(text, flags), model.word_vocab, model.word_idf)
    char_idx, char_val = tfidf_vector(intent_chars(text), model.char_vocab, model.char_idf)
    indices = np.concatenate([word_idx, char_idx + len(model.word_idf)])
    values = np.concatenate([word_val, char_val]).astype(np.float32)
    return _softmax(values @ model.intent_coef[indices] + model.intent_bias)


def bio_transitions(labels: Sequence[str]) -> np.ndarray:
    """Allowed label bigrams: `I-x` only after `B-x` or `I-x`; row -1 is the start."""
    size = len(labels)
    allowed = np.zeros((size + 1, size), dtype=np.float32)
    for cur, label in enumerate(labels):
        if not label.startswith("I-"):
            continue
        entity = label[2:]
        for prev in range(size + 1):
            ok = prev < size and labels[prev] in (f"B-{entity}", f"I-{entity}")
            if not ok:
                allowed[prev, cur] = -np.inf
    return allowed


def tag_tokens(model: Model, words: Sequence[str], flags: Sequence[Sequence[str]], intent: str) -> list[tuple[str, float]]:
    """The best BIO label sequence (constrained Viterbi) with each label's probability."""
    if not words:
        return []
    unknown = len(model.tag_coef) - 1
    get = model.tag_vocab.get
    rows = token_features(words, flags, intent)
    starts = np.cumsum([0] + [len(row) for row in rows[:-1]])
    indices = [get(f, unknown) for row in rows for f in row]
    logits = np.add.reduceat(model.tag_coef[indices], starts, axis=0) + model.tag_bias
    probs = _softmax(logits)
    path = _viterbi(np.log(probs + 1e-12), model.tag_transitions)
    return [(model.tag_labels[label], float(probs[t, label])) for t, label in enumerate(path)]


def _viterbi(logp: np.ndarray, transitions: np.ndarray) -> list[int]:
    greedy = logp.argmax(axis=1)
    previous = np.concatenate([[-1], greedy[:-1]])
    if np.isfinite(transitions[previous, greedy]).all():
        return [int(label) for label in greedy]  # already allowed, so it is the best allowed path
    steps, size = logp.shape
    score = transitions[-1] + logp[0]
    back = np.zeros((steps, size), dtype=np.intp)
    body = transitions[:-1]
    for t in range(1, steps):
        total = score[:, None] + body
        back[t] = total.argmax(axis=0)
        score = total.max(axis=0) + logp[t]
    best = [int(score.argmax())]
    for t in range(steps - 1, 0, -1):
        best.append(int(back[t, best[-1]]))
    return best[::-1]
