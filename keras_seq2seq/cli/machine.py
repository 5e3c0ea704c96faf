"""What the benchmark's machine can do: its CPU, the vector extensions it has, and the matmul
throughput the active backend reaches on it (the roofline the benchmark's figures sit under).

```python
machine.cpu_description()        # {"model": "Intel(R) Xeon(R) ...", "flags": ["avx2", ...]}
machine.gemm_gflops("float32")   # e.g. 190.0 on 2 AVX-512 cores
```
"""

import platform
import time

import keras
from keras import ops

# The CPU flags that decide matmul speed, as Linux's /proc/cpuinfo spells them.
FLAGS = ("avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16")
BFLOAT16_FLAGS = ("avx512_bf16", "amx_bf16")  # native bfloat16 arithmetic


def cpu_description(cpuinfo: str = "/proc/cpuinfo") -> dict:
    """The CPU's model name and which of `FLAGS` it has (read from `cpuinfo` on Linux; the
    platform's processor string and no flags elsewhere).

    Args:
        cpuinfo: the file to read.

    Returns:
        `{"model": str, "flags": list of str}`.
    """
    model, flags = platform.processor() or platform.machine(), set()
    try:
        with open(cpuinfo, encoding="utf-8") as file:
            for line in file:
                key, _, value = line.partition(":")
                if key.strip() == "model name":
                    model = value.strip()
                elif key.strip() == "flags":
                    flags = set(value.split())
    except OSError:
        pass
    return {"model": model, "flags": [flag for flag in FLAGS if flag in flags]}


def has_native_bfloat16(description: dict | None = None) -> bool:
    """Whether the CPU computes in bfloat16 natively (AVX512_BF16 or AMX-BF16)."""
    flags = (description or cpu_description())["flags"]
    return any(flag in flags for flag in BFLOAT16_FLAGS)


def gemm_gflops(dtype: str = "float32", size: int = 2048, reps: int = 5) -> float:
    """The active backend's throughput on one `size` x `size` matmul, in GFLOP/s (2 size^3
    operations per call; the best of `reps` timed calls after one warm-up call).

    Args:
        dtype: `"float32"` or `"bfloat16"`.
        size: the side of the square matrices.
        reps: timed calls.
    """
    a = keras.random.normal((size, size), dtype=dtype, seed=0)
    b = keras.random.normal((size, size), dtype=dtype, seed=1)

    def call() -> float:
        start = time.perf_counter()
        # Reading one element waits for the whole product (JAX dispatches asynchronously); as
        # float32, since NumPy has no bfloat16 of its own.
        ops.convert_to_numpy(ops.cast(ops.matmul(a, b)[0, 0], "float32"))
        return time.perf_counter() - start

    call()
    return 2 * size**3 / min(call() for _ in range(reps)) / 1e9
