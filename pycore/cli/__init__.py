"""The command-line entry points, one module per ``python -m pycore.<command>``.

Each parses its arguments, starts the embedded cluster when the command needs a database and none is configured,
calls into the packages, and turns an expected failure into one readable line on stderr and an exit code with the
one helper :func:`pycore.cli.errors.fail`. The top-level modules ``pycore/<command>.py`` are the commands' stable
names: a few lines each that call ``main`` here.
"""
