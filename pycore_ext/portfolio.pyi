from enum import IntEnum

import numpy as np

class WeightScheme(IntEnum):
    WS_EQUAL = 0
    WS_INVERSE_VOL = 1

WEIGHTINGS: tuple[str, ...]

def build_weights(scores: np.ndarray, vols: np.ndarray, sectors: np.ndarray, top_k: int, scheme: str = ...,
                  max_weight: float = ..., sector_cap: float = ...) -> np.ndarray: ...
