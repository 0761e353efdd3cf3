class_name LineChart
extends Control
## A line chart drawn in GDScript: one or more series over a shared x axis of dates,
## with y grid lines and labels, x date labels, a legend, and min/max decimation per
## pixel column so thousands of points draw fast and keep their extremes.

enum AxisFormat { NUMBER, PERCENT }

const MARGIN_LEFT := 64.0
const MARGIN_RIGHT := 12.0
const MARGIN_TOP := 22.0
const MARGIN_BOTTOM := 24.0
const GRID := Color(1, 1, 1, 0.10)
const AXIS := Color(1, 1, 1, 0.45)
const TEXT := Color(0.85, 0.85, 0.85)

@export var title: String = ""
@export var axis_format: AxisFormat = AxisFormat.NUMBER
@export var zero_line: bool = false
## Drawn instead of axes when there is no finite value to plot (never an empty 0..1 axis).
@export var empty_text: String = "no data"

var x_labels: PackedStringArray = []
var _series: Array[Dictionary] = []


func _init() -> void:
	custom_minimum_size = Vector2(320, 180)


func clear() -> void:
	_series.clear()
	x_labels = PackedStringArray()
	queue_redraw()


func set_x_labels(labels: PackedStringArray) -> void:
	x_labels = labels
	queue_redraw()


func add_series(series_name: String, values: PackedFloat64Array, colour: Color) -> void:
	_series.append({"name": series_name, "values": values, "colour": colour})
	queue_redraw()


func series_count() -> int:
	return _series.size()


## True when some series has a finite value to plot.
func has_values() -> bool:
	for s in _series:
		for v in s["values"] as PackedFloat64Array:
			if not is_nan(v) and not is_inf(v):
				return true
	return false


func point_count() -> int:
	var n := 0
	for s in _series:
		n = maxi(n, (s["values"] as PackedFloat64Array).size())
	return n


## Value range over every series, ignoring NaN; [0, 1] when empty.
func value_range() -> Vector2:
	var lo := INF
	var hi := -INF
	for s in _series:
		for v in s["values"] as PackedFloat64Array:
			if not is_nan(v):
				lo = minf(lo, v)
				hi = maxf(hi, v)
	if zero_line and lo != INF:
		lo = minf(lo, 0.0)
		hi = maxf(hi, 0.0)
	if lo == INF:
		return Vector2(0.0, 1.0)
	if is_equal_approx(lo, hi):
		return Vector2(lo - 1.0, hi + 1.0) if lo == 0.0 else Vector2(lo * 0.99, hi * 1.01)
	return Vector2(lo, hi)


## About `count` round tick values covering [lo, hi] (steps of 1, 2 or 5 x 10^k).
static func nice_ticks(lo: float, hi: float, count: int = 5) -> PackedFloat64Array:
	var ticks := PackedFloat64Array()
	if not (hi > lo) or count < 2:
		return ticks
	var raw := (hi - lo) / float(count - 1)
	var mag := pow(10.0, floor(log(raw) / log(10.0)))
	var step := mag
	for m in [1.0, 2.0, 5.0, 10.0]:
		step = m * mag
		if step >= raw:
			break
	var t: float = ceil(lo / step) * step
	while t <= hi + step * 1e-9:
		ticks.append(0.0 if absf(t) < step * 1e-9 else t)
		t += step
	return ticks


## Index-space points to draw in `columns` pixel columns: all points when they fit,
## else the first, min, max and last of each column (in index order), so spikes survive.
static func decimate(values: PackedFloat64Array, columns: int) -> PackedVector2Array:
	var out := PackedVector2Array()
	var n := values.size()
	if n == 0:
		return out
	if columns <= 0 or n <= columns * 2:
		for i in n:
			if not is_nan(values[i]):
				out.append(Vector2(i, values[i]))
		return out
	var per := float(n) / float(columns)
	for c in columns:
		var a := int(c * per)
		var b := mini(n, int((c + 1) * per))
		if b <= a:
			continue
		var i_min := -1
		var i_max := -1
		for i in range(a, b):
			if is_nan(values[i]):
				continue
			if i_min < 0 or values[i] < values[i_min]:
				i_min = i
			if i_max < 0 or values[i] > values[i_max]:
				i_max = i
		if i_min < 0:
			continue
		var first := mini(i_min, i_max)
		var second := maxi(i_min, i_max)
		out.append(Vector2(first, values[first]))
		if second != first:
			out.append(Vector2(second, values[second]))
	return out


