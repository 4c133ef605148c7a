# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% tags=["parameters"] slideshow={"slide_type": "skip"}
place: str = "frankfurt"  # case place key, name or NUTS2/NUTS3 code
year: int = 0  # business-statistics year (2008-2015); 0: the place's latest full year, as on its card
scheme: str = "uscmp"  # cluster scheme: "uscmp", "colocation" or an emerging-industry scheme ("kibs", ...)

# %% slideshow={"slide_type": "slide"}
from s3lib.outputs.explorer import Explorer

app = Explorer(place, year, scheme)
app.widget

# %% [markdown] slideshow={"slide_type": "skip"}
# <details><summary><b>How to use the explorer, and what its figures show</b></summary>
#
# For live workshops: type a city (`Munich`), a case place (`porto`), a name (`Gironde`) or a
# NUTS2/NUTS3 code (`ES21`, `ITC11`) and press Enter (or pick a suggestion), choose a year and a
# cluster scheme, and the key figures are redrawn: the key numbers, the place's largest clusters, the
# EU map of its leading cluster and the place's cluster card.
#
# The location quotient compares the cluster's share of the region's employment with its share
# in all EU NUTS2 regions, $LQ_{rc} = (E_{rc}/T_r)/(E_{\cdot c}/T_{\cdot\cdot})$. Industry figures
# are for the place's NUTS2 region (the business statistics stop there): the header names that region
# and the place it contains. Missing cells are confidential, not zero. The first use of a year or
# scheme computes the EU-wide tables (a few seconds); after that a redraw takes a fraction of a second.
#
# This notebook needs a live kernel (widgets); it is not part of `make run`. To present it,
# `make present` serves it as a Voila app (no code, nothing saved into this notebook).
#
# </details>
