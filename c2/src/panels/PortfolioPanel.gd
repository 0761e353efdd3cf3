extends BasePanel
## Portfolio & Risk of one portfolio (the seed's MAIN by default): top positions with target vs
## actual weights, sector exposure, volatility / VaR / ES / drawdown / beta, and scenario P&L.

var portfolio_id: String = ApiClientService.DEFAULT_PORTFOLIO
var positions: Tree
var sectors: Tree
var scenarios: Tree
var risk_grid: GridContainer
var no_risk: Label
var _risk: Dictionary = {}


func _init() -> void:
	super()
	title_text = "Portfolio & risk"


func empty_message() -> String:
	return (
		EMPTY_PREFIX
		+ (
			"portfolio %s has no positions, targets or risk report: no backtest has booked into it. Run one (%s)."
			% [portfolio_id, RUN_HINT]
		)
	)


func _build() -> void:
	no_risk = Label.new()
	no_risk.modulate = PLACEHOLDER_COLOUR
	no_risk.visible = false
	body.add_child(no_risk)
	var grid := kpi_grid(4)
	risk_grid = grid
	add_data_view(grid)
	for key: String in [
		"as of",
		"portfolio value",
		"volatility",
		"beta",
		"VaR 95% (1d)",
		"ES 95% (1d)",
		"VaR 99% (1d)",
		"ES 99% (1d)",
		"max drawdown",
		"gross exposure",
		"net exposure",
		"cash",
	]:
		_risk[key] = add_kpi(grid, key)
	positions = make_table(
		["instrument", "name", "sector", "quantity", "market value", "weight", "target", "vs target", "unrealized P&L"]
	)
	add_data_view(positions)
	var row := HBoxContainer.new()
	row.size_flags_vertical = Control.SIZE_EXPAND_FILL
	add_data_view(row)
	sectors = make_table(["sector", "gross", "net"])
	sectors.size_flags_horizontal = Control.SIZE_EXPAND_FILL
	row.add_child(sectors)
	scenarios = make_table(["scenario", "P&L", "return", "window"])
	scenarios.size_flags_horizontal = Control.SIZE_EXPAND_FILL
	row.add_child(scenarios)


func _load() -> ApiResult:
	var pos := await api.get_status_portfolio(portfolio_id)
	if not pos.is_ok():
		return pos
	var risk := await api.get_status_portfolio_risk(portfolio_id)
	if not risk.is_ok():
		return risk
	has_data = not pos.rows().is_empty() or not risk.rows().is_empty()
	clear_table(positions)
	var shown := 0
	for p: Dictionary in pos.rows():
		shown += 1
		if shown > 40:
			break
		add_row(
			positions,
			[
				str(p.get("instrument_id", "")),
				str(p.get("name", "")),
				str(p.get("sector", "")),
				Fmt.number(p.get("quantity"), 0),
				Fmt.money(p.get("market_value")),
				Fmt.percent(p.get("weight"), 2),
				Fmt.percent(p.get("target_weight"), 2),
				Fmt.percent(p.get("weight_vs_target"), 2, true),
				Fmt.money(p.get("unrealized_pnl"), 0, true),
			],
			{8: Fmt.colour(p.get("unrealized_pnl")), 7: Fmt.colour(p.get("weight_vs_target"))}
		)
	mark_empty(positions, "no positions in %s at its latest date" % portfolio_id)
	var r := risk.first()
	_show_risk_section(has_data and r.is_empty())
	set_value(_risk["as of"], Fmt.day(r.get("as_of_date")))
	set_value(_risk["portfolio value"], Fmt.money(r.get("portfolio_value")))
	set_value(_risk["volatility"], Fmt.percent(r.get("volatility"), 1))
	set_value(_risk["beta"], Fmt.number(r.get("beta"), 2))
	set_value(_risk["VaR 95% (1d)"], Fmt.percent(r.get("var_95"), 2), Fmt.LOSS)
	set_value(_risk["ES 95% (1d)"], Fmt.percent(r.get("es_95"), 2), Fmt.LOSS)
	set_value(_risk["VaR 99% (1d)"], Fmt.percent(r.get("var_99"), 2), Fmt.LOSS)
	set_value(_risk["ES 99% (1d)"], Fmt.percent(r.get("es_99"), 2), Fmt.LOSS)
	set_value(_risk["max drawdown"], Fmt.percent(r.get("max_drawdown"), 2), Fmt.colour(r.get("max_drawdown")))
	set_value(_risk["gross exposure"], Fmt.percent(r.get("gross_exposure"), 1))
	set_value(_risk["net exposure"], Fmt.percent(r.get("net_exposure"), 1))
	set_value(_risk["cash"], Fmt.money(r.get("cash")))
	clear_table(sectors)
	var by_sector: Variant = r.get("exposures_by_sector", {})
	if by_sector is Dictionary:
		var names: Array = (by_sector as Dictionary).keys()
		names.sort_custom(
			func(a: Variant, b: Variant) -> bool:
				return float(by_sector[a].get("gross", 0)) > float(by_sector[b].get("gross", 0))
		)
		for s: Variant in names:
			var e: Dictionary = by_sector[s]
			add_row(sectors, [str(s), Fmt.percent(e.get("gross"), 1), Fmt.percent(e.get("net"), 1)])
	mark_empty(sectors, "no sector exposure reported")
	clear_table(scenarios)
	var by_scenario: Variant = r.get("scenario_pnl", {})
	if by_scenario is Dictionary:
		for s: Variant in by_scenario:
			var e: Dictionary = by_scenario[s]
			add_row(
				scenarios,
				[
					str(s),
					Fmt.money(e.get("pnl"), 0, true),
					Fmt.percent(e.get("return"), 1, true),
					str(e.get("window", "shock"))
				],
				{1: Fmt.colour(e.get("pnl")), 2: Fmt.colour(e.get("return"))}
			)
	mark_empty(scenarios, "no scenario P&L reported")
	return risk


## Positions without a risk report (e.g. a run still being written): say so instead of a grid of dashes.
func _show_risk_section(missing: bool) -> void:
	no_risk.text = "no risk report for %s yet" % portfolio_id
	no_risk.visible = missing


func _show_state(result: ApiResult) -> void:
	super(result)
	if no_risk.visible:
		risk_grid.visible = false
