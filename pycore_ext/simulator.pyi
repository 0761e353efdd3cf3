from enum import IntEnum

from pycore_ext.timemachine import TimeMachine

class PriceModel(IntEnum):
    PM_CLOSE = 0
    PM_NEXT_OPEN = 1

class CommissionType(IntEnum):
    CT_PER_SHARE = 0
    CT_BPS = 1

class Side(IntEnum):
    BUY = 0
    SELL = 1

class OrderType(IntEnum):
    OT_MARKET = 0
    OT_LIMIT = 1
    OT_STOP = 2
    OT_MOC = 3
    OT_MOO = 4

class Status(IntEnum):
    ST_FILLED = 0
    ST_PARTIALLY_FILLED = 1
    ST_CANCELLED = 2
    ST_REJECTED = 3
    ST_NEW = 4
    ST_SUBMITTED = 5

class Reason(IntEnum):
    R_NONE = -1
    R_NO_BAR = 0
    R_VOLUME_CAP = 1
    R_INSUFFICIENT_CASH = 2
    R_SCALED_TO_CASH = 3
    R_DELISTED = 4
    R_USER_CANCEL = 5
    R_NO_POSITION = 6

SIDES: tuple[str, ...]
ORDER_TYPES: tuple[str, ...]
STATUSES: tuple[str, ...]
REASONS: tuple[str, ...]
PRICE_MODELS: tuple[str, ...]
COMMISSION_TYPES: tuple[str, ...]

class MarketSimulator:
    initial_cash: float
    cash: float
    dividends_received: float
    commissions_paid: float
    def __init__(self, tm: TimeMachine, *, initial_cash: float, price_model: str = ..., commission_type: str = ...,
                 commission_rate: float = ..., commission_min: float = ..., slippage_bps: float = ..., impact_bps: float = ...,
                 volume_cap: float = ..., min_trade_value: float = ...) -> None: ...
    def position(self, i: int) -> tuple[float, float]: ...
    def positions(self) -> dict[str, tuple[float, float]]: ...
