extends BasePanel
## Meta & experiments: diagnostics of a strategy by regime and by config, "Generate
## proposals", and approve (apply) / reject with a confirmation.

var strategy_id: String = ApiClientService.DEFAULT_STRATEGY
var message: Label
var by_regime: Tree
var by_config: Tree
var proposals: Tree
var confirm: ConfirmationDialog
var _pending_apply: int = 0
var _pending_reject: bool = false


func _init() -> void:
	super()
	title_text = "Meta & experiments"


func empty_message() -> String:
	return (
		EMPTY_PREFIX
		+ (
			"%s has no finished runs to diagnose by regime or config, and no proposals. Run backtests (%s)"
			% [strategy_id, RUN_HINT]
		)
		+ " or a campaign (python -m pycore.campaign)."
	)


func _build() -> void:
	var bar := HBoxContainer.new()
	body.add_child(bar)
	var strategy := LineEdit.new()
	strategy.text = strategy_id
	strategy.custom_minimum_size = Vector2(220, 0)
	strategy.text_submitted.connect(_on_strategy_text_submitted)
	bar.add_child(strategy)
	var generate := Button.new()
	generate.text = "Generate proposals"
	generate.pressed.connect(_on_generate_pressed)
	bar.add_child(generate)
	var apply := Button.new()
	apply.text = "Apply selected…"
	apply.pressed.connect(_on_apply_pressed)
	bar.add_child(apply)
	var reject := Button.new()
	reject.text = "Reject selected…"
	reject.pressed.connect(_on_reject_pressed)
	bar.add_child(reject)
	message = Label.new()
	message.autowrap_mode = TextServer.AUTOWRAP_WORD
	body.add_child(message)
	var row := HBoxContainer.new()
	row.size_flags_vertical = Control.SIZE_EXPAND_FILL
	add_data_view(row)
	by_regime = make_table(["regime", "days", "runs", "annual return", "Sharpe", "hit rate", "flag"])
	by_regime.size_flags_horizontal = Control.SIZE_EXPAND_FILL
	row.add_child(by_regime)
	by_config = make_table(["config", "runs", "Sharpe", "return", "max DD", "flag"])
	by_config.size_flags_horizontal = Control.SIZE_EXPAND_FILL
	row.add_child(by_config)
	proposals = make_table(["id", "status", "type", "parameter", "from", "to", "confidence", "rationale"])
	add_data_view(proposals)
	confirm = ConfirmationDialog.new()
	confirm.confirmed.connect(_on_confirm_confirmed)
	add_child(confirm)


func _ready() -> void:
	super()
	if events != null:
		events.proposal_changed.connect(_on_events_proposal_changed)


## A proposal was generated, applied or rejected: read the panel again (live, no polling).
func _on_events_proposal_changed(_event: Dictionary) -> void:
	refresh()


func _load() -> ApiResult:
	var diag := await api.get_diagnostics(strategy_id)
	if not diag.is_ok():
		return diag
	var d: Dictionary = diag.data if diag.data is Dictionary else {}
	message.text = str(d.get("message", ""))
	has_data = int(d.get("runs", 0)) > 0
	clear_table(by_regime)
	for r: Dictionary in d.get("by_regime", []):
		add_row(
			by_regime,
			[
				Fmt.text(r.get("regime")),
				Fmt.number(r.get("days"), 0),
				Fmt.number(r.get("runs"), 0),
				Fmt.percent(r.get("annual_return"), 1),
				Fmt.number(r.get("sharpe_ratio"), 2),
				Fmt.percent(r.get("hit_rate"), 1),
				str(r.get("reason")) if r.get("flagged") == true else "",
			],
			{3: Fmt.colour(r.get("annual_return")), 6: Fmt.LOSS}
		)
	mark_empty(by_regime, "no simulated days to group by regime")
	clear_table(by_config)
	for c: Dictionary in d.get("by_config", []):
		add_row(
			by_config,
			[
				_config_text(c.get("config", {})),
				Fmt.number(c.get("runs"), 0),
				Fmt.number(c.get("sharpe_ratio"), 2),
				Fmt.percent(c.get("annual_return"), 1),
				Fmt.percent(c.get("max_drawdown"), 1),
				"flagged" if c.get("flagged") == true else "",
			],
			{5: Fmt.LOSS}
		)
	mark_empty(by_config, "no finished runs to group by config")
	return await load_proposals()


func load_proposals() -> ApiResult:
	var r := await api.get_proposals(strategy_id)
	if not r.is_ok():
		return r
	clear_table(proposals)
	for p: Dictionary in r.rows():
		var item := add_row(
			proposals,
			[
				Fmt.number(p.get("proposal_id"), 0),
				Fmt.text(p.get("status")),
				Fmt.text(p.get("proposal_type")),
				Fmt.text(p.get("target_component")),
				JSON.stringify(p.get("current_value")),
				JSON.stringify(p.get("proposed_value")),
				Fmt.percent(p.get("confidence_score"), 0),
				str(p.get("rationale", "")),
			]
		)
		item.set_metadata(0, int(p.get("proposal_id")))
	mark_empty(proposals, "no proposals for %s — press Generate proposals" % strategy_id)
	return r


func generate() -> ApiResult:
	var r := await api.generate_proposals(strategy_id)
	if r.is_ok():
		var d: Dictionary = r.data if r.data is Dictionary else {}
		message.text = str(d.get("message", ""))
		await load_proposals()
	else:
		message.text = r.describe()
	return r


func apply(proposal_id: int) -> ApiResult:
	var r := await api.apply_proposal(proposal_id)
	message.text = (
		(
			"applied proposal %d: %s is now version %s"
			% [proposal_id, strategy_id, str((r.data as Dictionary).get("version"))]
		)
		if r.is_ok() and r.data is Dictionary
		else r.describe()
	)
	await load_proposals()
	return r


func reject(proposal_id: int) -> ApiResult:
	var r := await api.reject_proposal(proposal_id, "rejected from the console")
	message.text = "rejected proposal %d" % proposal_id if r.is_ok() else r.describe()
	await load_proposals()
	return r


static func _config_text(config: Variant) -> String:
	if not config is Dictionary:
		return str(config)
	var parts: PackedStringArray = []
	for k: Variant in config:
		if config[k] != null:
			parts.append("%s=%s" % [str(k).get_slice(".", 1), str(config[k])])
	return ", ".join(parts)


func _selected_proposal() -> int:
	var item := proposals.get_selected()
	return int(item.get_metadata(0)) if item != null else 0


func _on_strategy_text_submitted(text: String) -> void:
	strategy_id = text.strip_edges().to_upper()
	refresh()


func _on_generate_pressed() -> void:
	generate()


func _on_apply_pressed() -> void:
	_pending_apply = _selected_proposal()
	_pending_reject = false
	if _pending_apply == 0:
		message.text = "select a proposal first"
		return
	confirm.dialog_text = (
		"Apply proposal %d? This writes a new active config version of %s." % [_pending_apply, strategy_id]
	)
	confirm.popup_centered()


func _on_reject_pressed() -> void:
	_pending_apply = _selected_proposal()
	_pending_reject = true
	if _pending_apply == 0:
		message.text = "select a proposal first"
		return
	confirm.dialog_text = "Reject proposal %d?" % _pending_apply
	confirm.popup_centered()


func _on_confirm_confirmed() -> void:
	if _pending_reject:
		reject(_pending_apply)
	else:
		apply(_pending_apply)
