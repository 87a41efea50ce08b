"""Keep only the MeCab dictionary pages that are used in resident memory.

MeCab memory-maps unidic-lite's dictionary (sys.dic 179 MB, matrix.bin 69 MB) and reads it at
random: each word looks up a few scattered entries. With the kernel's defaults a fault reads ahead
and maps whole large folios of the page cache, so after a few hundred messages nearly all 250 MB
were resident in the bot (measured on these machines: 252 MB of dictionary pages after screening
the dev set, 63 MB with this advice). Telling the kernel the access is random (``MADV_RANDOM``)
and dropping the file's cached pages once (``POSIX_FADV_DONTNEED``, clean pages nobody maps) makes
them come back one page at a time, only where MeCab looks. Where either call is missing (not
Linux), nothing changes but memory.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import mmap
import os
from pathlib import Path

_libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
_madvise = getattr(_libc, "madvise", None)
if _madvise is not None:
    _madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]


def read_on_demand(directory: Path) -> None:
    """Advise random access for this process's mappings of files under ``directory``."""
    prefix = str(directory.resolve())
    files: set[str] = set()
    with open("/proc/self/maps", encoding="utf-8") as maps:
        for line in maps:
            fields = line.split(maxsplit=5)
            if len(fields) < 6 or not fields[5].startswith(prefix):
                continue
            start, end = (int(x, 16) for x in fields[0].split("-"))
            if _madvise is not None:
                _madvise(start, end - start, getattr(mmap, "MADV_RANDOM", 1))
            files.add(fields[5].rstrip("\n"))
    for name in files:
        fd = os.open(name, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
