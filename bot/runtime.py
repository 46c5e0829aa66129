"""ONNX Runtime inference for the transformer encoders (the intent network and the sentence encoder).

On this 2-core CPU, ONNX Runtime runs the e5-small encoder for one short message in about 5.5 ms,
where PyTorch eager takes about 17 ms (Python dispatch dominates a 12-layer model at ~15 tokens).
The export is plain fp32, so scores agree with PyTorch to about 1e-5: ``export_onnx`` checks that
on sample texts before it writes anything. ``quantize_int8`` makes a graph about twice as fast
again on this CPU, but it cost the intent model 0.18 points of accuracy, so the shipped graphs
are fp32 (``quantize_int8`` in models/intent/config.yaml turns it on for the intent model).

Two pieces:

* ``export_onnx(module, tokenizer, path)`` traces a module called with ``input_ids`` and
  ``attention_mask`` that returns a float tensor (or a transformers ``ModelOutput``, whose first
  field is taken: the logits), with dynamic batch and sequence axes.
* ``OnnxEncoder`` tokenises, batches texts of similar length together (padding is wasted work),
  runs the session and returns the rows in the caller's order. ``encode`` mirrors the part of
  ``SentenceTransformer.encode`` that this project uses, so it is a drop-in sentence encoder.

``FINBOT_INFERENCE_RUNTIME=torch`` switches every component back to PyTorch.
"""

from __future__ import annotations

import threading
import warnings
from pathlib import Path

import numpy as np

INPUT_NAMES = ("input_ids", "attention_mask")
OPSET = 17
# Padded tokens per batch: attention grows with the square of the length, and 64 passages of 512
# tokens run at half the speed of 8 (law articles: 10 against 21 passages/s on this CPU).
TOKEN_BUDGET = 4096
EXPORT_TOLERANCE = 1e-3  # largest absolute difference from PyTorch accepted on the check texts
CHECK_TEXTS = ["我想提前还款怎么操作", "借款年化利率是多少呀？", "有人打電話說我校園貸沒註銷要我轉賬", "ok", "额度" * 40]


class ExportError(RuntimeError):
    """The exported graph does not reproduce the PyTorch module."""


