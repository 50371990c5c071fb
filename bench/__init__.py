"""Side-by-side benchmarks of odoo-mailq: each measurement next to a baseline, same run.

Run ``python -m bench.run`` (see BENCHMARKS.md). Nothing here is imported by the console.
"""
