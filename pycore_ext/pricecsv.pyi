from collections.abc import Container

from pycore_ext.copybuf import CopyBuffer

EXPECTED_HEADER: bytes

class CsvRowError(ValueError):
    file_name: str
    line: int
    reason: str
    def __init__(self, file_name: str, line: int, reason: str) -> None: ...

def parse_prices(
    data: bytes,
    file_name: str,
    known_instruments: Container[str],
    session_bitmap: bytes,
    bitmap_start: int,
    adjusted_only: bool = ...,
    out: CopyBuffer | None = ...,
    skip_rows: Container[tuple[str, int]] | None = ...,
) -> tuple[CopyBuffer, dict[str, tuple[int, int, int]], list[tuple[int, str, int, str]]]: ...
