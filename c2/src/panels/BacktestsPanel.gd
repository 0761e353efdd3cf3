extends BasePanel
## Backtests: a strategy picker that submits a run of any registered strategy (built-in, Python or SQL); the list
## of runs; the equity curve and drawdown of the selected run; and several selected runs side by side.

const COLUMNS: PackedStringArray = ["strategy", "portfolio", "period", "status", "CAGR", "Sharpe", "max DD", "trades"]
const NO_COMPARISON := "select two or more runs and press Compare"
const PALETTE: Array[Color] = [
	Color(0.40, 0.70, 1.00),
	Color(0.95, 0.60, 0.30),
	Color(0.45, 0.85, 0.55),
	Color(0.85, 0.45, 0.85),
	Color(0.95, 0.85, 0.35),
	Color(0.60, 0.60, 0.95),
]

var strategy_picker: OptionButton
var start_input: LineEdit
var end_input: LineEdit
var run_status: Label
var runs: Tree
var equity_chart: LineChart
var drawdown_chart: LineChart
var comparison: Tree
var comparison_chart: LineChart
var selected_run_id: String = ""
## The run whose equity grows live (chunk events), and its points so far.
var live_run_id: String = ""
var live_dates: PackedStringArray = []
var live_equity: PackedFloat64Array = []
var _run_ids: Array[String] = []


func _init() -> void:
	super()
	title_text = "Backtests"


func empty_message() -> String:
	return EMPTY_PREFIX + ("no backtest runs, so no equity, drawdown or comparison to show. Start one (%s)." % RUN_HINT)


func _build() -> void:
	var picker_row := HBoxContainer.new()
	body.add_child(picker_row)
	var label := Label.new()
	label.text = "Strategy"
	picker_row.add_child(label)
	strategy_picker = OptionButton.new()
	strategy_picker.custom_minimum_size = Vector2(220, 0)
	strategy_picker.tooltip_text = "every registered strategy (GET /strategies)"
	picker_row.add_child(strategy_picker)
	start_input = LineEdit.new()
	start_input.text = "2023-01-01"
	picker_row.add_child(start_input)
	end_input = LineEdit.new()
	end_input.text = "2024-01-01"
	picker_row.add_child(end_input)
	var run_button := Button.new()
	run_button.text = "Run backtest"
	run_button.pressed.connect(_on_run_button_pressed)
	picker_row.add_child(run_button)
	run_status = Label.new()
	picker_row.add_child(run_status)
	runs = make_table(COLUMNS)
	runs.select_mode = Tree.SELECT_MULTI
	runs.item_selected.connect(_on_runs_item_selected)
	runs.multi_selected.connect(_on_runs_multi_selected)
	add_data_view(runs)
	var compare := Button.new()
	compare.text = "Compare selected runs"
	compare.pressed.connect(_on_compare_pressed)
	add_data_view(compare)
	var charts := HBoxContainer.new()
	charts.size_flags_vertical = Control.SIZE_EXPAND_FILL
	add_data_view(charts)
	equity_chart = LineChart.new()
	equity_chart.title = "Equity"
	equity_chart.empty_text = "select a finished run"
	equity_chart.size_flags_horizontal = Control.SIZE_EXPAND_FILL
	charts.add_child(equity_chart)
	drawdown_chart = LineChart.new()
	drawdown_chart.title = "Drawdown"
	drawdown_chart.axis_format = LineChart.AxisFormat.PERCENT
	drawdown_chart.zero_line = true
	drawdown_chart.empty_text = "select a finished run"
	drawdown_chart.size_flags_horizontal = Control.SIZE_EXPAND_FILL
	charts.add_child(drawdown_chart)
	var side := HBoxContainer.new()
	side.size_flags_vertical = Control.SIZE_EXPAND_FILL
	add_data_view(side)
	comparison = make_table(["run", "period", "CAGR", "Sharpe", "Sortino", "vol", "max DD", "Calmar", "final equity"])
	comparison.size_flags_horizontal = Control.SIZE_EXPAND_FILL
	mark_empty(comparison, NO_COMPARISON)
	side.add_child(comparison)
	comparison_chart = LineChart.new()
	comparison_chart.title = "Equity, normalized to 1"
	comparison_chart.empty_text = "no runs compared yet"
	comparison_chart.size_flags_horizontal = Control.SIZE_EXPAND_FILL
	side.add_child(comparison_chart)


