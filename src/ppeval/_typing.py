"""Type aliases shared by public signatures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
ArrayLike: TypeAlias = npt.ArrayLike
TypesLike: TypeAlias = npt.ArrayLike | Sequence[str] | Sequence[int]
SeedLike: TypeAlias = int | np.random.Generator | np.random.SeedSequence | None
Normalization: TypeAlias = Literal["vector", "minmax", "max", "sum", "zscore", "mean", "shift"]
