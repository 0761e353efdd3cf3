extends TestCase
## Every ApiClient method against the real API over a real database with a finished backtest
## (PROMETHEUS_API_URL and an operator PROMETHEUS_API_TOKEN; tests/c2 in pytest sets both).

const STRATEGY := "US_CORE_LONG_EQ"
const TERMINAL_SCENE := preload("res://src/panels/TerminalPanel.tscn")


func _configured() -> bool:
	if not integration_configured():
		skip("PROMETHEUS_API_URL is not set")
		return false
	return true


func test_read_models() -> void:
	if not _configured():
		return
	var c := api()
	var overview := await c.get_status_overview(ApiClientService.DEFAULT_PORTFOLIO)
	assert_ok(overview, "status_overview")
	assert_eq(overview.rows().size(), 1, "one overview row for the portfolio")
	assert_true(float(overview.first().get("equity", 0)) > 0, "equity")
	var portfolio := await c.get_status_portfolio(ApiClientService.DEFAULT_PORTFOLIO)
	assert_ok(portfolio, "status_portfolio")
	assert_true(portfolio.rows().size() >= 10, "positions")
	var risk := await c.get_status_portfolio_risk(ApiClientService.DEFAULT_PORTFOLIO)
	assert_ok(risk, "status_portfolio_risk")
	assert_true(float(risk.first().get("var_95", 0)) < 0, "VaR is a loss")
	var runs := await c.get_runs(10)
	assert_ok(runs, "backtest_runs")
	assert_true(runs.total_count >= 1, "Content-Range count")
	assert_true(runs.first().has("sharpe_ratio") and runs.first().has("calmar_ratio"), "the seed's metric names")
	var run_id := ""
	for r: Dictionary in runs.rows():
		if r.get("status") == "SUCCEEDED":
			run_id = str(r.get("run_id"))
			assert_true(r.get("sharpe_ratio") is float, "a finished run has its Sharpe ratio")
			break
	var curve := await c.get_equity_curve(run_id)
	assert_ok(curve, "equity_curve")
	assert_true(curve.rows().size() > 20, "equity points")
	assert_true(curve.first().get("as_of_date") is String, "equity points by as_of_date")
	assert_true(float(curve.first().get("equity", 0)) > 0, "equity")
	var ids: Array = []
	for r: Dictionary in runs.rows():
		ids.append(str(r.get("run_id")))
	var cmp := await c.get_run_comparison(ids.slice(0, 2))
	assert_ok(cmp, "run_comparison")
	assert_eq(cmp.rows().size(), mini(2, ids.size()), "compared runs")
	assert_true(cmp.first().has("sortino_ratio") and cmp.first().has("sharpe_ratio"), "comparison metric names")
	var regimes := await c.get_regimes("2020-01-01")
	assert_ok(regimes, "regime_history")
	assert_true(regimes.rows().size() > 250, "regimes since 2020")
	var stability := await c.get_stability("2020-01-01")
	assert_ok(stability, "stability_history")
	assert_true(stability.rows().size() > 250, "stability since 2020")
	var fragile := await c.get_fragile_entities(10)
	assert_ok(fragile, "fragile_entities")
	assert_eq(fragile.rows().size(), 10, "ten fragile entities")
	var scores := await c.get_instrument_scores("score_rank.asc", 20)
	assert_ok(scores, "instrument_scores_latest")
	assert_eq(scores.rows().size(), 20, "twenty scores")
	var jobs := await c.get_jobs(5)
	assert_ok(jobs, "jobs")


func test_meta_layer_methods() -> void:
	if not _configured():
		return
	var c := api()
	var diag := await c.get_diagnostics(STRATEGY)
	assert_ok(diag, "diagnostics")
	assert_true(diag.data is Dictionary and (diag.data as Dictionary).has("by_regime"), "diagnostics by regime")
	var by_regime: Array = (diag.data as Dictionary).get("by_regime", [])
	assert_false(by_regime.is_empty(), "finished runs are grouped by regime")
	if not by_regime.is_empty():
		assert_true((by_regime[0] as Dictionary).has("sharpe_ratio"), "by regime: sharpe_ratio")
	var gen := await c.generate_proposals(STRATEGY)
	assert_ok(gen, "generate_proposals")
	var props := await c.get_proposals(STRATEGY)
	assert_ok(props, "meta_config_proposals")
	var missing := await c.apply_proposal(987654321)
	assert_eq(missing.status, 404, "apply an unknown proposal")
	assert_eq(missing.code, "PT404", "PT404")
	var missing_reject := await c.reject_proposal(987654321, "test")
	assert_eq(missing_reject.status, 404, "reject an unknown proposal")


