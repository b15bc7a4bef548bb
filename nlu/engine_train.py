"""Fitting the intent classifier and the BIO tagger with scikit-learn.

Imported only when a model has to be (re)built; the result is a plain `Model`.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from nlu.engine_augment import augment
from nlu.engine_entities import Analysis, PatternSet, analyse
from nlu.engine_model import Model, bio_transitions, tfidf_vector
from nlu.features import entity_features, intent_chars, intent_words, token_features
from nlu.training_data import Example, TrainingData

INTENT_C = 60.0
TAGGER_C = 4.0
AUGMENT_COPIES = 2
INTENT_NOISE = 0.2
ENTITY_FEATURE_VALUE = 0.3
"""Value of an entity-type feature in the second intent stage: small, so it must earn large weights
against the regulariser. Trained on gold types but fed predicted ones, it is best trusted a little
(4-fold cross-validation: 1.0 -> 75.5 %, 0.3 -> 77.8 %, text only 74.2 %)."""
SOLVER = "saga"
TOLERANCE = 3e-3
MAX_ITER = 500
START = "<s>"
TAGGER_MIN_COUNT = 2
"""Token features seen fewer times are dropped (mostly one-off conjunctions)."""


def _vocabulary(docs: Sequence[Iterable[str]]) -> tuple[dict[str, int], np.ndarray]:
    doc_freq = Counter(feat for feats in docs for feat in set(feats))
    kept = sorted(doc_freq)
    vocab = {feat: i for i, feat in enumerate(kept)}
    total = len(docs)
    idf = [math.log((1 + total) / (1 + doc_freq[f])) + 1.0 for f in kept]
    return vocab, np.asarray(idf, dtype=np.float64)


def _tfidf_matrix(docs: Sequence[list[str]], vocab: dict[str, int], idf: np.ndarray) -> sparse.csr_matrix:
    rows, cols, vals = [], [], []
    for row, feats in enumerate(docs):
        indices, values = tfidf_vector(feats, vocab, idf)
        rows.append(np.full(len(indices), row))
        cols.append(indices)
        vals.append(values)
    return sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(len(docs), len(vocab)),
        dtype=np.float64,
    )


def _fit(matrix: sparse.csr_matrix, labels: list[int], c: float, balanced: bool) -> tuple[np.ndarray, np.ndarray]:
    if len(set(labels)) < 2:
        classes = max(labels, default=0) + 1
        return np.zeros((matrix.shape[1], classes), np.float32), np.zeros(classes, np.float32)
    classifier = LogisticRegression(
        C=c,
        solver=SOLVER,
        tol=TOLERANCE,
        max_iter=MAX_ITER,
        random_state=0,
        class_weight="balanced" if balanced else None,
    )
    with warnings.catch_warnings():  # a loose tolerance is deliberate: it trains in seconds
        warnings.simplefilter("ignore", ConvergenceWarning)
        classifier.fit(matrix, labels)
    coef, bias = classifier.coef_, classifier.intercept_
    if coef.shape[0] == 1:  # two classes: sklearn keeps one row; softmax([0, z]) == sigmoid(z)
        coef, bias = np.vstack([np.zeros_like(coef), coef]), np.concatenate([[0.0], bias])
    return coef.T.astype(np.float32), bias.astype(np.float32)


def _intent_part(data: TrainingData, analyses: list[Analysis]) -> dict[str, object]:
    words = [intent_words(a.intent_words, a.intent_flags) for a in analyses]
    chars = [intent_chars(a.intent_words) for a in analyses]
    word_vocab, word_idf = _vocabulary(words)
    char_vocab, char_idf = _vocabulary(chars)
    matrix = sparse.hstack([_tfidf_matrix(words, word_vocab, word_idf), _tfidf_matrix(chars, char_vocab, char_idf)]).tocsr()
    intents = data.intents
    index = {name: i for i, name in enumerate(intents)}
    labels = [index[ex.intent] for ex in data.examples]
    coef, bias = _fit(matrix, labels, INTENT_C, True)
    # the second stage also reads the (gold, here) entity types
    entity_rows = [entity_features([s.entity for s in ex.entities]) for ex in data.examples]
    entity_vocab = {f: i for i, f in enumerate(sorted({f for row in entity_rows for f in row}))}
    rows = [i for i, row in enumerate(entity_rows) for _ in row]
    cols = [entity_vocab[f] for row in entity_rows for f in row]
    entities = sparse.csr_matrix((np.full(len(cols), ENTITY_FEATURE_VALUE), (rows, cols)), shape=(len(entity_rows), len(entity_vocab)))
    coef2, bias2 = _fit(sparse.hstack([matrix, entities]).tocsr(), labels, INTENT_C, True)
    coef2[matrix.shape[1] :] *= ENTITY_FEATURE_VALUE  # prediction then simply adds the rows of the types found
    return {
        "intents": intents,
        "word_vocab": word_vocab,
        "word_idf": word_idf,
        "char_vocab": char_vocab,
        "char_idf": char_idf,
        "intent_coef": coef,
        "intent_bias": bias,
        "entity_vocab": entity_vocab,
        "intent2_coef": coef2,
        "intent2_bias": bias2,
    }


def bio_labels(example: Example, analysis: Analysis, skip: set[str]) -> list[str]:
    """Gold BIO label of every token; entities in `skip` (regex ones) are left `O`."""
    labels = ["O"] * len(analysis.tokens)
    for span in example.entities:
        if span.entity in skip:
            continue
        inside = [i for i, (_, start, end) in enumerate(analysis.tokens) if start < span.end and end > span.start]
        for n, i in enumerate(inside):
            labels[i] = f"{'B' if n == 0 else 'I'}-{span.entity}"
    return labels


def _token_rows(examples: list[Example], patterns: PatternSet, skip: set[str]) -> tuple[list[list[str]], list[str]]:
    """Every token's features (with its gold previous label, as the MEMM needs) and gold label."""
    rows: list[list[str]] = []
    labels: list[str] = []
    for example in examples:
        analysis = analyse(example.text, patterns)
        words = [tok for tok, _, _ in analysis.tokens]
        gold = bio_labels(example, analysis, skip)
        for row, before in zip(token_features(words, analysis.token_flags, example.intent), [START, *gold], strict=False):
            if before not in ("O", START):  # only entity labels carry over; "after O" is the baseline
                row.append(f"prev={before}")
            rows.append(row)
        labels.extend(gold)
    return rows, labels


