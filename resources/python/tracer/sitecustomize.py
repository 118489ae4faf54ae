"""ParViz's tracer, loaded into a program it traces (see PROTOCOL.md).

ParViz puts this folder first on PYTHONPATH. With PARVIZ_TRACE_PIPE set, this
loads parviz_tracer; in every case it then runs the sitecustomize it shadows
(Debian has one), so that the program starts as it would without ParViz.
"""

import os
import sys


def _parviz_load():
    here = os.path.dirname(os.path.abspath(__file__))
    if os.environ.get("PARVIZ_TRACE_PIPE"):
        try:
            import parviz_tracer  # noqa: F401

            parviz_tracer.install()
        except Exception:
            pass  # the program runs untraced rather than not at all
    import importlib.machinery
    import importlib.util

    path = [p for p in sys.path if os.path.abspath(p or ".") != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", path)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules["sitecustomize"] = module
    spec.loader.exec_module(module)


_parviz_load()
del _parviz_load