def _session(path: Path, threads: int):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Worker threads spin between runs: it saves about 2 ms a message on two threads (the command
    # line, evaluations). The web service runs each model on one thread (``serve_threads``), where
    # there are no workers: spinning ones would starve the other model and the server of cores.
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if threads > 1 else "0")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def export_onnx(module, tokenizer, path: Path, output_name: str, max_length: int = 512) -> float:
    """Write ``module`` as an ONNX graph to ``path`` and return its largest difference from PyTorch
    on ``CHECK_TEXTS`` (raises ``ExportError`` above ``EXPORT_TOLERANCE``)."""
    import torch

    class _Inputs(torch.nn.Module):  # the graph takes exactly input_ids and attention_mask
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            out = self.inner(input_ids=input_ids, attention_mask=attention_mask)
            return out if isinstance(out, torch.Tensor) else out[0]  # a transformers ModelOutput: its first field

    wrapper = _Inputs(module).eval()  # eval: an exported training-mode graph keeps its dropout
    example = tokenizer(CHECK_TEXTS[:2], padding=True, return_tensors="pt")
    path.parent.mkdir(parents=True, exist_ok=True)
    axes = {name: {0: "batch", 1: "sequence"} for name in INPUT_NAMES}
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about Python control flow; the check below is what counts
        torch.onnx.export(wrapper, (example["input_ids"], example["attention_mask"]), str(path),
                          input_names=list(INPUT_NAMES), output_names=[output_name],
                          dynamic_axes={**axes, output_name: {0: "batch"}}, opset_version=OPSET, dynamo=False)
        batch = tokenizer(CHECK_TEXTS, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
        expected = wrapper(batch["input_ids"], batch["attention_mask"]).float().numpy()
    got = _session(path, threads=1).run(None, {name: batch[name].numpy().astype(np.int64) for name in INPUT_NAMES})[0]
    difference = float(np.abs(got - expected).max())
    if difference > EXPORT_TOLERANCE:
        path.unlink(missing_ok=True)
        raise ExportError(f"the ONNX graph differs from PyTorch by {difference:.2e} (tolerance {EXPORT_TOLERANCE})")
    return difference


def quantize_int8(source: Path, target: Path) -> None:
    """Dynamic int8 quantisation of the graph's matrix multiplications (weights per output channel,
    activations quantised on the fly). On this CPU it runs the intent network in about 4 ms instead
    of 9 ms on one thread; ``eval/bench_intent.py own`` reports the accuracy as shipped."""
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # quantize_dynamic logs advice to pre-process the graph first
    try:
        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul"])
    finally:
        root.setLevel(level)


class _Request:
    """Texts waiting for the encoder, and what came back for them."""

    def __init__(self, texts: list[str]):
        self.texts = texts
        self.done = False
        self.rows: np.ndarray | None = None
        self.error: BaseException | None = None


class OnnxEncoder:
    """An exported encoder graph with its tokenizer: texts in, one float row per text out.

    Thread-safe, and it batches concurrent callers: the web service answers many customers at
    once, and running their messages one by one in parallel would make the threads fight over the
    two cores. Instead one thread at a time runs the session; a caller that arrives while it runs
    waits, and the next run takes every waiting caller's texts as one batch. An idle encoder adds
    no delay, and a busy one gets the throughput of batched inference."""

    def __init__(self, path: Path, tokenizer, threads: int = 2, max_length: int = 512,
                 prompts: dict[str, str] | None = None):
        self.session = _session(Path(path), threads)
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.prompts = prompts or {}  # prompt name → prefix, as in SentenceTransformer ("query" → "query: ")
        self._running = threading.Lock()  # held while the session runs
        self._queue = threading.Lock()  # guards _waiting
        self._waiting: list[_Request] = []

    def run(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        """One output row per text, in order."""
        if not texts:
            return np.zeros((0, self.session.get_outputs()[0].shape[-1]), dtype=np.float32)
        if progress or len(texts) >= batch_size:  # a bulk job: nothing to gain from joining others
            with self._running:
                return self._run(list(texts), batch_size, progress)
        request = _Request(list(texts))
        with self._queue:
            self._waiting.append(request)
        with self._running:
            if not request.done:  # no earlier run took it: run everything waiting, this one included
                with self._queue:
                    batch, self._waiting = self._waiting, []
                try:
                    rows = self._run([t for r in batch for t in r.texts], batch_size, False)
                except Exception:  # one caller's bad input must not fail the others: run them one by one
                    for r in batch:
                        try:
                            r.rows = self._run(r.texts, batch_size, False)
                        except Exception as exc:
                            r.error = exc
                        r.done = True
                else:
                    start = 0
                    for r in batch:
                        r.done, r.rows = True, rows[start : start + len(r.texts)]
                        start += len(r.texts)
        if request.error is not None:
            raise request.error
        return request.rows

    def _run(self, texts: list[str], batch_size: int, progress: bool) -> np.ndarray:
        """Tokenise and run in batches of similar token length (less padding), rows in input order."""
        ids = self.tokenizer(list(texts), truncation=True, max_length=self.max_length)["input_ids"]
        order = [int(i) for i in np.argsort([len(row) for row in ids], kind="stable")]
        out: list[np.ndarray] = [None] * len(texts)  # type: ignore[list-item]
        batches, start = [], 0
        while start < len(order):  # at most batch_size texts and TOKEN_BUDGET padded tokens a batch
            end = start + 1
            while end < len(order) and end - start < batch_size and (end - start + 1) * len(ids[order[end]]) <= TOKEN_BUDGET:
                end += 1
            batches.append(order[start:end])
            start = end
        if progress:
            from tqdm import tqdm

            batches = tqdm(batches, desc="encoding", unit="batch")
        for chosen in batches:
            width = max(len(ids[i]) for i in chosen)
            input_ids = np.full((len(chosen), width), self.tokenizer.pad_token_id or 0, dtype=np.int64)
            mask = np.zeros((len(chosen), width), dtype=np.int64)
            for row, i in enumerate(chosen):
                input_ids[row, : len(ids[i])] = ids[i]
                mask[row, : len(ids[i])] = 1
            result = self.session.run(None, {"input_ids": input_ids, "attention_mask": mask})[0]
            for row, i in enumerate(chosen):
                out[i] = result[row]
        return np.stack(out).astype(np.float32)

    def encode(self, sentences, batch_size: int = 64, normalize_embeddings: bool = True,
               show_progress_bar: bool = False, prompt_name: str | None = None, **_) -> np.ndarray:
        """``SentenceTransformer.encode`` for this project's calls (the graph already normalises)."""
        single = isinstance(sentences, str)
        prefix = self.prompts[prompt_name] if prompt_name else ""
        texts = [prefix + text for text in ([sentences] if single else sentences)]
        vectors = self.run(texts, batch_size, show_progress_bar)
        return vectors[0] if single else vectors
