"""The embedded NLU engine: Rasa's `/model/parse` JSON from a locally trained model.

`Engine.load()` trains from `nlu/data/nlu.yml` (or reads the pickled model cached for
exactly that file), `engine.parse(text)` answers in Rasa's shape, and `get_engine()`
gives the process-wide parser: this engine, or a client of a Rasa server when
`RASA_URL` is set.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from nlu.engine_entities import (
    REGEX_EXTRACTOR,
    TAGGER_EXTRACTOR,
    Analysis,
    Found,
    PatternSet,
    analyse,
    canonical_value,
    select,
    unambiguous,
)
from nlu.engine_model import Model, Runtime, intent_probabilities, tag_tokens, text_vector
from nlu.features import MAX_CHARS, normal_word
from nlu.training_data import DEFAULT_DATA_PATH, Span, parse_training_yaml

ENGINE_VERSION = "1"
RANKING_SIZE = 10
KEEP_CACHED = 4
GIBBERISH_MAX = 0.4
"""Input with no known word whose best intent is less sure than this is out of scope..."""
GIBBERISH_KEEP = 0.1
"""...keeping this share of probability for the classifier's ranking."""
_MODEL_SOURCES = (
    "engine_train.py",
    "engine_augment.py",
    "engine_model.py",
    "engine_entities.py",
    "features.py",
    "training_data.py",
)

log = logging.getLogger(__name__)


class Parser(Protocol):
    """Anything that answers like Rasa's `/model/parse`."""

    def parse(self, text: str) -> dict[str, Any]: ...


def default_cache_dir() -> Path:
    configured = os.environ.get("CONCIERGE_CACHE_DIR")
    return Path(configured) if configured else Path.home() / ".cache" / "concierge"


def _engine_fingerprint() -> bytes:
    """The engine version and the code that shapes a model: editing either retrains."""
    here = Path(__file__).parent
    digest = hashlib.sha256(ENGINE_VERSION.encode())
    for name in _MODEL_SOURCES:
        try:
            digest.update((here / name).read_bytes())
        except OSError:  # installed without sources: the version alone decides
            digest.update(name.encode())
    return digest.digest()


def cache_file(content: bytes, directory: str | Path | None = None) -> Path:
    """Where the model trained from `content` (by this engine) is kept."""
    digest = hashlib.sha256(content + b"\0engine-" + _engine_fingerprint()).hexdigest()
    return Path(directory or default_cache_dir()) / f"nlu-{digest}.pkl"


def _read_cache(path: Path) -> Model | None:
    try:
        with path.open("rb") as handle:
            model = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a corrupt or foreign pickle can raise almost anything
        log.warning("ignoring unreadable NLU cache %s: %s", path, exc)
        return None
    if isinstance(model, Model) and model.version == ENGINE_VERSION:
        return model
    log.warning("ignoring NLU cache %s built by another engine", path)
    return None


