import datetime
from enum import IntEnum

from pycore_ext.rowbuf import RowTable
from pycore_ext.simulator import MarketSimulator

class RunTable(IntEnum):
    T_ORDERS = 0
    T_FILLS = 1
    T_POSITIONS = 2
    T_EQUITY = 3
    T_TRADES = 4
    T_ACTIONS = 5
    T_TARGETS = 6
    T_DECISIONS = 7

class OrdersI64(IntEnum):
    ORD_ORDER_ID = 0
    ORD_DECISION_ID = 1
    ORD_TS = 2

class OrdersI32(IntEnum):
    ORD_INSTRUMENT = 0
    ORD_SIDE = 1
    ORD_ORDER_TYPE = 2
    ORD_STATUS = 3
    ORD_REASON = 4
    ORD_TRADE_DATE = 5

class OrdersF64(IntEnum):
    ORD_QUANTITY = 0
    ORD_FILLED_QUANTITY = 1
    ORD_REF_PRICE = 2

class FillsI64(IntEnum):
    FILL_FILL_ID = 0
    FILL_ORDER_ID = 1
    FILL_TS = 2

class FillsI32(IntEnum):
    FILL_INSTRUMENT = 0
    FILL_SIDE = 1
    FILL_TRADE_DATE = 2

class FillsF64(IntEnum):
    FILL_QUANTITY = 0
    FILL_PRICE = 1
    FILL_COMMISSION = 2
    FILL_SLIPPAGE = 3
    FILL_REALIZED_PNL = 4

class PositionsI64(IntEnum):
    POS_SNAPSHOT_ID = 0
    POS_TS = 1

class PositionsI32(IntEnum):
    POS_INSTRUMENT = 0
    POS_AS_OF_DATE = 1

class PositionsF64(IntEnum):
    POS_QUANTITY = 0
    POS_AVG_COST = 1
    POS_MARKET_VALUE = 2
    POS_UNREALIZED_PNL = 3
    POS_LAST_PRICE = 4
    POS_WEIGHT = 5
    POS_TARGET_WEIGHT = 6

class EquityI32(IntEnum):
    EQ_AS_OF_DATE = 0
    EQ_N_POSITIONS = 1

class EquityF64(IntEnum):
    EQ_EQUITY = 0
    EQ_CASH = 1
    EQ_DRAWDOWN = 2
    EQ_GROSS = 3
    EQ_NET = 4
    EQ_DAILY_RETURN = 5
    EQ_LONG_VALUE = 6

class EquityObj(IntEnum):
    EQ_EXPOSURE_JSON = 0

class TradesI64(IntEnum):
    TRD_TRADE_ID = 0
    TRD_DECISION_ID = 1
    TRD_FILL_ID = 2

class TradesI32(IntEnum):
    TRD_INSTRUMENT = 0
    TRD_SIDE = 1
    TRD_AS_OF_DATE = 2

class TradesF64(IntEnum):
    TRD_QUANTITY = 0
    TRD_PRICE = 1
    TRD_PNL = 2
    TRD_COMMISSION = 3

class ActionsI64(IntEnum):
    ACT_ACTION_ID = 0
    ACT_DECISION_ID = 1
    ACT_FILL_ID = 2

class ActionsI32(IntEnum):
    ACT_INSTRUMENT = 0
    ACT_SIDE = 1
    ACT_TRADE_DATE = 2

class ActionsF64(IntEnum):
    ACT_QUANTITY = 0
    ACT_PRICE = 1
    ACT_SLIPPAGE = 2
    ACT_FEES = 3

class TargetsI64(IntEnum):
    TGT_TARGET_ID = 0
    TGT_DECISION_ID = 1

class TargetsI32(IntEnum):
    TGT_AS_OF_DATE = 0

class TargetsObj(IntEnum):
    TGT_TARGET_POSITIONS = 0
    TGT_METADATA = 1
    TGT_OPTIMIZATION_PARAMS = 2

class DecisionsI64(IntEnum):
    DEC_DECISION_ID = 0

class DecisionsI32(IntEnum):
    DEC_AS_OF_DATE = 0

class DecisionsObj(IntEnum):
    DEC_INPUT_REFS = 0
    DEC_OUTPUT_REFS = 1
    DEC_METADATA = 2

LAYOUT: dict[str, dict[str, tuple[str, ...]]]

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
    def begin_day(self, t: int) -> int: ...

class BacktestBroker(BrokerInterface):
    sim: MarketSimulator
    buf: RunBuffers
    def __init__(self, sim: MarketSimulator, buf: RunBuffers) -> None: ...
    def pending_count(self) -> int: ...
