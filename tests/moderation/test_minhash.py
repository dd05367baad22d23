"""Our MinHash is datasketch's, bit for bit: signatures stored before the switch still
match the ones computed after (datasketch stays a test dependency only for this)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from consult.moderation import campaigns

TEXTS = [
    "Please withdraw the proposed changes to the curriculum until teachers are heard.",
    "Please withdraw the proposed changes to the curriculum until the teachers are heard!",
    "قومی سلامتی پالیسی پر میری رائے: تعلیم سب کے لیے، اور صحت سب کے لیے",
    "Short but long enough text",
    "Water, water everywhere, and not a drop to drink in Thar this summer. " * 20,
]


def _reference(text: str) -> np.ndarray:
    datasketch = pytest.importorskip("datasketch")
    minhash = datasketch.MinHash(
        num_perm=campaigns.NUM_PERM, seed=campaigns.SEED, scheme=campaigns.SCHEME
    )
    normalised = campaigns.normalise(text)
    minhash.update_batch([s.encode("utf-8") for s in sorted(campaigns.shingles(normalised))])
    return np.asarray(minhash.hashvalues, dtype="<u4")


@pytest.mark.parametrize("text", TEXTS)
def test_signatures_equal_datasketch_affine32(text):
    ours = campaigns.signature(text)
    assert ours is not None and ours.dtype == np.dtype("<u4") and len(ours) == 128
    assert np.array_equal(ours, _reference(text))


def test_the_app_does_not_import_datasketch_or_scipy(tmp_path):
    """The point of writing it out: a worker that builds the app and signs a comment
    never loads datasketch or SciPy. In a fresh interpreter, since this one has both."""
    script = (
        "import sys\n"
        "from consult import create_app\n"
        "from consult.moderation import campaigns\n"
        f"create_app('testing', {{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/x.db'}})\n"
        f"assert campaigns.signature({TEXTS[0]!r}) is not None\n"
        "print(sorted(m for m in ('datasketch', 'scipy') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]", done.stderr
