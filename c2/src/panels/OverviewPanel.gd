extends BasePanel
## Overview: P&L (day, MTD, YTD, since inception), exposure, stability, regime and alerts of one
## portfolio (the seed's MAIN by default) from its latest finished run.

var portfolio_id: String = ApiClientService.DEFAULT_PORTFOLIO
var _values: Dictionary = {}
var _alerts: ItemList


func _init() -> void:
	super()
	title_text = "Overview"


func empty_message() -> String:
	return (
		EMPTY_PREFIX
		+ (
			"portfolio %s has no finished backtest, so there is no P&L, exposure or alert to show. Run one (%s)."
			% [portfolio_id, RUN_HINT]
		)
	)


func _build() -> void:
	var grid := kpi_grid(4)
	add_data_view(grid)
	for key: String in [
		"portfolio",
		"as of",
		"equity",
		"regime",
		"P&L day",
		"P&L MTD",
		"P&L YTD",
		"P&L since inception",
		"gross exposure",
		"net exposure",
		"drawdown",
		"global stability",
	]:
		_values[key] = add_kpi(grid, key)
	var caption := Label.new()
	caption.text = "Alerts"
	add_data_view(caption)
	_alerts = ItemList.new()
	_alerts.size_flags_vertical = Control.SIZE_EXPAND_FILL
	_alerts.custom_minimum_size = Vector2(0, 120)
	add_data_view(_alerts)


func _load() -> ApiResult:
	var result := await api.get_status_overview(portfolio_id)
	if not result.is_ok():
		return result
	has_data = not result.rows().is_empty()
	var o := result.first()
	set_value(_values["portfolio"], Fmt.text(o.get("portfolio_id")))
	set_value(_values["as of"], Fmt.day(o.get("as_of_date")))
	set_value(_values["equity"], Fmt.money(o.get("equity")))
	set_value(_values["regime"], Fmt.text(o.get("regime")), RegimeStrip.colour_of(str(o.get("regime", ""))))
	for pair: Array in [
		["P&L day", "day"], ["P&L MTD", "mtd"], ["P&L YTD", "ytd"], ["P&L since inception", "since_inception"]
	]:
		var pnl: Variant = o.get("pnl_" + pair[1])
		var ret: Variant = o.get("return_" + pair[1])
		set_value(_values[pair[0]], "%s  (%s)" % [Fmt.money(pnl, 0, true), Fmt.percent(ret, 2, true)], Fmt.colour(pnl))
	set_value(_values["gross exposure"], Fmt.percent(o.get("gross_exposure"), 1))
	set_value(_values["net exposure"], Fmt.percent(o.get("net_exposure"), 1))
	set_value(_values["drawdown"], Fmt.percent(o.get("drawdown"), 2), Fmt.colour(o.get("drawdown")))
	set_value(_values["global stability"], Fmt.number(o.get("global_stability"), 2))
	_alerts.clear()
	var alerts: Variant = o.get("alerts", [])
	if alerts is Array and not (alerts as Array).is_empty():
		for a: Variant in alerts:
			var text := str(a.get("message", a)) if a is Dictionary else str(a)
			_alerts.add_item(text)
	elif has_data:
		_alerts.add_item("no alerts")
	return result
