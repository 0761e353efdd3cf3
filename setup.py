"""Build configuration for the compiled core.

The Cython compiler directives live here and only here: the .pyx sources carry none.
"""

from Cython.Build import cythonize
from setuptools import Extension, setup

DIRECTIVES = {
    "language_level": "3",
    "boundscheck": False,
    "wraparound": False,
    "initializedcheck": False,
    "cdivision": True,
    "nonecheck": False,
    "embedsignature": True,
}

MODULES = ["copybuf", "pricecsv", "rowbuf", "timemachine", "simulator", "broker", "runner", "portfolio"]

extensions = [
    Extension(f"pycore_ext.{name}", [f"pycore_ext/{name}.pyx"], extra_compile_args=["-O3"])
    for name in MODULES
]

setup(ext_modules=cythonize(extensions, compiler_directives=DIRECTIVES))