func test_terminal_runs_a_backtest_to_success() -> void:
	if not _configured():
		return
	var panel := TERMINAL_SCENE.instantiate()
	add_child(panel)
	panel.poll_seconds = 0.3
	await panel.execute("backtest run US_CORE_LONG_EQ 2023-04-01 2023-06-30 US_EQ")
	var out: String = panel.text()
	assert_true(out.contains("submitted"), "submitted: " + out)
	assert_true(out.contains("SUCCEEDED"), "the job reached SUCCEEDED: " + out)
	assert_true(out.contains("RUNNING") or out.contains("PENDING"), "progress was followed")
	await panel.execute("jobs")
	await panel.execute("job 1")
	await panel.execute("cancel 987654321")
	assert_true(panel.text().contains("cancel refused: 404"), "cancel of an unknown job is refused with 404")
	await panel.execute("backtest run US_CORE_LONG_EQ 2023-01-01")
	assert_true(panel.text().contains("usage: backtest run"), "bad command gets a usage line")
	assert_eq(panel.history.size(), 5, "history keeps the commands")
	panel.queue_free()


func test_strategies_in_the_terminal_and_the_backtests_picker() -> void:
	if not _configured():
		return
	var terminal := TERMINAL_SCENE.instantiate()
	add_child(terminal)
	await terminal.execute("strategies")
	var out: String = terminal.text()
	for sid: String in ["US_CORE_LONG_EQ", "XMOM50", "SECTOR_MOM3", "LOWVOL100"]:
		assert_true(out.contains(sid), "the terminal lists %s: %s" % [sid, out])
	assert_true(out.contains("SQL") and out.contains("PYTHON") and out.contains("BUILTIN"), "with their kinds")
	terminal.queue_free()
	var panel := (load("res://src/panels/BacktestsPanel.tscn") as PackedScene).instantiate()
	add_child(panel)
	await panel.refresh()
	assert_true(panel.strategy_picker.item_count >= 4, "the picker lists every registered strategy")
	assert_true(panel.select_strategy("XMOM50"), "XMOM50 can be picked")
	panel.start_input.text = "2023-04-01"
	panel.end_input.text = "2023-06-30"
	var submitted: ApiResult = await panel.submit_selected()
	assert_ok(submitted, "the picked strategy is submitted")
	assert_true(panel.run_status.text.contains("XMOM50"), "the panel says what it submitted")
	var status := ""
	for _i in 600:
		var job := await api().get_job(int(submitted.data))
		status = str(job.first().get("status"))
		if status in ["SUCCEEDED", "FAILED", "CANCELLED"]:
			break
		await get_tree().create_timer(0.3).timeout
	assert_eq(status, "SUCCEEDED", "a worker ran XMOM50")
	panel.queue_free()


func test_cancel_from_the_api() -> void:
	if not _configured():
		return
	var c := api()
	var submitted := await c.run_backtest(STRATEGY, "2010-01-01", "2019-12-31", "US_EQ", {"portfolio": {"top_k": 30}})
	assert_ok(submitted, "run_backtest")
	var job_id := int(submitted.data)
	var cancelled := await c.cancel_job(job_id)
	assert_ok(cancelled, "cancel_job")
	assert_true(str(cancelled.data) in ["CANCELLED", "CANCEL_REQUESTED"], "cancel answered " + str(cancelled.data))
	var job := await c.get_job(job_id)
	assert_ok(job, "get_job")
	assert_eq(job.rows().size(), 1, "the job is listed")


