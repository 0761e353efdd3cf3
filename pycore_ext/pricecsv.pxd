# Contract of the daily-price CSV parser: CSV bytes in, binary COPY payload out.
from pycore_ext.copybuf cimport CopyBuffer
