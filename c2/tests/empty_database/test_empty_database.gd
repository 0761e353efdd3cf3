extends TestCase
## The console against the API over an EMPTY database (schema deployed: no market data, no runs,
## no jobs; tests/c2 in pytest sets PROMETHEUS_API_URL and runs this folder with TEST_DIR): every
## read model answers with nothing, and every panel says "No data yet — …" instead of zeros,
## dashes or empty charts.

## A value that says nothing: zeros, dashes, or both ("0", "0.00%", "+0", "$0.00", "—", "— (—)").
const NOTHING_PATTERN := "^[\\s—()%+\\-$0.,]+$"
## Words each panel's empty text must contain: what is missing, or what fills it.
const EXPECTED_WORDS := {
	"Overview": ["MAIN", "backtest run"],
	"Regime & stability": ["regimes", "pycore.load"],
	"Fragility": ["fragility", "pycore.engines"],
	"Assessment": ["scores", "backtest run"],
	"Portfolio & risk": ["MAIN", "risk report"],
	"Backtests": ["no backtest runs", "backtest run"],
	"Terminal": ["no jobs", "backtest run"],
	"Meta & experiments": ["US_CORE_LONG_EQ", "no finished runs"],
}


func _configured() -> bool:
	if not integration_configured():
		skip("PROMETHEUS_API_URL is not set")
		return false
	return true


func test_every_read_model_answers_with_nothing() -> void:
	if not _configured():
		return
	var c := api()
	var results := {
		"status_overview": await c.get_status_overview(ApiClientService.DEFAULT_PORTFOLIO),
		"status_overview (all)": await c.get_status_overview(),
		"status_portfolio": await c.get_status_portfolio(ApiClientService.DEFAULT_PORTFOLIO),
		"status_portfolio_risk": await c.get_status_portfolio_risk(ApiClientService.DEFAULT_PORTFOLIO),
		"backtest_runs": await c.get_runs(10),
		"equity_curve": await c.get_equity_curve("00000000-0000-0000-0000-000000000000"),
		"run_comparison": await c.get_run_comparison(["00000000-0000-0000-0000-000000000000"]),
		"regime_history": await c.get_regimes(),
		"stability_history": await c.get_stability(),
		"fragile_entities": await c.get_fragile_entities(10),
		"instrument_scores_latest": await c.get_instrument_scores(),
		"jobs": await c.get_jobs(),
		"job 1": await c.get_job(1),
		"meta_config_proposals": await c.get_proposals(ApiClientService.DEFAULT_STRATEGY),
	}
	for what: String in results:
		var r: ApiResult = results[what]
		assert_ok(r, what)
		assert_true(r.data is Array, what + " answers a JSON array")
		assert_eq(r.rows().size(), 0, what + " has no rows")
	assert_eq((results["backtest_runs"] as ApiResult).total_count, 0, "Content-Range counts no runs")
	var diag := await c.get_diagnostics(ApiClientService.DEFAULT_STRATEGY)
	assert_ok(diag, "diagnostics")
	var d: Dictionary = diag.data if diag.data is Dictionary else {}
	assert_eq(int(d.get("runs", -1)), 0, "diagnostics counts no runs")
	assert_eq(d.get("by_regime"), [], "nothing by regime")
	assert_eq(d.get("by_config"), [], "nothing by config")
	assert_true(str(d.get("message")).contains("not enough runs"), "diagnostics says why: " + str(d.get("message")))


func test_every_panel_shows_no_data() -> void:
	if not _configured():
		return
	var main := (load("res://src/main/Main.tscn") as PackedScene).instantiate()
	add_child(main)
	await get_tree().process_frame
	assert_eq(main.panels.size(), EXPECTED_WORDS.size(), "every panel is checked")
	for i in main.panels.size():
		await main.show_panel(i)
		var p: BasePanel = main.panels[i]
		if p.loading:
			await p.refreshed
		await get_tree().process_frame
		_assert_empty_state(p)
		assert_true(await p.refresh(), p.title_text + ": a second refresh answers")
		_assert_empty_state(p)
	var terminal = main.panels[6]
	await terminal.execute("jobs")
	await terminal.execute("job 1")
	assert_true(terminal.text().contains("no jobs yet"), "the terminal's jobs command says there are none")
	assert_true(terminal.text().contains("no job 1"), "and job 1 does not exist")
	main.queue_free()


func test_an_unreachable_api_shows_no_values_either() -> void:
	if not _configured():
		return
	var c := api()
	var url := c.base_url
	var panel := (load("res://src/panels/PortfolioPanel.tscn") as PackedScene).instantiate() as BasePanel
	add_child(panel)
	c.base_url = "http://127.0.0.1:9"
	assert_false(await panel.refresh(), "the refresh failed")
	c.base_url = url
	assert_false(panel.is_showing_empty_state(), "no answer is not an empty database")
	assert_true(panel.empty_state_text().contains("unreachable"), "it says why: " + panel.empty_state_text())
	for view in panel.data_views():
		assert_false(view.visible, "no data view is shown without data: " + view.get_class())
	assert_true(await panel.refresh(), "it recovers")
	assert_true(panel.is_showing_empty_state(), "and then shows its empty state")
	panel.queue_free()


func _assert_empty_state(p: BasePanel) -> void:
	var name := p.title_text
	assert_true(p.last_result != null and p.last_result.is_ok(), "%s answered: %s" % [name, p.status_text()])
	assert_false(p.has_data, name + " has no data")
	assert_true(p.is_showing_empty_state(), name + " shows its empty state")
	var text := p.empty_state_text()
	assert_true(text.begins_with(BasePanel.EMPTY_PREFIX), "%s says 'No data yet': %s" % [name, text])
	for word: String in EXPECTED_WORDS.get(name, ["?"]):
		assert_true(text.contains(word), "%s's empty text names '%s': %s" % [name, word, text])
	assert_false(p.data_views().is_empty(), name + " has data views to hide")
	for view in p.data_views():
		assert_false(view.is_visible_in_tree(), "%s hides its %s" % [name, view.get_class()])
	var nothing := RegEx.create_from_string(NOTHING_PATTERN)
	var texts := PackedStringArray()
	var charts: Array[Control] = []
	_collect_visible(p, texts, charts)
	assert_true(texts.has(text), name + ": the empty text is on screen")
	for t in texts:
		for line in t.split("\n", false):
			assert_true(nothing.search(line) == null, "%s shows a value that says nothing: '%s'" % [name, line])
	assert_eq(charts.size(), 0, name + " shows no chart or table without data")


## Texts of the visible controls under `node` (labels, buttons, table cells, list items, rich text),
## and the visible charts and tables.
static func _collect_visible(node: Node, texts: PackedStringArray, charts: Array[Control]) -> void:
	if node is CanvasItem and not (node as CanvasItem).visible:
		return
	if node is Window and not (node as Window).visible:
		return
	if node is Label:
		texts.append((node as Label).text)
	elif node is Button:
		texts.append((node as Button).text)
	elif node is RichTextLabel:
		texts.append((node as RichTextLabel).get_parsed_text())
	elif node is ItemList:
		var list := node as ItemList
		for k in list.item_count:
			texts.append(list.get_item_text(k))
	elif node is Tree or node is LineChart or node is RegimeStrip:
		charts.append(node as Control)
	for child in node.get_children():
		_collect_visible(child, texts, charts)
