# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: s3lib
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   s3lib:
#     scope: suite
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 00 · A tour of the data
#
# What the suite runs on: which files are bundled and where they come from, how complete the
# employment statistics are by NUTS level and year, what is missing, which cells are estimated or
# broken, and where the case places lie. Every number below is read from the bundled snapshot (`data/`), which works offline.

# %% slideshow={"slide_type": "skip"} tags=["parameters"]
places: list = ["frankfurt", "bordeaux", "bilbao", "turin", "bucharest", "porto"]  # case place keys or NUTS codes
year: int = 2014  # reference year of the tour (2008-2015; 2014 is the best cross-section)
figures_dir: str = ""  # where figures are written (the runner sets it; empty: the project's figures/)

# %% slideshow={"slide_type": "skip"}
import pandas as pd
from IPython.display import Image, Markdown, display
from matplotlib.patches import Patch

from s3lib import data, plots
from s3lib.config import SUITE_KEY
from s3lib.study import MIN_COVERAGE, Study, place_year

plots.show_tables_for_people()  # every table below for people: plain headers, yes/no, thousands separators

PLACES = [data.place(p) for p in places]
WHO = f"{len(PLACES)} case places"
NUTS2 = list(dict.fromkeys(p.nuts2 for p in PLACES if p.nuts2))
MIN_SHARE = MIN_COVERAGE  # the sample rule of every EU-wide measure: at least half of the divisions observed
save = plots.saver(figures_dir, SUITE_KEY, "00")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What is bundled
#
# The snapshot is built by `s3lib data build` from public Eurostat, GISCO, JRC and US Cluster
# Mapping files. Each file is checked against its sha256 in `data/manifest.json` when first read.
# The table lists every file with its row count, source dataset, vintage and licence line.

# %% slideshow={"slide_type": "subslide"}
manifest = data.manifest()
bundled = pd.DataFrame(manifest["files"])[["file", "rows", "dataset", "vintage", "licence"]]
bundled = bundled.rename(columns={"dataset": "source"})
display(Markdown(f"Snapshot built {manifest.get('built_at', '?')} by `{manifest.get('command', '?')}`: "
                 f"{len(bundled)} files, {bundled['rows'].sum():,} rows."))
with pd.option_context("display.max_colwidth", 90):
    display(bundled.set_index("file"))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Coverage by level and year
#
# Employment by industry comes from the structural business statistics (`sbs_r_nuts06_r2`,
# persons employed) at NUTS 0, 1 and 2 for 68 NACE divisions. A cell is *missing* when Eurostat
# withholds it (confidential, flag `c`) or does not publish it; missing is not zero. The coverage
# of a region in a year is
#
# $$\text{coverage}_{r,t} = \frac{\#\{\text{divisions } i : x_{rit} \text{ observed}\}}{68}.$$
#
# The table gives, per level and year, how many regions report at least one division and their
# median coverage.

