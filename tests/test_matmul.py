"""spaCy's networks multiply on numpy's BLAS, one thread, and annotate as spaCy's own blis products do."""

from __future__ import annotations

import numpy
import pytest
from thinc.backends.numpy_ops import NumpyOps
from threadpoolctl import threadpool_info

from nlp.matmul import MatmulOps, use_numpy_matmul
from nlp.model import load_as_shipped, load_model

TEXTS = [
    "Brussels fined the company €1.2 billion on Tuesday, the largest penalty of its kind since 2019.",
    "TikTok Shop opened in Japan last June; sellers in Osaka said orders doubled within weeks.",
    "The ministry will review the merger. Its decision is due by March 3, officials told Reuters.",
]
ATTRIBUTES = ["ORTH", "TAG", "POS", "LEMMA", "DEP", "HEAD", "SENT_START", "ENT_IOB", "ENT_TYPE"]


@pytest.mark.parametrize("trans1", [False, True])
@pytest.mark.parametrize("trans2", [False, True])
def test_gemm_as_blis(trans1, trans2):
    rng = numpy.random.default_rng(7)
    x = rng.standard_normal((40, 30) if not trans1 else (30, 40)).astype("float32")
    y = rng.standard_normal((30, 20) if not trans2 else (20, 30)).astype("float32")
    blis = NumpyOps().gemm(x, y, trans1=trans1, trans2=trans2)
    ours = MatmulOps().gemm(x, y, trans1=trans1, trans2=trans2)
    assert ours.shape == blis.shape == (40, 20)
    assert numpy.allclose(ours, blis, atol=1e-4)
    out = numpy.zeros((40, 20), dtype="float32")
    assert MatmulOps().gemm(x, y, out=out, trans1=trans1, trans2=trans2) is out
    assert numpy.allclose(out, blis, atol=1e-4)


def test_the_model_multiplies_with_numpy_on_one_thread():
    nlp = load_model()
    layers = [
        node for _, c in nlp.pipeline if hasattr(getattr(c, "model", None), "walk") for node in c.model.walk()
    ]
    assert layers and all(type(node.ops) is MatmulOps for node in layers)
    assert use_numpy_matmul(nlp) == 0  # once only
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)


def test_the_same_annotations_as_spacy_as_shipped():
    shipped = load_as_shipped()
    assert any(type(node.ops) is NumpyOps for node in shipped.get_pipe("ner").model.walk())
    ours = load_model()
    with ours.select_pipes(disable=["newsline_line_breaks"]):
        for doc, again in zip(shipped.pipe(TEXTS), ours.pipe(TEXTS), strict=True):
            assert again.to_array(ATTRIBUTES).tolist() == doc.to_array(ATTRIBUTES).tolist()
            assert numpy.allclose(again.tensor, doc.tensor, atol=1e-3)
