class_name RegimeStrip
extends Control
## The regime timeline: one coloured band per run of equal labels, with a legend.

const COLOURS := {
	"CALM_BULL": Color(0.27, 0.70, 0.42),
	"VOLATILE_BULL": Color(0.65, 0.78, 0.30),
	"CALM_BEAR": Color(0.90, 0.65, 0.25),
	"VOLATILE_BEAR": Color(0.90, 0.42, 0.22),
	"CRISIS": Color(0.85, 0.20, 0.25),
}
const OTHER := Color(0.5, 0.5, 0.5)
const TEXT := Color(0.85, 0.85, 0.85)

var labels: PackedStringArray = []
var dates: PackedStringArray = []


func _init() -> void:
	custom_minimum_size = Vector2(320, 64)


func set_regimes(regime_dates: PackedStringArray, regime_labels: PackedStringArray) -> void:
	dates = regime_dates
	labels = regime_labels
	queue_redraw()


## [start index, end index (exclusive), label] for each run of equal labels.
static func segments(values: PackedStringArray) -> Array:
	var out: Array = []
	var start := 0
	for i in range(1, values.size() + 1):
		if i == values.size() or values[i] != values[start]:
			out.append([start, i, values[start]])
			start = i
	return out


static func colour_of(label: String) -> Color:
	return COLOURS.get(label, OTHER)


func _draw() -> void:
	var font := get_theme_default_font()
	var fs := get_theme_default_font_size() - 2
	var band := Rect2(LineChart.MARGIN_LEFT, 4, size.x - LineChart.MARGIN_LEFT - LineChart.MARGIN_RIGHT, 22)
	if labels.is_empty():
		draw_string(font, Vector2(band.position.x, 20), "no regimes yet", HORIZONTAL_ALIGNMENT_LEFT, -1, fs, TEXT)
		return
	var n := float(labels.size())
	for seg: Array in segments(labels):
		var x0 := band.position.x + float(seg[0]) / n * band.size.x
		var x1 := band.position.x + float(seg[1]) / n * band.size.x
		draw_rect(Rect2(x0, band.position.y, maxf(1.0, x1 - x0), band.size.y), colour_of(seg[2]))
	draw_string(font, Vector2(2, 20), "regime", HORIZONTAL_ALIGNMENT_LEFT, -1, fs, TEXT)
	var x := band.position.x
	for label: String in COLOURS:
		draw_rect(Rect2(x, 34, 10, 10), COLOURS[label])
		draw_string(font, Vector2(x + 14, 43), label, HORIZONTAL_ALIGNMENT_LEFT, -1, fs, TEXT)
		x += font.get_string_size(label, HORIZONTAL_ALIGNMENT_LEFT, -1, fs).x + 28
	if dates.size() > 0:
		draw_string(font, Vector2(band.position.x, 60), dates[0], HORIZONTAL_ALIGNMENT_LEFT, -1, fs, TEXT)
		draw_string(
			font, Vector2(band.end.x - 80, 60), dates[dates.size() - 1], HORIZONTAL_ALIGNMENT_RIGHT, 80, fs, TEXT
		)