def _write_cache(path: Path, model: Model) -> None:
    """Write atomically: a reader sees the old file, or the whole new one."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(model, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.warning("could not cache the NLU model at %s: %s", path, exc)
        return
    _prune(path.parent)


def _prune(directory: Path) -> None:
    """Keep the few newest models of a cache folder; older data or code left the rest behind."""
    try:
        models = sorted(directory.glob("nlu-*.pkl"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in models[KEEP_CACHED:]:
            stale.unlink(missing_ok=True)
            stale.with_suffix(".lock").unlink(missing_ok=True)
    except OSError as exc:  # another process pruning at the same time, or a read-only folder
        log.debug("could not prune %s: %s", directory, exc)


@contextmanager
def _training_lock(target: Path) -> Iterator[None]:
    """An exclusive lock beside the cache file; without one (no fcntl, read-only dir) go on unlocked."""
    try:
        import fcntl

        target.parent.mkdir(parents=True, exist_ok=True)
        handle = open(target.with_suffix(".lock"), "a")  # noqa: SIM115 - held across the yield
    except (ImportError, OSError):
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _train(content: bytes) -> Model:
    from nlu.engine_train import train_model  # sklearn is imported only to train

    return train_model(parse_training_yaml(content.decode("utf-8")), ENGINE_VERSION)


class Engine:
    """Intent classifier plus entity extractors, answering like Rasa's `/model/parse`."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.patterns = PatternSet(model.regexes, model.lookups)
        self.runtime = Runtime(model)
        intents = model.intents
        self._out_of_scope = intents.index("out_of_scope") if "out_of_scope" in intents else None

    @classmethod
    def load(cls, data_path: str | Path | None = None, cache_dir: str | Path | None = None, *, retrain: bool = False) -> Engine:
        """The engine for a training file: from the cache when it matches, else trained now."""
        content = Path(data_path or DEFAULT_DATA_PATH).read_bytes()
        target = cache_file(content, cache_dir)
        model = None if retrain else _read_cache(target)
        if model is None:
            with _training_lock(target):  # parallel processes train once, the others wait and read
                model = None if retrain else _read_cache(target)
                if model is None:
                    log.info("training the NLU model from %s", data_path or DEFAULT_DATA_PATH)
                    model = _train(content)
                    _write_cache(target, model)
        return cls(model)

    def parse(self, text: str) -> dict[str, Any]:
        """Intent, entities and intent ranking of one message, in Rasa's JSON shape."""
        if not isinstance(text, str):
            text = "" if text is None else str(text)
        if not text.strip():
            return {"text": text, "intent": {"name": None, "confidence": 0.0}, "entities": [], "intent_ranking": []}
        analysis = analyse(text[:MAX_CHARS], self.patterns)
        vector = text_vector(self.model, analysis.intent_words, analysis.intent_flags, self.runtime)
        guess = self.model.intents[int(intent_probabilities(self.model, vector).argmax())]
        found = self._found(text, analysis, guess)
        probs = intent_probabilities(self.model, vector, [f.span.entity for f in found])
        if self._out_of_scope is not None and probs.max() < GIBBERISH_MAX and self._unrecognisable(analysis):
            probs = GIBBERISH_KEEP * probs
            probs[self._out_of_scope] += 1.0 - GIBBERISH_KEEP
        order = probs.argsort()[::-1][:RANKING_SIZE].tolist()
        confidences = probs.tolist()
        ranking = [{"name": self.model.intents[i], "confidence": confidences[i]} for i in order]
        if ranking[0]["name"] != guess:  # the tagger reads the intent: tag again with the final one
            found = self._found(text, analysis, ranking[0]["name"])
        return {"text": text, "intent": dict(ranking[0]), "entities": self._as_json(found), "intent_ranking": ranking}

    def _unrecognisable(self, analysis: Analysis) -> bool:
        """No known word, no name-like or numbered token, no regex entity: junk like `zxcvbnm`."""
        if analysis.regex_spans:
            return False
        for token, _, _ in analysis.tokens:
            if token[:1].isupper() or any(c.isdigit() for c in token):
                return False
            if token.isalnum() and normal_word(token) in self.model.word_vocab:
                return False
        return True

    def _found(self, text: str, analysis: Analysis, intent: str) -> list[Found]:
        """Entities, overlaps settled: regexes first, then the tagger, then unambiguous lookups."""
        rules = [Found(span, 1.0, REGEX_EXTRACTOR) for span in analysis.regex_spans]
        lookups = [Found(span, 1.0, REGEX_EXTRACTOR) for span in unambiguous(analysis.lookup_spans)]
        return select([rules, self._tagged(text, analysis, intent), lookups])

    def _as_json(self, chosen: list[Found]) -> list[dict[str, Any]]:
        synonyms = self.model.synonyms
        return [
            {
                "entity": f.span.entity,
                "start": f.span.start,
                "end": f.span.end,
                "value": canonical_value(f.span.entity, f.span.value, synonyms),
                "confidence": round(f.confidence, 4),
                "extractor": f.extractor,
            }
            for f in chosen
        ]

    def _tagged(self, text: str, analysis: Analysis, intent: str) -> list[Found]:
        tokens = analysis.tokens
        labels = tag_tokens(self.model, [t for t, _, _ in tokens], analysis.token_flags, intent, self.runtime)
        found: list[Found] = []
        current: list[int] = []

        def close() -> None:
            if current:
                first, last = tokens[current[0]], tokens[current[-1]]
                entity = labels[current[0]][0][2:]
                confidence = sum(labels[i][1] for i in current) / len(current)
                span = Span(first[1], last[2], entity, text[first[1] : last[2]])
                found.append(Found(span, confidence, TAGGER_EXTRACTOR))
                current.clear()

        for i, (label, _) in enumerate(labels):
            if label.startswith("I-") and current:
                current.append(i)
                continue
            close()
            if label.startswith("B-"):
                current.append(i)
        close()
        return join_name_parts(text, found)


_NAMED = frozenset({"person", "name"})
_NAME_TAIL = re.compile(r"[-'\u2019](?![sS]\b)[^\W\d_]{2,}")
"""The rest of a hyphenated or apostrophe name ("-Obi", "'Neil"), not a possessive "'s"."""


def join_name_parts(text: str, found: list[Found]) -> list[Found]:
    """A name the tokenizer split at a hyphen or an apostrophe ("Okeke-Obi", "O'Neil") is one name."""
    joined: list[Found] = []
    for item in found:
        span = item.span
        if span.entity in _NAMED:
            while tail := _NAME_TAIL.match(text, span.end):
                span = Span(span.start, tail.end(), span.entity, text[span.start : tail.end()])
        previous = joined[-1] if joined else None
        if previous is not None and previous.span.end > span.start:  # a part already taken into the name before it
            if span.entity == previous.span.entity and span.end > previous.span.end:  # "Jean" "-Luc" + "Luc Picard"
                first = previous.span.start
                joined[-1] = Found(Span(first, span.end, span.entity, text[first : span.end]), previous.confidence, previous.extractor)
            continue
        joined.append(Found(span, item.confidence, item.extractor) if span is not item.span else item)
    return joined


_lock = threading.RLock()
_engine: Engine | None = None
_parser: Parser | None = None


def embedded_engine() -> Engine:
    """The process-wide embedded engine, loaded on first use."""
    global _engine
    with _lock:
        if _engine is None:
            _engine = Engine.load()
        return _engine


def get_engine() -> Parser:
    """The parser to use: a Rasa server's client when `RASA_URL` is set, else the embedded engine."""
    global _parser
    with _lock:
        if _parser is None:
            url = os.environ.get("RASA_URL")
            if url:
                from nlu.rasa_client import RasaClient

                _parser = RasaClient(url, fallback=embedded_engine)
            else:
                _parser = embedded_engine()
        return _parser
