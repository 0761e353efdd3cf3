"""Compiled core of Prometheus v2 (Cython).

Modules here take typed inputs and fill typed buffers; they do no I/O. The Python
package ``pycore`` owns connections and drains the buffers with binary COPY.
"""
