extends BasePanel
## Regime & STAB: the regime timeline and the global stability history.

var strip: RegimeStrip
var stability_chart: LineChart
var vix_chart: LineChart


func _init() -> void:
	super()
	title_text = "Regime & stability"


func _build() -> void:
	strip = RegimeStrip.new()
	body.add_child(strip)
	stability_chart = LineChart.new()
	stability_chart.title = "Global stability score (0 = stressed, 1 = stable)"
	stability_chart.size_flags_vertical = Control.SIZE_EXPAND_FILL
	body.add_child(stability_chart)
	vix_chart = LineChart.new()
	vix_chart.title = "VIX and 21-day realized volatility of the S&P 500"
	vix_chart.size_flags_vertical = Control.SIZE_EXPAND_FILL
	body.add_child(vix_chart)


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
