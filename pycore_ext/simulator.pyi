from pycore_ext.timemachine import TimeMachine

SIDES: tuple[str, ...]
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