func _load() -> ApiResult:
	var listed := await api.get_strategies()
	if not listed.is_ok():
		return listed
	fill_strategies(listed.rows())
	var result := await api.get_runs(100)
	if not result.is_ok():
		return result
	var keep := selected_run_id
	clear_table(runs)
	_run_ids.clear()
	for r: Dictionary in result.rows():
		var item := add_row(
			runs,
			[
				str(r.get("strategy_id", "")),
				str(r.get("portfolio_id", "")),
				"%s .. %s" % [Fmt.day(r.get("start_date")), Fmt.day(r.get("end_date"))],
				str(r.get("status", "")),
				Fmt.percent(r.get("cagr"), 1),
				Fmt.number(r.get("sharpe_ratio"), 2),
				Fmt.percent(r.get("max_drawdown"), 1),
				Fmt.number(r.get("trade_count"), 0),
			],
			{4: Fmt.colour(r.get("cagr"))}
		)
		item.set_metadata(0, str(r.get("run_id")))
		_run_ids.append(str(r.get("run_id")))
	has_data = not _run_ids.is_empty()
	if keep.is_empty() and has_data:
		for r: Dictionary in result.rows():
			if r.get("status") == "SUCCEEDED":
				keep = str(r.get("run_id"))
				break
	if not keep.is_empty():
		var curve := await show_run(keep)
		if not curve.is_ok():
			return curve
	return result


func _ready() -> void:
	super()
	if events != null:
		events.chunk_committed.connect(_on_events_chunk_committed)
		events.run_changed.connect(_on_events_run_changed)


## A chunk of a running backtest was stored: its equity points extend the chart without a request.
func _on_events_chunk_committed(event: Dictionary) -> void:
	var run_id := str(event.get("run_id"))
	if run_id != live_run_id:
		live_run_id = run_id
		live_dates = PackedStringArray()
		live_equity = PackedFloat64Array()
	for p: Array in event.get("points", []):
		live_dates.append(str(p[0]))
		live_equity.append(float(p[1]))
	selected_run_id = run_id
	var peak := 0.0
	var drawdown := PackedFloat64Array()
	for v in live_equity:
		peak = maxf(peak, v)
		drawdown.append(v / peak - 1.0)
	equity_chart.clear()
	equity_chart.set_x_labels(live_dates)
	equity_chart.add_series("equity (running)", live_equity, PALETTE[0])
	drawdown_chart.clear()
	drawdown_chart.set_x_labels(live_dates)
	drawdown_chart.add_series("drawdown", drawdown, Fmt.LOSS)


func _on_events_run_changed(event: Dictionary) -> void:
	if str(event.get("status")) != "RUNNING" and visible:
		refresh()


## The picker's strategies, keeping the selected one when it is still registered.
func fill_strategies(rows: Array) -> void:
	var keep := selected_strategy()
	strategy_picker.clear()
	for s: Dictionary in rows:
		var sid := str(s.get("strategy_id", ""))
		strategy_picker.add_item("%s (%s)" % [sid, str(s.get("kind", ""))])
		strategy_picker.set_item_metadata(strategy_picker.item_count - 1, sid)
		if sid == keep:
			strategy_picker.select(strategy_picker.item_count - 1)


func selected_strategy() -> String:
	if strategy_picker == null or strategy_picker.selected < 0:
		return ""
	return str(strategy_picker.get_item_metadata(strategy_picker.selected))


func select_strategy(strategy_id: String) -> bool:
	for k in strategy_picker.item_count:
		if str(strategy_picker.get_item_metadata(k)) == strategy_id:
			strategy_picker.select(k)
			return true
	return false


