class_name BasePanel
extends VBoxContainer
## What every panel shares: a header (title, status, refresh button), auto-refresh on a
## timer (10 s by default: setting prometheus/ui/refresh_seconds or PROMETHEUS_REFRESH_SECONDS),
## live updates (EventsClient) replace the timer while the push service is reachable (a refetch signal or new
## market data refreshes the panel), a "No data yet — …" state instead of zeros, dashes or empty charts (the
## panel's data views are hidden and one label says why there is nothing and what fills it), and a clear message with
## automatic retry when the API is down.

signal refreshed(ok: bool)

const SETTING_REFRESH := "prometheus/ui/refresh_seconds"
const EMPTY_PREFIX := "No data yet — "
const RUN_HINT := "Terminal: backtest run US_CORE_LONG_EQ 2023-01-01 2024-01-01 US_EQ"
const EMPTY_TEXT := EMPTY_PREFIX + "run a backtest (" + RUN_HINT + ")."
const EMPTY_COLOUR := Color(0.95, 0.8, 0.4)
const PLACEHOLDER_COLOUR := Color(0.62, 0.62, 0.62)
const PLACEHOLDER := &"placeholder"

var title_text: String = ""
var api: ApiClientService
var events: EventsClientService
var body: VBoxContainer
var last_result: ApiResult
var has_data: bool = false
var loading: bool = false
var refresh_count: int = 0

var _status: Label
var _empty: Label
var _timer: Timer
var _data_views: Array[Control] = []


func _init() -> void:
	size_flags_horizontal = Control.SIZE_EXPAND_FILL
	size_flags_vertical = Control.SIZE_EXPAND_FILL


func _ready() -> void:
	api = get_node("/root/ApiClient") as ApiClientService
	var header := HBoxContainer.new()
	add_child(header)
	var title := Label.new()
	title.text = title_text
	title.add_theme_font_size_override("font_size", 20)
	header.add_child(title)
	_status = Label.new()
	_status.size_flags_horizontal = Control.SIZE_EXPAND_FILL
	_status.horizontal_alignment = HORIZONTAL_ALIGNMENT_RIGHT
	_status.modulate = Color(0.7, 0.7, 0.7)
	header.add_child(_status)
	var button := Button.new()
	button.text = "Refresh"
	button.pressed.connect(_on_refresh_button_pressed)
	header.add_child(button)
	_empty = Label.new()
	_empty.visible = false
	_empty.autowrap_mode = TextServer.AUTOWRAP_WORD
	_empty.add_theme_font_size_override("font_size", 18)
	add_child(_empty)
	body = VBoxContainer.new()
	body.size_flags_vertical = Control.SIZE_EXPAND_FILL
	add_child(body)
	_build()
	_set_data_visible(false)
	_timer = Timer.new()
	_timer.wait_time = refresh_seconds()
	_timer.timeout.connect(_on_timer_timeout)
	add_child(_timer)
	_timer.start()
	events = get_node_or_null("/root/EventsClient") as EventsClientService
	if events != null:
		events.live_changed.connect(_on_events_live_changed)
		events.refetch_requested.connect(_on_events_refetch_requested)
		events.data_loaded.connect(_on_events_data_loaded)
		_on_events_live_changed(events.live)


## Live: no polling (events say when to read again); not live: the timer polls.
func _on_events_live_changed(live: bool) -> void:
	if live:
		_timer.stop()
	elif _timer.is_stopped():
		_timer.start()


func _on_events_refetch_requested(_reason: String) -> void:
	if visible:
		refresh()


func _on_events_data_loaded(_event: Dictionary) -> void:
	if visible:
		refresh()


static func refresh_seconds() -> float:
	var env := OS.get_environment("PROMETHEUS_REFRESH_SECONDS")
	if env.is_valid_float() and float(env) > 0.0:
		return float(env)
	return float(ProjectSettings.get_setting(SETTING_REFRESH, 10.0))


## Loads the panel's data; returns true when the API answered (with or without data).
func refresh() -> bool:
	if loading:
		await refreshed
		return last_result != null and last_result.is_ok()
	loading = true
	_status.text = "loading…"
	var result: ApiResult = await _load()
	last_result = result
	loading = false
	refresh_count += 1
	if result.is_ok():
		_status.text = "updated %s" % Time.get_time_string_from_system()
		_status.modulate = Color(0.7, 0.7, 0.7)
	elif result.is_unreachable():
		_status.text = "%s — retrying every %.0f s" % [result.describe(), _timer.wait_time]
		_status.modulate = Fmt.LOSS
	else:
		_status.text = result.describe()
		_status.modulate = Fmt.LOSS
	_show_state(result)
	refreshed.emit(result.is_ok())
	return result.is_ok()


func status_text() -> String:
	return _status.text


## True when the API answered and there is nothing to show: the "No data yet" label is up, the data views hidden.
func is_showing_empty_state() -> bool:
	return _empty.visible and last_result != null and last_result.is_ok()


