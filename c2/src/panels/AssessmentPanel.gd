extends BasePanel
## Assessment: the latest instrument scores; click a column title to sort by it.

const COLUMNS: PackedStringArray = [
	"rank", "instrument", "name", "sector", "score", "momentum 12-1", "volatility", "signal", "in universe"
]
const KEYS: PackedStringArray = [
	"score_rank",
	"instrument_id",
	"name",
	"sector",
	"score",
	"momentum_12_1",
	"volatility",
	"signal_label",
	"in_universe"
]

var table: Tree
var sort_column: int = 0
var sort_descending: bool = false
var _rows: Array = []


func _init() -> void:
	super()
	title_text = "Assessment"


func empty_message() -> String:
	return (
		EMPTY_PREFIX
		+ (
			"no instrument scores: each finished backtest stores the scores of its last decision date. Run one (%s)."
			% RUN_HINT
		)
	)


func _build() -> void:
	table = make_table(COLUMNS)
	table.column_title_clicked.connect(_on_table_column_title_clicked)
	add_data_view(table)


func _load() -> ApiResult:
	var result := await api.get_instrument_scores("score_rank.asc", 300)
	if not result.is_ok():
		return result
	_rows = result.rows()
	has_data = not _rows.is_empty()
	show_sorted()
	return result


## Sorts the loaded rows by `sort_column` and redraws the table.
func show_sorted() -> void:
	var key := KEYS[sort_column]
	var desc := sort_descending
	_rows.sort_custom(
		func(a: Dictionary, b: Dictionary) -> bool:
			var x: Variant = a.get(key)
			var y: Variant = b.get(key)
			if x == null:
				return false
			if y == null:
				return true
			if typeof(x) != typeof(y):
				x = str(x)
				y = str(y)
			return x > y if desc else x < y
	)
	clear_table(table)
	for r: Dictionary in _rows:
		add_row(
			table,
			[
				Fmt.number(r.get("score_rank"), 0),
				str(r.get("instrument_id", "")),
				str(r.get("name", "")),
				str(r.get("sector", "")),
				Fmt.number(r.get("score"), 3),
				Fmt.percent(r.get("momentum_12_1"), 1),
				Fmt.percent(r.get("volatility"), 1),
				str(r.get("signal_label", "")),
				"yes" if r.get("in_universe") == true else "no",
			],
			{5: Fmt.colour(r.get("momentum_12_1"))}
		)


func first_row_text(column: int) -> String:
	var first := table.get_root().get_first_child()
	return first.get_text(column) if first != null else ""


func _on_table_column_title_clicked(column: int, _mouse_button_index: int) -> void:
	sort_descending = not sort_descending if column == sort_column else false
	sort_column = column
	show_sorted()
