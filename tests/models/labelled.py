"""Labelled candidates made up for the model tests: the label follows two features, the others are noise."""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.features import FEATURES


def labelled_candidates(resumes: int = 40, per_resume: int = 30, seed: int = 0) -> pd.DataFrame:
    """Rows of (resume, posting) with every feature, a bm25 score and a label driven by skills and job family.

    The label is 2 (own occupation) when skill coverage plus family match is high, 1 when middling,
    else 0; the cosine carries a weaker, noisier copy of the same signal and bm25 none at all.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for r in range(resumes):
        for p in range(per_resume):
            skills, family = rng.uniform(), float(rng.integers(0, 2))
            signal = skills + family + rng.normal(0, 0.2)
            label = 2 if signal > 1.4 else 1 if signal > 0.8 else 0
            values = dict(zip(FEATURES, rng.uniform(size=len(FEATURES)), strict=True))
            values |= {
                "skill_coverage": skills,
                "family_match": family,
                "cosine": 0.3 * signal + rng.normal(0, 0.4),
            }
            rows.append(
                {
                    "resume_id": f"r{r}",
                    "occupation": f"occ-{r % 20}",
                    "posting_key": f"p{p}",
                    "label": label,
                    "bm25": rng.uniform(0, 10),
                    **values,
                }
            )
    return pd.DataFrame(rows)