func empty_state_text() -> String:
	return _empty.text if _empty.visible else ""


## The controls hidden while the panel has no data.
func data_views() -> Array[Control]:
	return _data_views


## What the panel says when the API answered with nothing: why, and what fills it. Starts with EMPTY_PREFIX.
func empty_message() -> String:
	return EMPTY_TEXT


## Adds a control that shows data to the body: it is hidden while the panel has no data.
func add_data_view(view: Control) -> Control:
	body.add_child(view)
	_data_views.append(view)
	return view


## Builds the panel's controls (once).
func _build() -> void:
	pass


## Fetches and shows the panel's data; sets has_data. Returns the first failed call, or an OK result.
func _load() -> ApiResult:
	return ApiResult.success(200, [])


## With data: the data views. Without: one label, the panel's reason when the API answered, else the error.
func _show_state(result: ApiResult) -> void:
	if has_data:
		_empty.visible = false
	elif result.is_ok():
		_empty.text = empty_message()
		_empty.modulate = EMPTY_COLOUR
		_empty.visible = true
	else:
		_empty.text = "No data to show: " + result.describe()
		_empty.modulate = Fmt.LOSS
		_empty.visible = true
	_set_data_visible(has_data)


func _set_data_visible(shown: bool) -> void:
	for view in _data_views:
		view.visible = shown


func _on_refresh_button_pressed() -> void:
	refresh()


func _on_timer_timeout() -> void:
	if is_visible_in_tree():
		refresh()


# ---------------------------------------------------------------- helpers for subclasses
static func make_table(columns: PackedStringArray) -> Tree:
	var tree := Tree.new()
	tree.columns = columns.size()
	tree.column_titles_visible = true
	tree.hide_root = true
	tree.size_flags_vertical = Control.SIZE_EXPAND_FILL
	tree.custom_minimum_size = Vector2(0, 160)
	for i in columns.size():
		tree.set_column_title(i, columns[i])
		tree.set_column_expand(i, true)
	tree.create_item()
	return tree


static func clear_table(tree: Tree) -> TreeItem:
	tree.clear()
	return tree.create_item()


## When a table has no rows: one grey, unselectable row saying why (never an empty grid that reads as zeros).
static func mark_empty(tree: Tree, text: String) -> void:
	var root := tree.get_root()
	if root == null or root.get_child_count() > 0:
		return
	var item := tree.create_item(root)
	item.set_text(0, text)
	item.set_custom_color(0, PLACEHOLDER_COLOUR)
	item.set_expand_right(0, true)
	item.set_meta(PLACEHOLDER, true)
	for i in tree.columns:
		item.set_selectable(i, false)


## Rows of a table, not counting the "no …" placeholder row.
static func table_rows(tree: Tree) -> int:
	var root := tree.get_root()
	if root == null:
		return 0
	var first := root.get_first_child()
	if root.get_child_count() == 1 and first.has_meta(PLACEHOLDER):
		return 0
	return root.get_child_count()


## The text of the first row's cell (the placeholder's text when the table is empty).
static func first_cell(tree: Tree, column: int = 0) -> String:
	var root := tree.get_root()
	var first := root.get_first_child() if root != null else null
	return first.get_text(column) if first != null else ""


## Adds a row; numbers are right-aligned; a colour per cell may be given.
static func add_row(tree: Tree, cells: Array, colours: Dictionary = {}) -> TreeItem:
	var item := tree.create_item(tree.get_root())
	for i in cells.size():
		item.set_text(i, str(cells[i]))
		var cell := str(cells[i])
		if cell.length() > 0 and (cell[0].is_valid_int() or cell[0] in ["-", "+"]):
			item.set_text_alignment(i, HORIZONTAL_ALIGNMENT_RIGHT)
		if colours.has(i):
			item.set_custom_color(i, colours[i])
	return item


static func kpi_grid(columns: int = 4) -> GridContainer:
	var grid := GridContainer.new()
	grid.columns = columns * 2
	grid.add_theme_constant_override("h_separation", 18)
	return grid


## A caption/value pair in a grid; returns the value label.
static func add_kpi(grid: GridContainer, caption: String) -> Label:
	var c := Label.new()
	c.text = caption
	c.modulate = Color(0.7, 0.7, 0.7)
	grid.add_child(c)
	var v := Label.new()
	v.text = Fmt.MISSING
	v.add_theme_font_size_override("font_size", 17)
	grid.add_child(v)
	return v


static func set_value(label: Label, text: String, colour: Color = Fmt.NEUTRAL) -> void:
	label.text = text
	label.modulate = colour


static func dates_of(rows: Array, key: String) -> PackedStringArray:
	var out := PackedStringArray()
	for r: Dictionary in rows:
		out.append(Fmt.day(r.get(key)))
	return out


static func series_of(rows: Array, key: String) -> PackedFloat64Array:
	var out := PackedFloat64Array()
	for r: Dictionary in rows:
		var v: Variant = r.get(key)
		out.append(float(v) if v is float or v is int else NAN)
	return out
