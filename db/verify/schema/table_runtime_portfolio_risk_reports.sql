-- Verify prometheus:schema/table_runtime_portfolio_risk_reports on pg
select report_id, portfolio_id, as_of_date, portfolio_value, cash, net_exposure, gross_exposure, leverage, risk_metrics, scenario_pnl, exposures_by_sector, exposures_by_factor, metadata, created_at, run_id, mode
  from runtime.portfolio_risk_reports where false;
