"""Tools for the project, not the engine: the demo generator (``python -m tools.demo``, ``make demo``)
and the generator of docs/DATA.md (``python -m tools.data_docs``)."""