func plot_rect() -> Rect2:
	return Rect2(
		Vector2(MARGIN_LEFT, MARGIN_TOP),
		Vector2(maxf(1.0, size.x - MARGIN_LEFT - MARGIN_RIGHT), maxf(1.0, size.y - MARGIN_TOP - MARGIN_BOTTOM))
	)


func format_value(v: float) -> String:
	if axis_format == AxisFormat.PERCENT:
		return Fmt.percent(v, 0 if absf(v) >= 0.1 else 1)
	return Fmt.compact(v)


func _draw() -> void:
	var font := get_theme_default_font()
	var fs := get_theme_default_font_size() - 2
	var rect := plot_rect()
	if not title.is_empty():
		draw_string(font, Vector2(MARGIN_LEFT, 15), title, HORIZONTAL_ALIGNMENT_LEFT, -1, fs, TEXT)
	var n := point_count()
	if not has_values():
		var width := font.get_string_size(empty_text, HORIZONTAL_ALIGNMENT_LEFT, -1, fs + 2).x
		draw_string(
			font, rect.get_center() - Vector2(width / 2.0, 0), empty_text, HORIZONTAL_ALIGNMENT_LEFT, -1, fs + 2, TEXT
		)
		return
	var yr := value_range()
	var to_y := func(v: float) -> float: return rect.end.y - (v - yr.x) / (yr.y - yr.x) * rect.size.y
	var span := maxf(1.0, float(n - 1))
	for t in nice_ticks(yr.x, yr.y, 8):
		var y: float = to_y.call(t)
		draw_line(Vector2(rect.position.x, y), Vector2(rect.end.x, y), GRID)
		draw_string(
			font, Vector2(2, y + fs * 0.35), format_value(t), HORIZONTAL_ALIGNMENT_RIGHT, MARGIN_LEFT - 8, fs, TEXT
		)
	if zero_line and yr.x < 0.0 and yr.y > 0.0:
		var y0: float = to_y.call(0.0)
		draw_line(Vector2(rect.position.x, y0), Vector2(rect.end.x, y0), AXIS)
	draw_line(rect.position, Vector2(rect.position.x, rect.end.y), AXIS)
	draw_line(Vector2(rect.position.x, rect.end.y), rect.end, AXIS)
	if x_labels.size() > 0:
		var ticks := mini(6, x_labels.size())
		for k in ticks:
			var i := int(round(float(k) / maxf(1.0, float(ticks - 1)) * float(x_labels.size() - 1)))
			var x := rect.position.x + float(i) / span * rect.size.x
			draw_line(Vector2(x, rect.end.y), Vector2(x, rect.end.y + 4), AXIS)
			draw_string(
				font, Vector2(x - 42, rect.end.y + fs + 6), x_labels[i], HORIZONTAL_ALIGNMENT_CENTER, 84, fs, TEXT
			)
	var legend_x := rect.end.x
	for s in _series:
		var pts := decimate(s["values"], int(rect.size.x))
		var line := PackedVector2Array()
		for p in pts:
			line.append(Vector2(rect.position.x + p.x / span * rect.size.x, to_y.call(p.y)))
		if line.size() >= 2:
			draw_polyline(line, s["colour"], 1.5, true)
		elif line.size() == 1:
			draw_circle(line[0], 2.0, s["colour"])
		var label: String = s["name"]
		legend_x -= font.get_string_size(label, HORIZONTAL_ALIGNMENT_LEFT, -1, fs).x + 22
		draw_rect(Rect2(legend_x, 6, 10, 10), s["colour"])
		draw_string(font, Vector2(legend_x + 14, 15), label, HORIZONTAL_ALIGNMENT_LEFT, -1, fs, TEXT)
