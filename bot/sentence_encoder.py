"""The backbone as a sentence encoder for the retriever and the fraud classifier.

With the default ONNX runtime (``bot.runtime``) the backbone's whole sentence-transformers pipeline
(encoder, pooling, normalisation) is exported once into the cache (``finbot build encoder``) and
verified on load like every artefact. The export records which backbone it came from, down to the
weights' checksum for the embedded default, so a rebuilt or replaced backbone makes it stale.
``FINBOT_INFERENCE_RUNTIME=torch`` loads the ``SentenceTransformer`` itself instead.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bot.artifacts import ArtifactError, artefact_status, building, read_manifest, write_manifest
from bot.backbone import Backbone, build_backbone, resolve_backbone
from bot.settings import Settings, get_settings

BUILD_COMMAND = "finbot build encoder"
GRAPH = "model.onnx"
NAME = "sentence encoder (ONNX)"
FORMAT = 2  # bumped when the export's contents change, so older exports are rebuilt


def encoder_dir(settings: Settings) -> Path:
    return settings.build_dir / "encoder"


def _source(backbone: Backbone) -> dict:
    """What the export was made from: the backbone's id and, when it has a manifest, its weights."""
    manifest = backbone.verify()
    return {"backbone": backbone.model_id, "backbone_files": manifest.get("files", {})}


def _check(settings: Settings) -> dict:
    manifest = read_manifest(encoder_dir(settings), NAME, BUILD_COMMAND)
    backbone = resolve_backbone(settings)
    if {k: manifest.get(k) for k in ("backbone", "backbone_files")} != _source(backbone):
        raise ArtifactError(NAME, f"stale: exported from another backbone than {backbone.model_id}", BUILD_COMMAND)
    if manifest.get("format") != FORMAT:
        raise ArtifactError(NAME, f"stale: exported by an older version (format {manifest.get('format')}, now {FORMAT})",
                            BUILD_COMMAND)
    return manifest


def status(settings: Settings | None = None) -> dict:
    settings = settings or get_settings()
    return artefact_status(encoder_dir(settings), lambda: _check(settings),
                           lambda manifest: {"max_difference": manifest.get("max_difference_from_torch")})


def build(settings: Settings | None = None, force: bool = False) -> dict:
    """Export the backbone's sentence pipeline to ONNX (a few seconds), checked against PyTorch."""
    import torch
    from sentence_transformers import SentenceTransformer

    from bot.runtime import export_onnx

    settings = settings or get_settings()
    if not force and status(settings)["ok"]:
        return {}
    backbone = build_backbone(settings)
    model = SentenceTransformer(backbone.location, device="cpu")

    class SentencePipeline(torch.nn.Module):
        """The SentenceTransformer's modules as one function of the token tensors, normalised."""

        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            features = self.model({"input_ids": input_ids, "attention_mask": attention_mask})
            return torch.nn.functional.normalize(features["sentence_embedding"], dim=-1)

    with building(encoder_dir(settings)) as tmp:
        difference = export_onnx(SentencePipeline(), model.tokenizer, tmp / GRAPH, "sentence_embedding",
                                 max_length=model.max_seq_length)
        model.tokenizer.save_pretrained(tmp / "tokenizer")
        manifest = write_manifest(tmp, {"kind": "sentence-encoder-onnx", "format": FORMAT, **_source(backbone),
                                        "max_seq_length": model.max_seq_length, "prompts": model.prompts,
                                        "max_difference_from_torch": difference})
    _onnx_encoder.cache_clear()
    return manifest


def load_sentence_encoder(settings: Settings | None = None):
    """The backbone as a sentence encoder with ``encode(texts, batch_size, normalize_embeddings,
    show_progress_bar)``: the ONNX export (default), or the ``SentenceTransformer`` with
    ``FINBOT_INFERENCE_RUNTIME=torch``. Raises ``ArtifactError`` naming the build command."""
    settings = settings or get_settings()
    if settings.inference_runtime == "torch":
        backbone = resolve_backbone(settings)
        backbone.verify()
        return _torch_encoder(backbone.location, settings.torch_threads)
    manifest = _check(settings)
    return _onnx_encoder(str(encoder_dir(settings)), settings.torch_threads, manifest["max_seq_length"],
                         tuple(manifest.get("prompts", {}).items()))


@lru_cache(maxsize=2)
def _onnx_encoder(folder: str, threads: int, max_length: int, prompts: tuple):
    from transformers import AutoTokenizer

    from bot.runtime import OnnxEncoder

    tokenizer = AutoTokenizer.from_pretrained(Path(folder) / "tokenizer")
    return OnnxEncoder(Path(folder) / GRAPH, tokenizer, threads=threads, max_length=max_length, prompts=dict(prompts))


@lru_cache(maxsize=2)
def _torch_encoder(location: str, threads: int):
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(threads)
    return SentenceTransformer(location, device="cpu")
