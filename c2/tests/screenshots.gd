# Rendered screenshots of every panel on real data (run under Xvfb with software OpenGL):
#   xvfb-run -a godot --path c2 --rendering-driver opengl3 --display-driver x11 --audio-driver Dummy \
#       -s tests/screenshots.gd
# Saves one PNG per panel into SCREENSHOT_DIR and fails when a panel did not load or an image is blank.
# SCREENSHOT_EXPECT=empty (an API over an empty database): each panel must instead show its
# "No data yet" state.
extends SceneTree

const MIN_COLOURS := 12
const MIN_LUMA_STDDEV := 0.03


func _initialize() -> void:
	_run.call_deferred()


## A blank image: (almost) one colour. Samples a grid of pixels.
static func is_blank(img: Image) -> bool:
	var colours := {}
	var sum := 0.0
	var sum_sq := 0.0
	var n := 0
	for y in range(0, img.get_height(), 6):
		for x in range(0, img.get_width(), 6):
			var c := img.get_pixel(x, y)
			colours[Color(snappedf(c.r, 0.05), snappedf(c.g, 0.05), snappedf(c.b, 0.05)).to_html()] = true
			var luma := 0.299 * c.r + 0.587 * c.g + 0.114 * c.b
			sum += luma
			sum_sq += luma * luma
			n += 1
	if n == 0:
		return true
	var mean := sum / n
	var stddev := sqrt(maxf(0.0, sum_sq / n - mean * mean))
	return colours.size() < MIN_COLOURS or stddev < MIN_LUMA_STDDEV


func _run() -> void:
	var expect_empty := OS.get_environment("SCREENSHOT_EXPECT") == "empty"
	var out := OS.get_environment("SCREENSHOT_DIR")
	if out.is_empty():
		out = ProjectSettings.globalize_path("user://screenshots")
	DirAccess.make_dir_recursive_absolute(out)
	var main: Node = (load("res://src/main/Main.tscn") as PackedScene).instantiate()
	root.add_child(main)
	await process_frame
	var failed := 0
	for i in main.panels.size():
		await main.show_panel(i)
		var panel: BasePanel = main.panels[i]
		if panel.loading:
			await panel.refreshed
		if panel.has_method("execute"):
			await panel.call("execute", "jobs")
		for k in 10:
			await process_frame
		await RenderingServer.frame_post_draw
		var img := root.get_texture().get_image()
		var file := out.path_join(
			"%02d_%s.png" % [i, panel.title_text.to_lower().replace(" & ", "_").replace(" ", "_")]
		)
		img.save_png(file)
		var blank := is_blank(img)
		var answered := panel.last_result != null and panel.last_result.is_ok()
		var loaded := answered and panel.has_data
		var as_expected := panel.is_showing_empty_state() if expect_empty else loaded
		var why := ""
		if not as_expected:
			why = (
				" (not showing its empty state: %s)" % panel.status_text()
				if expect_empty
				else (" (no data: %s)" % panel.status_text())
			)
		print(
			(
				"%s %s %dx%d%s%s"
				% [
					"ok  " if as_expected and not blank else "FAIL",
					file,
					img.get_width(),
					img.get_height(),
					why,
					" BLANK" if blank else ""
				]
			)
		)
		if blank or not as_expected:
			failed += 1
	print("%d panels, %d failed" % [main.panels.size(), failed])
	quit(1 if failed > 0 else 0)
