extends BasePanel
## Fragility: the most fragile entities of the latest date, with their components.

const COLUMNS: PackedStringArray = [
	"rank", "entity", "name", "sector", "score", "drawdown from high", "vol spike", "liquidity", "max gap 3m"
]

var table: Tree
var _date: Label


func _init() -> void:
	super()
	title_text = "Fragility"


func empty_message() -> String:
	return (
		EMPTY_PREFIX
		+ "no fragility scores. They come from the market data: load it (python -m pycore.load)"
		+ " and run the engines (python -m pycore.engines)."
	)


func _build() -> void:
	_date = Label.new()
	add_data_view(_date)
	table = make_table(COLUMNS)
	add_data_view(table)


func _load() -> ApiResult:
	var result := await api.get_fragile_entities(30)
	if not result.is_ok():
		return result
	clear_table(table)
	var rows := result.rows()
	has_data = not rows.is_empty()
	_date.text = "as of %s" % Fmt.day(result.first().get("as_of_date")) if has_data else ""
	for r: Dictionary in rows:
		add_row(
			table,
			[
				Fmt.number(r.get("fragility_rank"), 0),
				str(r.get("entity_id", "")),
				str(r.get("name", "")),
				str(r.get("gics_sector", "")),
				Fmt.number(r.get("fragility_score"), 3),
				Fmt.percent(r.get("drawdown_from_high"), 1),
				Fmt.number(r.get("volatility_spike"), 2),
				Fmt.number(r.get("liquidity_ratio"), 2),
				Fmt.percent(r.get("max_gap_3m"), 1),
			],
			{5: Fmt.colour(r.get("drawdown_from_high"))}
		)
	return result
