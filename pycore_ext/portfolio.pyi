import numpy as np

def build_weights(scores: np.ndarray, vols: np.ndarray, sectors: np.ndarray, top_k: int, scheme: str = ...,
                  max_weight: float = ..., sector_cap: float = ...) -> np.ndarray: ...
