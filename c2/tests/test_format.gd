extends TestCase
## Fmt: numbers for people.


func test_thousands_separators() -> void:
	assert_eq(Fmt.number(1234567.891, 2), "1,234,567.89", "millions")
	assert_eq(Fmt.number(999.5, 0), "1,000", "rounding carries into a new group")
	assert_eq(Fmt.number(-1234.5, 1), "-1,234.5", "negative")
	assert_eq(Fmt.number(0.0, 2), "0.00", "zero")
	assert_eq(Fmt.number(12, 0), "12", "int")
	assert_eq(Fmt.number(-0.001, 2), "0.00", "no negative zero")


func test_missing_values() -> void:
	assert_eq(Fmt.number(null), Fmt.MISSING, "null")
	assert_eq(Fmt.number("abc"), Fmt.MISSING, "text")
	assert_eq(Fmt.percent(null), Fmt.MISSING, "null percent")
	assert_eq(Fmt.number(NAN), Fmt.MISSING, "NaN")


func test_money_and_percent() -> void:
	assert_eq(Fmt.money(1500.0, 0, true), "+1,500", "signed gain")
	assert_eq(Fmt.money(-2.5, 2, true), "-2.50", "signed loss")
	assert_eq(Fmt.percent(0.01234), "1.23%", "percent")
	assert_eq(Fmt.percent(-0.5, 0), "-50%", "negative percent")
	assert_eq(Fmt.percent(0.1, 1, true), "+10.0%", "signed percent")


func test_colours_for_gains_and_losses() -> void:
	assert_eq(Fmt.colour(3.0), Fmt.GAIN, "gain")
	assert_eq(Fmt.colour(-0.1), Fmt.LOSS, "loss")
	assert_eq(Fmt.colour(0), Fmt.NEUTRAL, "flat")
	assert_eq(Fmt.colour(null), Fmt.NEUTRAL, "missing")


func test_dates_and_compact_axis_labels() -> void:
	assert_eq(Fmt.day("2023-12-29T00:00:00+00:00"), "2023-12-29", "timestamp")
	assert_eq(Fmt.compact(1250000.0), "1.25M", "millions")
	assert_eq(Fmt.compact(34000.0), "34.0k", "thousands")
	assert_eq(Fmt.compact(0.5), "0.500", "fractions")


func test_missing_values_are_dashes_never_zeros_or_null() -> void:
	assert_eq(Fmt.text(null), Fmt.MISSING, "null text")
	assert_eq(Fmt.text("CRISIS"), "CRISIS", "text")
	assert_eq(Fmt.money(null, 2), Fmt.MISSING, "missing money is not $0.00")
	assert_eq(Fmt.percent(null), Fmt.MISSING, "missing percent is not 0.00%")
	assert_eq(Fmt.number(NAN), Fmt.MISSING, "NaN")


func test_an_empty_table_says_why() -> void:
	var tree := BasePanel.make_table(PackedStringArray(["a", "b"]))
	add_child(tree)
	BasePanel.mark_empty(tree, "no positions")
	assert_eq(BasePanel.table_rows(tree), 0, "the placeholder is not a row")
	assert_eq(BasePanel.first_cell(tree), "no positions", "it says why")
	assert_false(tree.get_root().get_first_child().is_selectable(0), "and cannot be selected")
	BasePanel.clear_table(tree)
	BasePanel.add_row(tree, ["x", "1"])
	BasePanel.mark_empty(tree, "no positions")
	assert_eq(BasePanel.table_rows(tree), 1, "a table with rows gets no placeholder")
	assert_eq(BasePanel.first_cell(tree), "x", "first cell")
	tree.queue_free()
