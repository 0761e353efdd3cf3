import numpy as np

from pycore_ext.broker import BrokerInterface, RunBuffers
from pycore_ext.simulator import MarketSimulator
from pycore_ext.timemachine import TimeMachine

class StrategyError(ValueError): ...

def plan_orders(current: np.ndarray, ref_price: np.ndarray, target_weight: np.ndarray, equity: float,
                min_trade_value: float = ...) -> tuple[np.ndarray, np.ndarray, np.ndarray]: ...
def short_repr(v: float) -> str | None: ...
def apply_execution_plan(runner: BacktestRunner, targets: dict[str, float], decision_id: int) -> dict[str, float]: ...

class BacktestRunner:
    tm: TimeMachine
    sim: MarketSimulator
    broker: BrokerInterface
    buf: RunBuffers
    strategy: object
    next_day: int
    rebalances: int
    def __init__(self, tm: TimeMachine, sim: MarketSimulator, broker: BrokerInterface, buf: RunBuffers, strategy: object,
                 rebalance: np.ndarray, config_json: str = ...) -> None: ...
    def run(self, until: int = ...) -> int: ...
    @property
    def done(self) -> bool: ...
