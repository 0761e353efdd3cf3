extends BasePanel
## Regime & STAB: the regime timeline and the global stability history.

var strip: RegimeStrip
var stability_chart: LineChart
var vix_chart: LineChart


func _init() -> void:
	super()
	title_text = "Regime & stability"


func empty_message() -> String:
	return (
		EMPTY_PREFIX
		+ "no market regimes or stability scores. They come from the market data: load it (python -m pycore.load)"
		+ " and run the engines (python -m pycore.engines)."
	)


func _build() -> void:
	strip = RegimeStrip.new()
	add_data_view(strip)
	stability_chart = LineChart.new()
	stability_chart.title = "Global stability score (0 = stressed, 1 = stable)"
	stability_chart.empty_text = "no stability scores"
	stability_chart.size_flags_vertical = Control.SIZE_EXPAND_FILL
	add_data_view(stability_chart)
	vix_chart = LineChart.new()
	vix_chart.title = "VIX and 21-day realized volatility of the S&P 500"
	vix_chart.empty_text = "no regime history"
	vix_chart.size_flags_vertical = Control.SIZE_EXPAND_FILL
	add_data_view(vix_chart)


func _load() -> ApiResult:
	var regimes := await api.get_regimes()
	if not regimes.is_ok():
		return regimes
	var stability := await api.get_stability()
	if not stability.is_ok():
		return stability
	var rows := regimes.rows()
	var labels := PackedStringArray()
	for r: Dictionary in rows:
		labels.append(str(r.get("regime_label", "")))
	strip.set_regimes(dates_of(rows, "as_of_date"), labels)
	vix_chart.clear()
	vix_chart.set_x_labels(dates_of(rows, "as_of_date"))
	vix_chart.add_series("VIX", series_of(rows, "vix"), Color(0.9, 0.5, 0.3))
	var rv := series_of(rows, "realized_vol_21d")
	for i in rv.size():
		rv[i] *= 100.0
	vix_chart.add_series("realized vol %", rv, Color(0.4, 0.7, 1.0))
	var srows := stability.rows()
	stability_chart.clear()
	stability_chart.set_x_labels(dates_of(srows, "as_of_date"))
	stability_chart.add_series("stability", series_of(srows, "overall_score"), Color(0.45, 0.85, 0.6))
	has_data = not rows.is_empty() or not srows.is_empty()
	return stability