def _tagger_part(data: TrainingData, patterns: PatternSet) -> dict[str, object]:
    examples = data.examples + augment(data.examples, AUGMENT_COPIES, intent_noise=INTENT_NOISE)
    token_rows, token_labels = _token_rows(examples, patterns, skip=set(data.regexes))
    counts = Counter(f for row in token_rows for f in row)
    vocab = {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= TAGGER_MIN_COUNT or f == "b"))}
    rows = [i for i, feats in enumerate(token_rows) for f in feats if f in vocab]
    cols = [vocab[f] for feats in token_rows for f in feats if f in vocab]
    matrix = sparse.csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(len(token_rows), len(vocab)))
    labels = sorted(set(token_labels))
    index = {name: i for i, name in enumerate(labels)}
    coef, bias = _fit(matrix, [index[label] for label in token_labels], TAGGER_C, False)
    previous = np.stack([coef[vocab[f"prev={p}"]] if f"prev={p}" in vocab else np.zeros_like(bias) for p in [*labels, START]])
    coef = np.vstack([coef, np.zeros((1, coef.shape[1]), coef.dtype)])  # the row of unknown features
    return {
        "tag_labels": labels,
        "tag_vocab": vocab,
        "tag_coef": coef,
        "tag_bias": bias,
        "tag_previous": previous,
        "tag_transitions": bio_transitions(labels),
    }


def train_model(data: TrainingData, version: str) -> Model:
    """Fit both classifiers on `data` and export them as a numpy-only Model."""
    if len(data.intents) < 2:
        raise ValueError("training data needs at least two intents")
    patterns = PatternSet(data.regexes, data.lookups)
    analyses = [analyse(ex.text, patterns) for ex in data.examples]
    return Model(
        version=version,
        **_intent_part(data, analyses),  # type: ignore[arg-type]
        **_tagger_part(data, patterns),  # type: ignore[arg-type]
        regexes=data.regexes,
        lookups=data.lookups,
        synonyms=data.synonyms,
    )
