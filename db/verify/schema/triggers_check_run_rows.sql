-- Verify prometheus:schema/triggers_check_run_rows on pg
select 1/count(*) from pg_trigger where tgname = 'orders_check_run_rows' and tgrelid = 'runtime.orders'::regclass;
select 1/count(*) from pg_trigger where tgname = 'fills_check_run_rows' and tgrelid = 'runtime.fills'::regclass;
select 1/count(*) from pg_trigger where tgname = 'positions_snapshots_check_run_rows' and tgrelid = 'runtime.positions_snapshots'::regclass;
select 1/count(*) from pg_trigger where tgname = 'executed_actions_check_run_rows' and tgrelid = 'runtime.executed_actions'::regclass;
select 1/count(*) from pg_trigger where tgname = 'backtest_trades_check_run_rows' and tgrelid = 'runtime.backtest_trades'::regclass;
select 1/count(*) from pg_trigger where tgname = 'backtest_daily_equity_check_run_rows' and tgrelid = 'runtime.backtest_daily_equity'::regclass;
select 1/count(*) from pg_trigger where tgname = 'target_portfolios_check_run_rows' and tgrelid = 'runtime.target_portfolios'::regclass;
