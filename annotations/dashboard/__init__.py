"""The dashboard at /dashboard/: the page (views.py), its charts (charts.py) and its tables as
CSV (downloads.py).

Every figure comes from `selectors.stats`, the function behind /api/stats/ as well; the filters
are `annotations.filters.StatsFilterForm`, shared with the API.
"""
