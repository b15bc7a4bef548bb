"""The trained model as plain numpy arrays, and the arithmetic that applies it.

Nothing here imports scikit-learn: training (in `engine_train`) exports the fitted
coefficients, so loading a cached model costs a pickle read and numpy.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from nlu.features import context_features, entity_features, intent_chars, intent_words, word_features


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
    entity_vocab: dict[str, int]
    """Entity-type feature to column (after the word and char columns) of the second stage."""
    intent2_coef: np.ndarray
    """Second stage: (word + char + entity-type columns) x intents weights."""
    intent2_bias: np.ndarray
    """Second stage per-intent intercept."""
    tag_labels: list[str]
    """BIO labels: `O`, `B-person`, `I-person`, ..."""
    tag_vocab: dict[str, int]
    """Token feature to row of `tag_coef`."""
    tag_coef: np.ndarray
    """Token features x labels weights, plus a last all-zero row for unknown features."""
    tag_bias: np.ndarray
    """Per-label intercept."""
    tag_previous: np.ndarray
    """(labels + start) x labels: weight of the previous token's label on this one's."""
    tag_transitions: np.ndarray
    """labels x labels: 0 where a BIO transition is allowed, -inf where not."""
    regexes: dict[str, list[str]]
    """Regex entity patterns from the training file."""
    lookups: dict[str, list[str]]
    """Lookup tables from the training file."""
    synonyms: dict[str, dict[str, str]]
    """Entity type (`""` for any) to lower-cased surface text to canonical value."""


CACHE_LIMIT = 50_000
"""Words whose feature columns a FeatureCache keeps before it starts afresh."""


class Runtime:
    """What prediction derives from a model once: tagger constants, and per-word feature columns
    (most words of a message were seen before)."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.chars: dict[str, tuple[int, ...]] = {}
        self.tokens: dict[str, tuple[int, ...]] = {}
        previous = model.tag_previous
        self.chain = previous + model.tag_transitions
        self.previous_max = previous.max(axis=1)
        self.previous_exp_t = np.exp(previous - self.previous_max[:, None]).T
        self.label_columns = np.arange(len(model.tag_labels))

    def char_columns(self, word: str) -> tuple[int, ...]:
        """Columns of a normalised word's character n-grams (known ones only)."""
        hit = self.chars.get(word)
        if hit is None:
            get = self.model.char_vocab.get
            hit = self.chars[word] = tuple(c for c in map(get, intent_chars([word])) if c is not None)
            if len(self.chars) > CACHE_LIMIT:
                self.chars.clear()
        return hit

    def token_rows(self, word: str) -> tuple[int, ...]:
        """Rows of `tag_coef` for a token's own features (unknown ones: the zero row)."""
        hit = self.tokens.get(word)
        if hit is None:
            get, unknown = self.model.tag_vocab.get, len(self.model.tag_coef) - 1
            hit = self.tokens[word] = tuple(get(f, unknown) for f in word_features(word))
            if len(self.tokens) > CACHE_LIMIT:
                self.tokens.clear()
        return hit


def tfidf_vector(feats: Iterable[str], vocab: dict[str, int], idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Columns and l2-normalised sublinear tf-idf weights of the features known to `vocab`."""
    counts = Counter(map(vocab.get, feats))
    counts.pop(None, None)
    return _tfidf(counts, idf)


def _tfidf(counts: Counter[int | None], idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if not counts:
        return np.empty(0, np.intp), np.empty(0, np.float64)
    columns = np.fromiter(counts.keys(), np.intp, len(counts))
    values = (1.0 + np.log(np.fromiter(counts.values(), np.float64, len(counts)))) * idf[columns]
    return columns, values / np.sqrt(values @ values)


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    probs: np.ndarray = shifted / shifted.sum(axis=-1, keepdims=True)
    return probs


def text_vector(model: Model, words: Sequence[str], flags: Sequence[str], runtime: Runtime) -> tuple[np.ndarray, np.ndarray]:
    """Columns and values of a text's word and character features (both stages share them)."""
    word_idx, word_val = tfidf_vector(intent_words(words, flags), model.word_vocab, model.word_idf)
    chars: Counter[int | None] = Counter()
    for word in words:
        chars.update(runtime.char_columns(word))
    char_idx, char_val = _tfidf(chars, model.char_idf)
    indices = np.concatenate([word_idx, char_idx + len(model.word_idf)])
    return indices, np.concatenate([word_val, char_val]).astype(np.float32)


def intent_probabilities(model: Model, vector: tuple[np.ndarray, np.ndarray], entity_types: Sequence[str] | None = None) -> np.ndarray:
    """Probability of every intent: from the text alone, or (second stage) with its entities' types."""
    indices, values = vector
    if entity_types is None:
        return _softmax(values @ model.intent_coef[indices] + model.intent_bias)
    offset = len(model.word_idf) + len(model.char_idf)
    extra = [offset + model.entity_vocab[f] for f in entity_features(entity_types) if f in model.entity_vocab]
    logits = values @ model.intent2_coef[indices] + model.intent2_coef[extra].sum(axis=0) + model.intent2_bias
    return _softmax(logits)


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


def tag_tokens(
    model: Model, words: Sequence[str], flags: Sequence[Sequence[str]], intent: str, runtime: Runtime
) -> list[tuple[str, float]]:
    """The best BIO label sequence with each label's probability.

    A maximum-entropy Markov model: P(label | previous label, features) is a softmax of
    the token's feature scores plus the previous label's weights; Viterbi finds the
    best path among the allowed BIO transitions.
    """
    if not words:
        return []
    unknown = len(model.tag_coef) - 1
    get = model.tag_vocab.get
    indices: list[int] = []
    starts: list[int] = []
    for word, context in zip(words, context_features(words, flags, intent), strict=True):
        starts.append(len(indices))
        indices += runtime.token_rows(word)
        indices += [get(f, unknown) for f in context]
    logits = np.add.reduceat(model.tag_coef[indices], starts, axis=0) + model.tag_bias
    # log of the softmax normaliser for every (token, previous label), without a 3-D array
    token_max = logits.max(axis=1)
    norm = np.exp(logits - token_max[:, None]) @ runtime.previous_exp_t
    log_norm = np.log(norm) + token_max[:, None] + runtime.previous_max[None, :]
    path = _viterbi(logits, log_norm, runtime.chain, runtime.label_columns)
    before = [len(model.tag_labels), *path[:-1]]
    steps = np.arange(len(path))
    sure = np.exp(logits[steps, path] + model.tag_previous[before, path] - log_norm[steps, before])
    return [(model.tag_labels[label], float(p)) for label, p in zip(path, sure, strict=True)]


def _viterbi(logits: np.ndarray, log_norm: np.ndarray, chain: np.ndarray, columns: np.ndarray) -> list[int]:
    """Best path where log P(label_t | previous) = logits[t] + chain[previous] - log_norm[t, previous].

    The last row of `chain` and column of `log_norm` stand for the start of the text.
    """
    score = logits[0] + chain[-1] - log_norm[0, -1]
    back = np.zeros(logits.shape, dtype=np.intp)
    body = chain[:-1]
    for t in range(1, len(logits)):
        total = (score - log_norm[t, :-1])[:, None] + body
        back[t] = total.argmax(axis=0)
        score = total[back[t], columns] + logits[t]
    best = [int(score.argmax())]
    for t in range(len(logits) - 1, 0, -1):
        best.append(int(back[t, best[-1]]))
    return best[::-1]
