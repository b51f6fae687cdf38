"""The answer judge: a cross-encoder that reads a question and a sentence together and says how
likely the sentence answers it, made by the project from the bundled MiniLM (`newsbot eval
judge`, `bench.judge`) and loaded from a directory when one is there.

The judge is exported to ONNX beside its weights when it is made; onnxruntime runs that file
(as the encoder does, torch never imported), and torch runs the weights where it cannot.

The judge's directory may hold a second cross-encoder, the picker (`PICKER_DIR`), made from the
judge by learning which sentence of the story that answers states the answer: the judge tells
an answer's story from a near miss's and rates most sentences of a story that answers alike,
so the picker, not the judge, chooses which of its sentences are quoted (`index.answer`).

A bi-encoder's cosine says a sentence is *about* the question's topic; a near miss ("how long
did sbf get" over stories of his trial and verdict) is about it too. Reading both at once, the
judge can see that no sentence states a sentence length. Its score is one more signal of the
decision to answer (`index.evidence`), weighted only where a judge is loaded.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from index.errors import NewsbotError

log = logging.getLogger(__name__)

__all__ = [
    "JUDGE_DIR",
    "ONNX_FILE",
    "PICKER_DIR",
    "Judge",
    "JudgeError",
    "Judgement",
    "encode_pairs",
    "judged_signal",
    "load_judge",
]

# Where a data directory keeps its judge (the settings may name another directory).
JUDGE_DIR = "judge"
# What `bench.judge` writes beside the weights: the base model, the questions, the training.
ABOUT_FILE = "judge.json"
ONNX_FILE = "model.onnx"
# Where a judge keeps its picker, inside its own directory.
PICKER_DIR = "picker"
MAX_TOKENS = 128  # question and sentence together, as trained

# How likely each of some sentences answers the question at hand.
Judgement = Callable[[Sequence[str]], Sequence[float]]

# The judge's likelihood enters the decision on a log scale: its doubt grows by decades
# (0.1, 0.01, …), which a linear rule over a probability flattens to nearly nothing. Chosen
# among the probability, its square root, its logit and its log by refitting, ad hoc, the
# signals `newsbot eval fit --judge` collected (five sentences, negatives drawn at random) with
# each one, each natural set held out in turn: near misses declined on average 0.488, 0.492,
# 0.514 and 0.539; out of scope 0.717, 0.720, 0.734 and 0.747; right answers kept ~0.93.
DOUBT_DECADES = 4


def judged_signal(probability: float) -> float:
    """The judge's likelihood as a signal in 0..1: 1 when sure the sentence answers, 0 at a
    ten-thousandth (`DOUBT_DECADES`) or less."""
    floor = 10.0**-DOUBT_DECADES
    return 1.0 + math.log10(max(probability, floor)) / DOUBT_DECADES


class JudgeError(NewsbotError):
    """A judge directory that cannot be loaded."""


class Judge:
    """A fine-tuned cross-encoder in `path` (a Hugging Face model directory with one output)."""

    def __init__(self, path: Path, threads: int | None = None) -> None:
        self.path = path
        self.threads = threads
        self.about: dict[str, Any] = _about(path)
        self.languages: tuple[str, ...] = tuple(self.about.get("languages", ("en",)))
        self._lock = threading.Lock()
        self._loaded: _OnnxJudge | _TorchJudge | None = None
        # The picker of the sentences to quote, where the judge's directory holds one; a
        # broken one is reported and left out (the answer then quotes as without one).
        self.picker: Judge | None = None
        try:
            self.picker = load_judge(path / PICKER_DIR, threads)
        except JudgeError as error:
            log.warning("%s; quoting without the picker", error)

    def warm_up(self) -> None:
        """Load the weights now rather than at the first question (the picker's too)."""
        self._model()
        if self.picker is not None:
            try:
                self.picker.warm_up()
            except JudgeError as error:
                log.warning("%s; quoting without the picker", error)
                self.picker = None

    @property
    def runtime(self) -> str:
        """What runs the judge: "onnx" or "torch" (known once loaded)."""
        return "onnx" if isinstance(self._model(), _OnnxJudge) else "torch"

    def _model(self) -> _OnnxJudge | _TorchJudge:
        with self._lock:
            if self._loaded is None:
                self._loaded = self._onnx() or _TorchJudge(self.path, self.threads)
            return self._loaded

    def _onnx(self) -> _OnnxJudge | None:
        """The ONNX export run by onnxruntime, or None where it cannot run here."""
        if not (self.path / ONNX_FILE).is_file():
            return None
        try:
            return _OnnxJudge(self.path, self.threads)
        except Exception as error:  # any failure (onnxruntime missing, a bad file): torch runs it
            log.warning("The answer judge's ONNX file cannot run (%s); torch runs it", error)
            return None

    def score(self, question: str, sentences: Sequence[str]) -> list[float]:
        """0..1 per sentence: how likely it answers `question`."""
        if not sentences:
            return []
        logits = self._model().logits(question, list(sentences))
        return [1.0 / (1.0 + math.exp(-value)) for value in logits]

    def judgement(self, question: str) -> Judgement:
        """The judge's scores of sentences against `question`."""
        return lambda sentences: self.score(question, sentences)


class _TorchJudge:
    """The weights, run by torch and transformers."""

    def __init__(self, path: Path, threads: int | None) -> None:
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        if threads:
            torch.set_num_threads(threads)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(path))
            self.model = AutoModelForSequenceClassification.from_pretrained(str(path)).eval()
        except (OSError, ValueError) as error:
            raise JudgeError(f"The answer judge in {path} cannot be loaded: {error}") from error

    def logits(self, question: str, sentences: list[str]) -> list[float]:
        import torch

        batch = encode_pairs(self.tokenizer, [question] * len(sentences), sentences)
        with torch.inference_mode():
            return [float(v) for v in self.model(**batch).logits.reshape(-1)]


class _OnnxJudge:
    """The ONNX export, run by onnxruntime with the `tokenizers` library (no torch)."""

    def __init__(self, path: Path, threads: int | None) -> None:
        from tokenizers import Tokenizer

        from index.embed_onnx import cpu_session

        self.session = cpu_session(path / ONNX_FILE, threads)
        self.inputs = [i.name for i in self.session.get_inputs()]
        tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding(pad_id=tokenizer.token_to_id("[PAD]") or 0)
        self.tokenizer = tokenizer

    def logits(self, question: str, sentences: list[str]) -> list[float]:
        import numpy as np

        encodings = self.tokenizer.encode_batch([(question, s) for s in sentences])
        feed = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        output = self.session.run(None, {k: v for k, v in feed.items() if k in self.inputs})[0]
        return [float(v) for v in np.asarray(output).reshape(-1)]


def encode_pairs(tokenizer: Any, questions: Sequence[str], sentences: Sequence[str]) -> Any:
    """Question and sentence pairs as the model's torch inputs, as the judge is trained."""
    return tokenizer(
        list(questions),
        list(sentences),
        padding=True,
        truncation=True,
        max_length=MAX_TOKENS,
        return_tensors="pt",
    )


def load_judge(path: Path, threads: int | None = None) -> Judge | None:
    """The judge kept in `path`, or None when there is none (the decision then goes without)."""
    if not (path / "config.json").is_file():
        return None
    return Judge(path, threads)


def _about(path: Path) -> dict[str, Any]:
    try:
        about = json.loads((path / ABOUT_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, json.JSONDecodeError) as error:
        raise JudgeError(f"{path / ABOUT_FILE} cannot be read: {error}") from error
    return about if isinstance(about, dict) else {}
