# The headless test runner: godot --headless --path c2 -s tests/run.gd
# Runs every test_* method of res://tests/test_*.gd (awaiting coroutines), counts
# GDScript runtime errors as failures through a Logger, prints "N passed, N failed"
# and exits non-zero when anything failed. TEST_FILTER=name runs matching methods only;
# TEST_DIR=res://tests/empty_database runs the suite of that folder instead (the console
# against an API over an empty database).
extends SceneTree


class ScriptErrorLog:
	extends Logger
	var errors: Array[String] = []
	var _mutex := Mutex.new()

	func _log_error(
		function: String,
		file: String,
		line: int,
		code: String,
		rationale: String,
		_editor_notify: bool,
		error_type: int,
		_script_backtraces: Array[ScriptBacktrace]
	) -> void:
		if error_type == ERROR_TYPE_SCRIPT:
			_mutex.lock()
			errors.append("%s:%d in %s: %s %s" % [file, line, function, code, rationale])
			_mutex.unlock()

	func take() -> Array[String]:
		_mutex.lock()
		var out := errors.duplicate()
		errors.clear()
		_mutex.unlock()
		return out


var _log := ScriptErrorLog.new()


func _initialize() -> void:
	OS.add_logger(_log)
	_run.call_deferred()


func _run() -> void:
	var passed := 0
	var failed := 0
	var skipped := 0
	var only := OS.get_environment("TEST_FILTER")
	var dir := OS.get_environment("TEST_DIR")
	if dir.is_empty():
		dir = "res://tests"
	var files := DirAccess.get_files_at(dir)
	if files.is_empty():
		print("FAIL no test files in %s" % dir)
		failed += 1
	files.sort()
	for f in files:
		if not (f.begins_with("test_") and f.ends_with(".gd")):
			continue
		var script: GDScript = load(dir.path_join(f))
		if script == null or not script.can_instantiate():
			print("FAIL %s: does not load" % f)
			failed += 1
			continue
		for m in script.get_script_method_list():
			var name: String = m["name"]
			if not name.begins_with("test_") or (not only.is_empty() and not name.contains(only)):
				continue
			var t: TestCase = script.new()
			root.add_child(t)
			_log.take()
			await t.call(name)
			var problems: Array[String] = t.failures + _log.take()
			if not t.skipped.is_empty() and problems.is_empty():
				skipped += 1
				print("skip %s::%s (%s)" % [f, name, t.skipped])
			elif problems.is_empty():
				passed += 1
				print("ok   %s::%s" % [f, name])
			else:
				failed += 1
				print("FAIL %s::%s\n     %s" % [f, name, "\n     ".join(problems)])
			t.queue_free()
			await process_frame
	print("%d passed, %d failed, %d skipped" % [passed, failed, skipped])
	OS.remove_logger(_log)
	quit(1 if failed > 0 else 0)
