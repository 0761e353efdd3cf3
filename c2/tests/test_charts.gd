extends TestCase
## Charts: ticks, decimation of thousands of points, regime segments, drawing without errors.


func test_nice_ticks() -> void:
	var t := LineChart.nice_ticks(0.0, 1.0, 5)
	assert_eq(t, PackedFloat64Array([0.0, 0.5, 1.0]), "steps of 1, 2 or 5 x 10^k: 0.5")
	assert_eq(LineChart.nice_ticks(0.0, 100.0, 5), PackedFloat64Array([0.0, 50.0, 100.0]), "hundreds")
	var m := LineChart.nice_ticks(930000.0, 1110000.0, 5)
	assert_true(m.size() >= 3, "money ticks")
	for v in m:
		assert_true(v >= 930000.0 and v <= 1110000.0, "tick inside the range")
	assert_eq(LineChart.nice_ticks(1.0, 1.0).size(), 0, "empty range")


func test_decimation_keeps_extremes_of_thousands_of_points() -> void:
	var values := PackedFloat64Array()
	for i in 5000:
		values.append(sin(i / 50.0))
	values[3210] = 9.0
	values[77] = -9.0
	var pts := LineChart.decimate(values, 400)
	assert_true(pts.size() <= 800, "at most two points per column, got %d" % pts.size())
	var hi := -INF
	var lo := INF
	var last_x := -1.0
	var ordered := true
	for p in pts:
		hi = maxf(hi, p.y)
		lo = minf(lo, p.y)
		ordered = ordered and p.x >= last_x
		last_x = p.x
	assert_eq(hi, 9.0, "the spike survives")
	assert_eq(lo, -9.0, "the dip survives")
	assert_true(ordered, "points stay in x order")
	assert_eq(LineChart.decimate(PackedFloat64Array([1.0, NAN, 2.0]), 400).size(), 2, "NaN gaps are skipped")


func test_regime_segments() -> void:
	var segs := RegimeStrip.segments(PackedStringArray(["A", "A", "B", "B", "B", "A"]))
	assert_eq(segs, [[0, 2, "A"], [2, 5, "B"], [5, 6, "A"]], "runs of equal labels")
	assert_eq(RegimeStrip.colour_of("CRISIS"), RegimeStrip.COLOURS["CRISIS"], "crisis colour")


func test_chart_draws_thousands_of_points() -> void:
	var chart := LineChart.new()
	chart.size = Vector2(800, 300)
	add_child(chart)
	var values := PackedFloat64Array()
	var labels := PackedStringArray()
	for i in 5300:
		values.append(1.0e6 + i * 10.0)
		labels.append("d%d" % i)
	chart.set_x_labels(labels)
	chart.add_series("equity", values, Color.WHITE)
	assert_eq(chart.point_count(), 5300, "points")
	var r := chart.value_range()
	assert_eq(r, Vector2(1.0e6, 1.0e6 + 5299 * 10.0), "range")
	await get_tree().process_frame
	chart.queue_free()


func test_a_chart_without_values_draws_its_empty_text_not_an_axis() -> void:
	var chart := LineChart.new()
	chart.size = Vector2(400, 200)
	chart.empty_text = "select a finished run"
	add_child(chart)
	assert_false(chart.has_values(), "no series")
	chart.add_series("equity", PackedFloat64Array([NAN, NAN]), Color.WHITE)
	assert_false(chart.has_values(), "only NaN is no data")
	await get_tree().process_frame
	chart.add_series("drawdown", PackedFloat64Array([0.0, -0.1]), Color.RED)
	assert_true(chart.has_values(), "a finite value is data, zero included")
	await get_tree().process_frame
	chart.queue_free()