# %% slideshow={"slide_type": "subslide"}
observed = data.coverage(level=None)  # share of the divisions observed, every region and year (extra-regio left out)
by_level = observed.groupby(["level", "year"])["coverage"].agg(regions="size", median="median").unstack("year")
display(by_level.style.format("{:.0f}", subset="regions").format("{:.0%}", subset="median"))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The figure shows NUTS2 coverage by country and year (mean over the country's NUTS2 regions;
# a white cell is a year without any value; colours saturate at 50 % and below) and, on the
# right, how many NUTS2 regions reach the sample rule of the suite's EU-wide measures (at least
# half of the divisions observed) each year. Countries of the case places are marked ▶.

# %% slideshow={"slide_type": "subslide"}
nuts2 = observed[observed["level"] == 2]
years = sorted(observed["year"].unique())
heat = nuts2.pivot_table(index="country", columns="year", values="coverage", aggfunc="mean").reindex(columns=years)
well = nuts2[nuts2["coverage"] >= MIN_SHARE].groupby("year").size().reindex(years, fill_value=0)
fig, (ax, bx) = plots.figure(1, 2, width_ratios=[2.3, 1])
plots.coverage_heatmap(ax, heat, highlight=[p.country for p in PLACES],
                       label="mean share of the 68 divisions observed")
plots.count_bars(bx, well, ylabel=f"NUTS2 regions with ≥ {MIN_SHARE:.0%} coverage", title="Well-covered NUTS2 regions")
with plots.style():
    ax.set_title("NUTS2 coverage by country (mean over regions)", fontsize=14, loc="left")
plots.annotate(fig, "Coverage of the business statistics", place=WHO, level="NUTS2",
               year=f"{years[0]}-{years[-1]}", source=[plots.SOURCE_SBS])
display(Image(save(fig, "coverage")))

# %% slideshow={"slide_type": "fragment"}
best = [str(y) for y in well.index[well == well.max()]]
total_year = nuts2[nuts2["year"] == year]
display(Markdown(
    f"In {year}, {int(well[year])} of {len(total_year)} NUTS2 regions with data reach {MIN_SHARE:.0%} coverage; the best "
    f"{'year is' if len(best) == 1 else 'years are'} {', '.join(best)} ({int(well.max())} regions). "
    "Countries with no NUTS2 value in some year: "
    + "; ".join(f"{c} ({', '.join(str(y) for y in heat.columns[heat.loc[c].isna()])})"
                for c in heat.index if heat.loc[c].isna().any()) + "."))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The case regions, year by year
#
# Industry detail stops at NUTS2, so each case place is analysed through its NUTS2 region. Their
# coverage (share of the 68 divisions observed) by year:

# %% slideshow={"slide_type": "subslide"}
case = (nuts2[nuts2["region"].isin(NUTS2)].pivot(index="region", columns="year", values="coverage")
        .reindex(index=NUTS2, columns=years))
names = data.regions(level=2).set_index("code")["name"]
case.index = [f"{c} {names.get(c, '')}" for c in case.index]
display(case.style.format("{:.0%}", na_rep="–").background_gradient(cmap=plots.SEQUENTIAL, vmin=0, vmax=1))
low = {r: [str(y) for y in years if not case.loc[r, y] >= MIN_SHARE] for r in case.index}
low = {r: ys for r, ys in low.items() if ys}
display(Markdown(f"Below {MIN_SHARE:.0%} or without data: " + "; ".join(f"{r} in {', '.join(ys)}" for r, ys in low.items())
                 + ". The analysis keeps the case regions whatever their coverage and says so." if low else
                 f"Every case region has at least {MIN_SHARE:.0%} coverage in every year."))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The gaps
#
# What the data cannot show, and where it matters for the case places:

# %% slideshow={"slide_type": "subslide"}
display(Markdown("\n".join(f"- {gap}" for gap in data.GAPS)))
nuts3 = set(data.broad_sectors(level=3, year=year)["region"])
without = [p for p in PLACES if p.level == 3 and p.code not in nuts3]
structure = data.caveats([c for p in PLACES for c in (p.key, p.code, p.nuts2, p.nuts1)], "sbs")
display(Markdown(
    "Case places without a NUTS3 broad-sector breakdown in " + f"{year}: "
    + (", ".join(f"{p.name} ({p.code})" for p in without) or "none") + ". Where the gaps matter for a place "
    "(data/caveats.csv):\n\n" + "\n".join(f"- **{r.code}**: {r.text}" for r in structure.itertuples())))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Checks before any measure: estimated cells and breaks
#
# Before an entry, an exit or a new path is read, every cell of a place's region is checked over its
# default year and the five years before it (`s3lib.study.integrity`):
#
# - **estimated**: a confidential cell filled from its NUTS1 or national total (the parent minus its
#   published children, shared by the children's employment in the nearest year). A parent that is
#   missing, or smaller than its published children, leaves the cell missing: never a zero.
# - **cell break**: the cell and its parent region both move by 50 % or more in one year
#   ($x_{t}/x_{t-1} \le 1/2$ for both, or $\ge 3/2$ for both): a reclassification, not a change
#   of the economy (the parent is the NUTS1 region, or the country where the NUTS1 region is the same territory).
# - **series break**: Eurostat's own break flag (`b`) on the cell.
#
# Cells with a break give no entry and no exit (notebook 02), and a cell break excludes the division from
# the new paths. The same line is printed on each place's card.

# %% slideshow={"slide_type": "subslide"}
checks = []
for p in PLACES:
    own_year = place_year(p.key)[0]  # each place in its own default year, as on its card
    view = Study("sbs", level=2, year=own_year).at(p.key)
    checks.append(f"- **{p.name}** ({view.region}, {own_year}): {view.data_checks.notes[0]}")
display(Markdown("\n".join(checks)))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Where the case places are
#
# The map shows the NUTS2 regions whose business statistics stand for the case places (filled)
# and the NUTS3 cities themselves (circles). Projection: ETRS89-LAEA (EPSG:3035), mainland Europe.

# %% slideshow={"slide_type": "subslide"}
regions2 = data.geometries(2)
cities = plots.label_points(data.geometries(3), [p.code for p in PLACES], [f"{p.city or p.name} ({p.code})" for p in PLACES])
colours = {p.nuts2: plots.OKABE_ITO[i % 7] for i, p in enumerate(PLACES)}
extent = plots.extent_of(regions2, NUTS2, pad=0.12, aspect=1.45)
fig, ax = plots.figure()
plots.region_map(ax, regions2, fills=colours, points=cities, extent=extent, borders=data.geometries(0))
with plots.style():
    ax.legend(handles=[Patch(facecolor=colours[p.nuts2], edgecolor="black", label=f"{p.nuts2} {names.get(p.nuts2, '')}")
                       for p in PLACES], loc="upper left", bbox_to_anchor=(1.0, 1.0), title="NUTS2 region",
              frameon=False)
plots.annotate(fig, "Case places and their regions", place=WHO, level="NUTS2 and NUTS3",
               year=f"{year}", source=["Source: Eurostat GISCO NUTS 2021 regions; case places from data/places.csv.",
                                        plots.SOURCE_GISCO + " EPSG:3035."])
display(Image(save(fig, "map")))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Read every industry figure of the suite as a figure for the filled region, not for the city
# alone: the legend names the NUTS2 region that stands for each place.
