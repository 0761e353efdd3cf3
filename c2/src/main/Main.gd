extends PanelContainer
## The console's window: a top bar (API, connection state, refresh all), navigation on
## the left, one panel shown at a time on the right. The bar says whether live updates flow (the push service) or the
## console polls, and pops a notice with the metrics of each backtest that finishes.

signal panel_shown(index: int)

const PANELS: Array[PackedScene] = [
	preload("res://src/panels/OverviewPanel.tscn"),
	preload("res://src/panels/RegimePanel.tscn"),
	preload("res://src/panels/FragilityPanel.tscn"),
	preload("res://src/panels/AssessmentPanel.tscn"),
	preload("res://src/panels/PortfolioPanel.tscn"),
	preload("res://src/panels/BacktestsPanel.tscn"),
	preload("res://src/panels/TerminalPanel.tscn"),
	preload("res://src/panels/MetaPanel.tscn"),
]
const NAMES: PackedStringArray = [
	"Overview",
	"Regime & STAB",
	"Fragility",
	"Assessment",
	"Portfolio & Risk",
	"Backtests",
	"Terminal",
	"Meta & Experiments",
]

var panels: Array[BasePanel] = []
var current: int = -1
var notice: Label
var live_label: Label
var _connection: Label
var _nav: Array[Button] = []


func _ready() -> void:
	var api := get_node("/root/ApiClient") as ApiClientService
	api.connection_changed.connect(_on_api_connection_changed)
	var root := VBoxContainer.new()
	add_child(root)
	var bar := HBoxContainer.new()
	root.add_child(bar)
	var title := Label.new()
	title.text = "PROMETHEUS C2"
	title.add_theme_font_size_override("font_size", 22)
	bar.add_child(title)
	var where := Label.new()
	where.text = "   API " + api.base_url + ("   (operator token)" if not api.token.is_empty() else "   (read-only)")
	where.size_flags_horizontal = Control.SIZE_EXPAND_FILL
	bar.add_child(where)
	_connection = Label.new()
	_connection.text = "●  connected"
	_connection.modulate = Fmt.GAIN
	bar.add_child(_connection)
	live_label = Label.new()
	bar.add_child(live_label)
	var events := get_node_or_null("/root/EventsClient") as EventsClientService
	if events != null:
		events.live_changed.connect(_on_events_live_changed)
		events.run_changed.connect(_on_events_run_changed)
		_on_events_live_changed(events.live)
	var refresh_all := Button.new()
	refresh_all.text = "Refresh all"
	refresh_all.pressed.connect(_on_refresh_all_pressed)
	bar.add_child(refresh_all)
	notice = Label.new()
	notice.visible = false
	notice.modulate = Fmt.GAIN
	root.add_child(notice)
	var split := HBoxContainer.new()
	split.size_flags_vertical = Control.SIZE_EXPAND_FILL
	root.add_child(split)
	var nav := VBoxContainer.new()
	nav.custom_minimum_size = Vector2(180, 0)
	split.add_child(nav)
	var content := MarginContainer.new()
	content.size_flags_horizontal = Control.SIZE_EXPAND_FILL
	content.size_flags_vertical = Control.SIZE_EXPAND_FILL
	split.add_child(content)
	for i in PANELS.size():
		var button := Button.new()
		button.text = NAMES[i]
		button.toggle_mode = true
		button.alignment = HORIZONTAL_ALIGNMENT_LEFT
		button.pressed.connect(show_panel.bind(i))
		nav.add_child(button)
		_nav.append(button)
		var panel := PANELS[i].instantiate() as BasePanel
		panel.visible = false
		content.add_child(panel)
		panels.append(panel)
	show_panel(0)


## Shows panel `index` and refreshes it; returns when its data is loaded.
func show_panel(index: int) -> void:
	if index == current:
		return
	current = index
	for i in panels.size():
		panels[i].visible = i == index
		_nav[i].button_pressed = i == index
	panel_shown.emit(index)
	await panels[index].refresh()


func _on_refresh_all_pressed() -> void:
	for p in panels:
		p.refresh()


func _on_api_connection_changed(reachable: bool) -> void:
	_connection.text = "●  connected" if reachable else "●  API unreachable — retrying"
	_connection.modulate = Fmt.GAIN if reachable else Fmt.LOSS


func _on_events_live_changed(live: bool) -> void:
	live_label.text = "   ●  live" if live else "   ○  live updates unavailable — polling"
	live_label.modulate = Fmt.GAIN if live else Fmt.LOSS


## A backtest finished: a notice with its headline metrics.
func _on_events_run_changed(event: Dictionary) -> void:
	var status := str(event.get("status"))
	if status == "RUNNING":
		return
	var text := "Backtest %s %s (%s)" % [str(event.get("strategy_id")), status, str(event.get("run_id")).left(8)]
	var metrics: Variant = event.get("metrics")
	if metrics is Dictionary:
		var m := metrics as Dictionary
		text += (
			": CAGR %s, Sharpe %s, max drawdown %s"
			% [
				Fmt.percent(m.get("cagr"), 1),
				Fmt.number(m.get("sharpe_ratio"), 2),
				Fmt.percent(m.get("max_drawdown"), 1)
			]
		)
	notice.text = text
	notice.modulate = Fmt.GAIN if status == "SUCCEEDED" else Fmt.LOSS
	notice.visible = true
