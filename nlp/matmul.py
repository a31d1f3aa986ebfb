"""spaCy's matrix products on numpy's BLAS (OpenBLAS), one thread per process.

thinc's CPU backend (``NumpyOps``) multiplies its matrices with blis, which picks a kernel for the CPU when
it loads. On a CPU it does not know it falls back to a generic kernel: on the AMD EPYC this was measured on
(``BLIS_ARCH_DEBUG=1`` prints "selecting sub-configuration 'generic'") a product of the size spaCy's
token encoders compute took 36 ms against 12 ms with numpy's OpenBLAS on one thread, and the full
pipeline of en_core_web_sm 128 ms per 870-word article against 83 ms. Where blis does know the CPU its
kernels should be about as fast (not measured: one machine here). The transition loops of the parser and NER multiply through thinc's C interface
and keep blis.

The products are the same up to float rounding (the sums are added in another order); the analyses of
311 articles (the bench's and the gold corpora's) were equal by digest.

OpenBLAS would use every core for one product; a process that runs the model keeps to one thread, so that
``--processes N`` means N cores and two workers do not fight over both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy
from thinc.backends.numpy_ops import NumpyOps

if TYPE_CHECKING:
    from spacy.language import Language

# Threads of numpy's BLAS in a process that runs the model.
BLAS_THREADS = 1


class MatmulOps(NumpyOps):
    """``NumpyOps`` whose ``gemm`` is ``numpy.matmul``."""

    def gemm(self, x, y, out=None, trans1: bool = False, trans2: bool = False):
        x = x.T if trans1 else x
        y = y.T if trans2 else y
        if out is None:
            return numpy.matmul(x, y)
        return numpy.matmul(x, y, out=out)


_limits = None  # the thread limit, held for the life of the process


def use_numpy_matmul(nlp: Language) -> int:
    """Make the networks of ``nlp``'s components multiply with numpy, and keep numpy's BLAS to one
    thread in this process. Returns how many layers were switched (0 when already done, or on a GPU)."""
    global _limits
    if _limits is None:
        from threadpoolctl import threadpool_limits

        _limits = threadpool_limits(limits=BLAS_THREADS, user_api="blas")
    ops = MatmulOps()
    switched = 0
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        for node in model.walk() if hasattr(model, "walk") else ():
            if type(node.ops) is NumpyOps:  # not CupyOps (a GPU), nor another CPU backend
                node.ops = ops
                switched += 1
    return switched
