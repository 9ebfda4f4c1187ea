# numpy 2.4+ cannot be imported twice in one process; pytester's in-process runs unload
# modules they imported, so numpy is imported once here, before any of them.
import numpy  # noqa: F401