func test_error_paths_401_404_and_server_down() -> void:
	if not _configured():
		return
	var c := api()
	var not_found := await c.get_rows("no_such_view")
	assert_eq(not_found.status, 404, "unknown view")
	assert_false(not_found.message.is_empty(), "PostgREST message")
	var saved := c.token
	c.token = ""
	var anon := await c.run_backtest(STRATEGY, "2023-01-01", "2023-02-01")
	assert_eq(anon.status, 401, "control without a token")
	assert_eq(anon.code, "42501", "permission denied")
	c.token = "not.a.jwt"
	var bad := await c.get_jobs(1)
	assert_eq(bad.status, 401, "a bad token is 401")
	assert_eq(bad.code, "PGRST301", "PGRST301")
	c.token = saved
	var url := c.base_url
	c.base_url = "http://127.0.0.1:9"
	var down := await c.get_jobs(1)
	assert_true(down.is_unreachable(), "server down is reported, not crashed: " + down.describe())
	assert_false(c.reachable, "the client knows the API is unreachable")
	var panel := (load("res://src/panels/OverviewPanel.tscn") as PackedScene).instantiate() as BasePanel
	add_child(panel)
	var ok := await panel.refresh()
	assert_false(ok, "the panel's refresh failed")
	assert_true(panel.status_text().contains("unreachable"), "the panel says so: " + panel.status_text())
	assert_true(panel.status_text().contains("retrying"), "and retries")
	c.base_url = url
	assert_true(await panel.refresh(), "it recovers when the API is back")
	assert_true(c.reachable, "reachable again")
	panel.queue_free()


func test_every_panel_loads_real_data() -> void:
	if not _configured():
		return
	var main := (load("res://src/main/Main.tscn") as PackedScene).instantiate()
	add_child(main)
	await get_tree().process_frame
	for i in main.panels.size():
		await main.show_panel(i)
		var p: BasePanel = main.panels[i]
		if p.loading:
			await p.refreshed
		assert_true(p.last_result != null and p.last_result.is_ok(), "%s: %s" % [p.title_text, p.status_text()])
		assert_true(p.has_data, p.title_text + " has data")
		assert_false(p.is_showing_empty_state(), p.title_text + " is not empty")
		for view in p.data_views():
			assert_true(view.is_visible_in_tree(), "%s shows its %s" % [p.title_text, view.get_class()])
	assert_eq(main.panels[0]._values["portfolio"].text, "MAIN", "the overview shows the seed's portfolio MAIN")
	assert_true(BasePanel.table_rows(main.panels[4].positions) >= 10, "positions of MAIN")
	assert_false(main.panels[4].no_risk.visible, "MAIN has a risk report")
	var backtests = main.panels[5]
	assert_true(backtests.equity_chart.has_values(), "the equity curve of the selected run is drawn")
	assert_true(backtests.drawdown_chart.has_values(), "and its drawdown")
	var finished: Array = []
	var item: TreeItem = backtests.runs.get_root().get_first_child()
	while item != null:
		if item.get_text(3) == "SUCCEEDED":
			finished.append(item.get_metadata(0))
			assert_true(item.get_text(5).is_valid_float(), "the runs table shows sharpe_ratio: " + item.get_text(5))
		item = item.get_next()
	assert_true(finished.size() >= 1, "finished runs listed")
	await backtests.compare_runs(finished.slice(0, 2))
	assert_eq(BasePanel.table_rows(backtests.comparison), mini(2, finished.size()), "runs compared side by side")
	assert_true(backtests.comparison_chart.has_values(), "normalized equity drawn")
	var compared := BasePanel.first_cell(backtests.comparison, 3) + BasePanel.first_cell(backtests.comparison, 4)
	assert_false(compared.contains(Fmt.MISSING), "comparison shows sharpe_ratio and sortino_ratio: " + compared)
	var assessment = main.panels[3]
	assessment._on_table_column_title_clicked(4, MOUSE_BUTTON_LEFT)
	var top_ascending: String = assessment.first_row_text(4)
	assessment._on_table_column_title_clicked(4, MOUSE_BUTTON_LEFT)
	var top_descending: String = assessment.first_row_text(4)
	assert_true(float(top_descending.replace(",", "")) >= float(top_ascending.replace(",", "")), "sorting by score")
	main.queue_free()