## Submits a run of the picked strategy over the dates typed; returns the submission's result (job id in data).
func submit_selected() -> ApiResult:
	var sid := selected_strategy()
	var result := await api.run_backtest(sid, start_input.text.strip_edges(), end_input.text.strip_edges())
	if result.is_ok():
		run_status.text = ("job %d submitted (%s); follow it in the Terminal" % [int(result.data), sid])
		run_status.modulate = Fmt.NEUTRAL
	else:
		run_status.text = "refused: " + result.describe()
		run_status.modulate = Fmt.LOSS
	return result


func run_ids() -> Array[String]:
	return _run_ids


## Draws the equity curve and drawdown of one run.
func show_run(run_id: String) -> ApiResult:
	selected_run_id = run_id
	var curve := await api.get_equity_curve(run_id)
	if not curve.is_ok():
		return curve
	var rows := curve.rows()
	var none := "no equity points yet for this run"
	equity_chart.clear()
	equity_chart.empty_text = none
	equity_chart.set_x_labels(dates_of(rows, "as_of_date"))
	equity_chart.add_series("equity", series_of(rows, "equity"), PALETTE[0])
	drawdown_chart.clear()
	drawdown_chart.empty_text = none
	drawdown_chart.set_x_labels(dates_of(rows, "as_of_date"))
	drawdown_chart.add_series("drawdown", series_of(rows, "drawdown"), Fmt.LOSS)
	return curve


## Metrics and normalized equity of several runs side by side.
func compare_runs(ids: Array) -> ApiResult:
	var result := await api.get_run_comparison(ids)
	if not result.is_ok():
		return result
	clear_table(comparison)
	comparison_chart.clear()
	var k := 0
	for r: Dictionary in result.rows():
		var label := "%s %s" % [str(r.get("portfolio_id", "")), Fmt.day(r.get("start_date")).substr(0, 4)]
		add_row(
			comparison,
			[
				label,
				"%s .. %s" % [Fmt.day(r.get("start_date")), Fmt.day(r.get("end_date"))],
				Fmt.percent(r.get("cagr"), 1),
				Fmt.number(r.get("sharpe_ratio"), 2),
				Fmt.number(r.get("sortino_ratio"), 2),
				Fmt.percent(r.get("annual_volatility"), 1),
				Fmt.percent(r.get("max_drawdown"), 1),
				Fmt.number(r.get("calmar_ratio"), 2),
				Fmt.money(r.get("final_equity")),
			],
			{2: Fmt.colour(r.get("cagr"))}
		)
		var values := PackedFloat64Array()
		var eq: Variant = r.get("equity_normalized", [])
		if eq is Array:
			for v: Variant in eq:
				values.append(float(v) if v != null else NAN)
		comparison_chart.add_series(label, values, PALETTE[k % PALETTE.size()])
		if k == 0 and r.get("dates") is Array:
			var labels := PackedStringArray()
			for d: Variant in r.get("dates"):
				labels.append(str(d))
			comparison_chart.set_x_labels(labels)
		k += 1
	mark_empty(comparison, NO_COMPARISON)
	return result


func _selected_ids() -> Array:
	var ids: Array = []
	var item := runs.get_next_selected(null)
	while item != null:
		ids.append(item.get_metadata(0))
		item = runs.get_next_selected(item)
	return ids


func _on_runs_item_selected() -> void:
	var item := runs.get_selected()
	if item != null:
		show_run(str(item.get_metadata(0)))


func _on_runs_multi_selected(item: TreeItem, _column: int, selected: bool) -> void:
	if selected and item != null:
		show_run(str(item.get_metadata(0)))


func _on_run_button_pressed() -> void:
	if not selected_strategy().is_empty():
		submit_selected()


func _on_compare_pressed() -> void:
	var ids := _selected_ids()
	if ids.size() < 2:
		ids = _run_ids.slice(0, mini(3, _run_ids.size()))
	if not ids.is_empty():
		compare_runs(ids)
