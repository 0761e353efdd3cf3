import datetime

from pycore_ext.rowbuf import RowTable
from pycore_ext.simulator import MarketSimulator

T_ORDERS: int
T_FILLS: int
T_POSITIONS: int
T_EQUITY: int
T_TRADES: int
T_ACTIONS: int
T_TARGETS: int
T_DECISIONS: int

class RunBuffers:
    run_seq: int
    orders: RowTable
    fills: RowTable
    positions: RowTable
    equity: RowTable
    trades: RowTable
    actions: RowTable
    targets: RowTable
    decisions: RowTable
    def __init__(self, run_seq: int) -> None: ...
    def next_id(self, table: int) -> int: ...
    def tables(self) -> dict[str, RowTable]: ...

class BrokerInterface:
    def submit_order(self, instrument: str, side: str, quantity: float, decision_id: int = ...) -> int: ...
    def get_positions(self) -> dict[str, tuple[float, float]]: ...
    def get_account_state(self) -> dict[str, float]: ...
    def process_fills(self, day: datetime.date | None) -> int: ...
    def cancel_order(self, order_id: int) -> bool: ...

class BacktestBroker(BrokerInterface):
    sim: MarketSimulator
    buf: RunBuffers
    def __init__(self, sim: MarketSimulator, buf: RunBuffers) -> None: ...
    def pending_count(self) -> int: ...
