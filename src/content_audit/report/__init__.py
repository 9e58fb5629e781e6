"""Reports of a site audit: the CSV files (``csv.py``) and the HTML report (``html.py``).

Shell code: reports write files, so the pure core never imports this package.
"""
