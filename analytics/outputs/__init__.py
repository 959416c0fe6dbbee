"""Outputs: what leaves the app: charts, the findings Presenter mode shows, the manager profile, the
PDF handout, the offline report, and downloads that no spreadsheet runs as formulas.

May import: every layer of the engine; never streamlit or ``ui``.
"""

from analytics.outputs.downloads import neutralise, safe_csv, safe_xlsx
from analytics.outputs.findings import Insight, insights
from analytics.outputs.handout import handout_pdf
from analytics.outputs.report import report_html

__all__ = ["handout_pdf", "Insight", "insights", "neutralise", "report_html", "safe_csv", "safe_xlsx"]
