"""`cli.machine`: the CPU description and the matmul roofline the benchmark reports."""

import pytest

from keras_seq2seq.cli import machine

CPUINFO = """processor\t: 0
model name\t: Example CPU @ 2.0GHz
flags\t\t: fpu sse2 avx2 fma avx512f avx512_bf16 amx_tile
"""


def test_cpu_description_reads_the_model_and_the_flags_that_matter(tmp_path):
    path = tmp_path / "cpuinfo"
    path.write_text(CPUINFO)
    description = machine.cpu_description(str(path))
    assert description == {
        "model": "Example CPU @ 2.0GHz",
        "flags": ["avx2", "fma", "avx512f", "avx512_bf16", "amx_tile"],
    }
    assert machine.has_native_bfloat16(description)
    assert not machine.has_native_bfloat16({"model": "", "flags": ["avx2", "fma"]})
    assert machine.cpu_description(str(tmp_path / "missing"))["flags"] == []


@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_gemm_gflops_is_a_positive_rate(dtype):
    assert machine.gemm_gflops(dtype, size=64, reps=2) > 0
