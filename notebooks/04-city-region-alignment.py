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

# %% [markdown] slideshow={"slide_type": "slide"}
# # 04 City-region alignment: RIS3 priorities against the place's specialisations
#
# **Question.** A region's smart-specialisation strategy (RIS3) names a handful of broad priorities, owned by
# a NUTS2 region, a German Land or a French region (NUTS1), while the city sits at NUTS3. Do the priorities
# cover what the place is specialised in, and what does the place do that no priority names?
#
# **Method in one line.** Each priority is mapped to NACE industries (**our own mapping**, not the
# strategies'), then matched with the place's employment and location quotients (LQ) at every level the
# statistics allow: the strategy owner's level, NUTS2 (industry detail), NUTS3 (the city, broad sectors only).

# %% tags=["parameters"] slideshow={"slide_type": "skip"}
place: str = "frankfurt"  # case place key, or any NUTS code
year: int = 0  # employment year (2008-2015); 0: each strategy with data of its own period
period: str = "auto"  # RIS3 period: "auto" (latest sourced list for the owner), "2021-2027" or "2014-2020"
figures_dir: str = ""  # where figures are written (the runner sets it; empty: the project's figures/)

# %% slideshow={"slide_type": "skip"}
import pandas as pd
from IPython.display import Image, Markdown, display

from s3lib import data, plots
from s3lib.analyses import ris3
from s3lib.errors import DataError, UnknownChoiceError
from s3lib.measures import alignment as measures
from s3lib.study import Study, place_year

plots.show_tables_for_people()  # every table below for people: plain headers, yes/no, thousands separators

study = Study("sbs", level=2, year=place_year(place, year)[0])  # the EU industry space shared by the suite
V = study.at(place)
P = V.place
choice = ris3.choose(P.code, period)
period_text = choice.period or "all periods"
names = data.nace(level="division").set_index("code")["name"].to_dict()
region_names = data.regions().set_index("code")["name"].to_dict()
save = plots.saver(figures_dir, place, "04")


def where(code: str) -> str:
    """'Darmstadt (DE71)'."""
    return f"{region_names.get(code, code)} ({code})"


# Every level the statistics allow: the owner's (when it is NUTS1), NUTS2 (industry detail), NUTS3 (broad sectors).
levels = [lvl for lvl, code in ((1, P.nuts1), (2, P.nuts2), (3, P.nuts3))
          if code and (lvl > 1 or P.ris3_level == 1) and choice.kind != "none"]
results, skipped = {}, {}
for lvl in levels:
    try:
        # the same study at each level (settings kept), on data of the strategy's own period unless a year is chosen
        results[lvl] = V.alignment(period, level=lvl, year=year or "paired")
    except DataError as exc:
        skipped[lvl] = str(exc)
main = results.get(2) or next(iter(results.values()), None)  # NUTS2: the finest level with NACE divisions
year = main.year if main is not None else study.year  # the data year the strategy is read against
kind_text = {"regional": "RIS3 priorities", "national fallback": "national fallback domains (not the region's list)",
             "strengths only": "sourced strengths (orientation only, not the S3 list)", "none": "RIS3 priorities"}
rows_text = kind_text[choice.kind]
# short words for figure titles (a title must fit 1280 px): what the rows are, and which list
period_short = f"{choice.period[:5]}{choice.period[-2:]}" if choice.period and choice.period[0].isdigit() else ""
row_word = {"national fallback": "domain", "strengths only": "strength"}.get(choice.kind, "priority")
rows_word = {"domain": "domains", "strength": "strengths", "priority": "priorities"}[row_word]
tag = {"regional": f"RIS3 {period_short}", "national fallback": f"{P.country} fallback {period_short}",
       "strengths only": "not an S3 list", "none": "RIS3"}[choice.kind]
display(Markdown(f"**{P.name} ({P.code})**: RIS3 list `{choice.kind}`, period {period_text}, read against "
                 f"employment {year}; levels "
                 + ", ".join(f"NUTS{lvl} {a.region}" for lvl, a in results.items())
                 + (f"; not computed: {', '.join(f'NUTS{lvl}' for lvl in skipped)}" if skipped else "") + "."))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Who owns the strategy, and which list is matched
#
# The table lists every strategy on record for the place's owner (and its parents), with what was found. The
# period `"auto"` picks the latest period whose priority list is **sourced**; where no regional list was
# found it falls back to the national domains (labelled as such); where no list exists at all nothing is
# invented: sourced regional strengths are shown **for orientation only**.
#
# **Period pairing.** A strategy is read against data of its own period where the data have it: a 2014-2020
# list against 2014 employment, the economy it started from. The business statistics end in 2015, so a
# 2021-2027 list can only be read against the place's latest full year (2014 or 2015), six or seven years
# before the period starts: the match then says how the strategy fits the economy as it was, not as it is.
# Where the region's 2014-2020 list is sourced too, `period = "2014-2020"` gives the like-for-like reading.

# %% slideshow={"slide_type": "subslide"}
try:
    record = ris3.strategies(P.code)
except UnknownChoiceError:  # a region outside the curated table
    record = None
owner = f"{where(P.ris3_owner)}, NUTS{P.ris3_level}" if P.ris3_owner else "not recorded"
lines = [f"**{P.name}** ({P.code}, NUTS{P.level}). RIS3 owner: **{owner}**."]
if choice.kind == "regional":
    used = record[(record["period"] == choice.period) & (record["status"] == "sourced")]
    lines.append(f"Matched: **{'; '.join(used['strategy'])}** ({choice.period}), "
                 f"{len(main.priorities) if main else 0} priorities and niches, as sourced.")
elif choice.kind == "national fallback":
    fallback = record.loc[record["status"].str.startswith("fallback"), "strategy"]
    lines.append(f"**The region's own priority list was not found.** Matched instead: the **national fallback "
                 f"domains** ({'; '.join(fallback)}), owned by the country (NUTS0): they are not the region's list.")
elif choice.kind == "strengths only":
    lines.append("No priorities are invented. Shown below for orientation only: **sourced regional strengths, "
                 "not the S3 list**.")
else:
    lines.append(f"**No RIS3 priority list on record** for this place and period ({period_text}): nothing to match.")
if record is not None and (record["status"] == "list_not_found").any():
    lines.append("**Priority list not found** in the sources for: " + "; ".join(
        f"{where(r.owner_code)} {r.period} ({r.strategy})" for r in record[record["status"] == "list_not_found"]
        .itertuples()) + ".")
display(Markdown(" ".join(lines)))
if record is not None:
    display(record[["owner_code", "owner_level", "strategy", "period", "status", "n_rows"]]
            .rename(columns={"n_rows": "priorities"}))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The matched rows with our NACE mapping (divisions; a finer code such as `C266` makes the whole division an
# upper bound for the priority). Every code has its reason in `data/ris3_priorities.csv` (column `codes_why`);
# each mapping was reviewed for codes that bring in employment the priority does not mean (the Romanian
# "security" domain had been mapped to private security guards, N80).

# %% slideshow={"slide_type": "fragment"}
if main is not None and len(main.priorities):
    display(main.priorities[["label", "type", "priority_original", "nace_detail", "codes_why"]]
            .rename(columns={"nace_detail": "NACE (own mapping)", "codes_why": "why each code"}).set_index("label"))
else:
    display(Markdown("**No rows to match.**"))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. The matching matrix
#
# Rows are the priorities, columns the industries they map to, at NUTS2 (the finest level with NACE
# divisions; the city's own NUTS3 data has broad sectors only). Colour is the location quotient against all
# NUTS2 regions in the business statistics,
# $LQ_i = \dfrac{x_i / x_\cdot}{X_i / X_\cdot}$, on a log scale centred at 1 (purple: specialised,
# orange: under-represented); each cell shows the region's persons employed. Grey cells cannot be measured:
# hatched **n/m** = the section is not in the statistics (A, K, O-U), **–** = confidential for this region.
# A faded cell with a dotted frame is a local or mixed industry: shown with its LQ, counted in neither coverage
# nor fit.
# A dashed frame marks a priority that maps only part of the industry.

# %% slideshow={"slide_type": "subslide"}
if main is not None and len(main.match):
    ncol = main.match["industry"].nunique()
    fig, ax = plots.figure()
    plots.alignment_heatmap(ax, main.match, label_width=26 if ncol > 25 else 34)
    plots.annotate(fig, f"{row_word.capitalize()} x industry LQ ({tag})", place=f"{P.name} ({main.region})",
                   level=f"NUTS{main.level}", year=year,
                   source=[plots.SOURCE_SBS, ("Priorities: data/ris3_priorities.csv (sourced); "
                                              "NACE mapping of the priorities: our own, not the strategies'.")])
    display(Image(save(fig, "matching-matrix")))
else:
    display(Markdown("**No matching matrix**: no priority list to match (see section 1)."))

# %% [markdown] slideshow={"slide_type": "fragment"}
# **What the matrix shows here** (computed from the table above):

# %% slideshow={"slide_type": "fragment"}
if main is not None and len(main.match):
    m = main.match
    measured = m[m["status"] == "measured"].drop_duplicates("industry")
    spec = measured[measured["specialised"].fillna(False).astype(bool)]
    top = measured.sort_values("lq", ascending=False).head(3)
    not_meas = sorted(set(m.loc[m["status"] == measures.NOT_MEASURABLE, "industry"]))
    missing = sorted(set(m.loc[m["status"] == measures.MISSING, "industry"]))
    text = (f"In {where(main.region)}, the {len(main.priorities)} {rows_text} map to {m['industry'].nunique()} "
            f"industries; {len(measured)} are measured and **{len(spec)} are specialised** (LQ ≥ 1). Highest LQ: "
            + ", ".join(f"{r.industry} {plots.short_name(names.get(r.industry, ''), 30)} ({r.lq:.2f})"
                        for r in top.itertuples()) + ".")
    if not_meas:
        text += f" Not measurable in the business statistics: {', '.join(not_meas)}."
    if missing:
        text += f" Confidential or unpublished here: {', '.join(missing)}."
    local = sorted(set(m.loc[m["status"] == measures.NOT_TRADED, "industry"]))
    if local:
        text += f" Local or mixed, shown but not counted: {', '.join(local)}."
    display(Markdown(text))
    codes = sorted(set(m["industry"]))
    display(Markdown("Industry codes: " + "; ".join(f"**{c}** {plots.short_name(names.get(c, c), 34)}" for c in codes)))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Coverage and fit
#
# With $x_i$ the place's employment in industry $i$, $M_i = 1$ if $LQ_i \ge 1$, and $P$ the measured **traded**
# industries a priority maps to (each counted once; the *all priorities* row uses their union; the sum over
# $i$ in fit runs over the traded industries too):
#
# $$\text{coverage} = \frac{\sum_{i \in P} M_i\,x_i}{\sum_{i \in P} x_i} \qquad
#   \text{fit} = \frac{\sum_{i \in P} M_i\,x_i}{\sum_{i} M_i\,x_i}$$
#
# Coverage: how much of the priorities' employment lies in industries the place is specialised in. Fit: how
# much of the place's specialised employment the priorities cover (1 - fit is left out of every priority).
# **Traded only**: local and mixed industries (retail, restaurants, construction, temporary agency work) are
# specialised wherever people live and no strategy targets them; counted, they inflated coverage and fit.
# They stay in the matrix above, marked *not traded*, and count in neither score. **A yardstick**: a list of
# broad priorities covers much of any economy, so the same list is scored in every EU NUTS2 region of the
# sample; the place's score is read against that median and its percentile.
# Left: each priority at NUTS2; right: all priorities at each level (NUTS3 uses broad sectors against the
# country, so a priority covers a whole sector there and the scores are much coarser).

# %% slideshow={"slide_type": "subslide"}
by_level = pd.DataFrame({
    f"NUTS{lvl} {a.region}" + (" (sectors)" if lvl == 3 else ""): a.scores.loc["all", ["coverage", "fit"]]
    for lvl, a in results.items()
}).T.assign(label=lambda t: t.index)
if main is not None and len(main.priorities):
    fig, (ax1, ax2) = plots.figure(1, 2, width_ratios=[2, 1])
    plots.coverage_fit_bars(ax1, main.scores, label_width=28, all_label=f"ALL {rows_word.upper()}")
    ax1.set_title(f"each {row_word}, NUTS{main.level} {main.region}", loc="left", fontsize=15)
    plots.coverage_fit_bars(ax2, by_level[["label", "coverage", "fit"]], label_width=18, name_bars=False)
    ax2.set_title(f"all {rows_word}, by level", loc="left", fontsize=15)
    plots.annotate(fig, f"Coverage and fit ({tag})", place=f"{P.name} ({P.code})",
                   level="NUTS" + "/".join(str(lvl) for lvl in results), year=year,
                   source=[plots.SOURCE_SBS + " NUTS3: " + plots.SOURCE_NAMA.replace("Source: ", ""),
                           "NACE mapping of the priorities: our own. n/m = nothing measurable."])
    display(Image(save(fig, "coverage-fit")))
else:
    display(Markdown("**No coverage or fit**: no priority list to match."))

# %% slideshow={"slide_type": "subslide"}
if main is not None and len(main.priorities):
    shown = main.scores.drop(index="all")[["label", "coverage", "fit", "n_measured", "n_industries",
                                            "not_measurable", "missing", "partial"]]
    display(shown.set_index("label").style.format({"coverage": "{:.0%}", "fit": "{:.0%}"}, na_rep="n/m"))

# %% [markdown] slideshow={"slide_type": "fragment"}
# **The scores at every level** (the owner's level first; NUTS3 on broad sectors):

# %% slideshow={"slide_type": "fragment"}
if main is not None and len(main.priorities):
    lines = []
    for lvl, a in results.items():
        s = a.scores.loc["all"]
        lines.append(f"- NUTS{lvl} {where(a.region)}: coverage **{s['coverage']:.0%}**, fit **{s['fit']:.0%}** "
                     f"({s['n_measured']} of {s['n_industries']} mapped industries measured)")
    for lvl, why in skipped.items():
        lines.append(f"- NUTS{lvl}: not computed. {why}.")
    best = main.scores.drop(index="all").sort_values("coverage", ascending=False)
    yard = main.yardstick()  # the same list in every region of the sample
    if yard:
        lines.append(f"- The same list in the {len(main.benchmark)} NUTS{main.level} regions of the sample: median "
                     f"coverage **{yard['coverage_median']:.0%}**, fit **{yard['fit_median']:.0%}**; "
                     f"{where(main.region)} is at or above {yard['coverage_pct']:.0f} % of them on coverage and "
                     f"{yard['fit_pct']:.0f} % on fit.")
    text = "\n".join(lines)
    if best["coverage"].notna().any():
        b, w = best.dropna(subset=["coverage"]).iloc[0], best.dropna(subset=["coverage"]).iloc[-1]
        text += (f"\n\nAt NUTS{main.level}, the best-covered priority is *{b['label']}* ({b['coverage']:.0%} of its "
                 f"employment in specialised industries), the least *{w['label']}* ({w['coverage']:.0%}).")
    display(Markdown(text))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Gaps, both ways
#
# **From the strategy side**: priorities with no specialised industry in the place (no $M_i = 1$ among their
# measured industries), and priorities the statistics cannot measure at all. **From the place side**:
# specialised industries that no priority maps to, by employment; their shares add up to $1 - \text{fit}$.

# %% slideshow={"slide_type": "subslide"}
if main is not None and len(main.priorities):
    gaps = main.priority_gaps
    text = (f"**{rows_word.capitalize()} without a specialised industry in {where(main.region)}**: "
            + (f"none. Every {row_word} has at least one industry with LQ ≥ 1." if gaps.empty else "; ".join(
                f"*{g.label}* ({g.reason}" + (f", best {g.best_industry} LQ {g.best_lq:.2f}" if g.best_industry else "")
                + ")" for g in gaps.itertuples())))
    partly = main.scores.drop(index="all")
    partly = partly[partly["not_measurable"] != ""]
    if len(partly):
        text += ("\n\n**Only partly measurable** (codes outside the business statistics): " + "; ".join(
            f"*{r.label}*: {r.not_measurable.replace(';', ', ')} not measurable"
            + (f", measured through {r.n_measured} other industr{'y' if r.n_measured == 1 else 'ies'}"
               if r.n_measured else ", nothing measured") for r in partly.itertuples()) + ".")
    display(Markdown(text))
    unc = main.uncovered
    if len(unc):
        fig, ax = plots.figure()
        plots.uncovered_bars(ax, unc, names, n=10)
        plots.annotate(fig, f"Specialised, in no {row_word} ({tag})",
                       place=f"{P.name} ({main.region})", level=f"NUTS{main.level}",
                       year=year,
                       source=[plots.SOURCE_SBS, "NACE mapping of the priorities: our own."])
        display(Image(save(fig, "uncovered-strengths")))

# %% [markdown] slideshow={"slide_type": "fragment"}
# **What the place does that no row of the list names:**

# %% slideshow={"slide_type": "fragment"}
if main is not None and len(main.priorities):
    unc = main.uncovered
    if len(unc):
        first = unc.iloc[0]
        display(Markdown(
            f"{len(unc)} specialised industries of {where(main.region)} are mapped by no {row_word}: **{unc['share'].sum():.0%} of its specialised employment** (= 1 - fit). The largest is "
            f"{unc.index[0]} {plots.short_name(names.get(unc.index[0], ''), 40)} "
            f"({first['employment']:,.0f} persons, LQ {first['lq']:.2f})."))
    else:
        display(Markdown("Every specialised industry is covered by some priority (fit = 100 %)."))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. New paths next to each priority
#
# Within each priority, the candidates are its measured industries that are **new paths** for the region
# (notebook 02: traded, not specialised now or in the five years before, no break in the series, large
# enough), placed in the Balland et al. (2019) frame: relatedness density
# $RD_i = \sum_{j \ne i} M_j \varphi_{ij} / \sum_{j \ne i} \varphi_{ij}$ (feasibility; $\varphi$ = co-location
# proximity over all EU NUTS2 regions) and the benefit $B_i$ of the axis that passed the validity gate of
# notebook 02. They are ranked by $\text{score} = \tfrac12(\text{pct}(RD_i) + \text{pct}(B_i))$, percentile
# ranks over the region's new paths; tiles are coloured by quadrant (split at the sample's medians).
# Blue = low risk, high benefit.

# %% slideshow={"slide_type": "subslide"}
if main is not None and len(main.priorities) and main.level in (1, 2):
    cands = main.candidates
    fig, ax = plots.figure()
    axis = V.study.benefit
    word = axis.word if axis is not None else "benefit"
    plots.candidate_board(ax, cands, names, n=3, label_width=26, priorities=list(main.priorities["label"]),
                          benefit_word=word)
    plots.annotate(fig, f"New paths per {row_word} ({tag})",
                   place=f"{P.name} ({main.region})", level=f"NUTS{main.level}",
                   year=year,
                   source=[plots.SOURCE_SBS, ("New paths only; relatedness over all EU NUTS2 regions (Balland et al. "
                                              "2019 frame), benefit: the axis that passes the validity gate; NACE "
                                              "mapping of the priorities: our own.")])
    display(Image(save(fig, "candidates")))
    ideal = cands[cands["quadrant"] == "low risk, high benefit"]
    best = ideal.sort_values("score", ascending=False).drop_duplicates("industry").head(3)
    display(Markdown(f"New paths both related and of high {word}: " + "; ".join(
        f"**{r.industry}** {plots.short_name(names.get(r.industry, ''), 36)} for *{r.label}* "
        f"(relatedness density {r.density:.2f}, {word} {r.benefit:+.2f} standard deviations)" for r in best.itertuples())
        + "." if len(best) else f"No new path of the priorities is both related and of high {word}"
        + (f" ({len(cands)} new paths in other quadrants, on the board above)." if len(cands) else
           ": each of their industries is specialised, a latent strength, not traded, location-bound, broken in "
           "the series, estimated or too small (notebook 02 lists each with its reason).")))
else:
    display(Markdown("**No candidates**: no priority list to match at NUTS1/NUTS2."))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. How alike are the city, its NUTS2 and its NUTS1?
#
# If the city's specialisation profile resembles its region's, a regional strategy can speak for it. We
# compare LQ profiles with the cosine $\cos(a, b) = \sum_i a_i b_i / (\lVert a \rVert \lVert b \rVert)$ over a
# shared classification: broad sectors for NUTS3/2/1 (LQ against the country), NACE divisions for NUTS2/1 (LQ
# against all NUTS2 regions). LQs are positive, so the plain cosine stays high whatever the profiles; the
# cosine of $\ln LQ$ (0 = no specialisation) shows whether the regions are specialised **in the same
# direction**: 1 same, 0 unrelated, -1 opposite.

# %% slideshow={"slide_type": "subslide"}
similarity = V.similarity()  # the same study at NUTS2 and NUTS1, broad sectors at NUTS3
sim = similarity.table
if len(sim):
    fig, ax = plots.figure()
    plots.similarity_bars(ax, sim)
    plots.annotate(fig, "Similarity of specialisation profiles", place=f"{P.name} ({P.code})",
                   level="NUTS" + "/".join(sorted({str(len(c) - 2) for c in (*sim["region_a"], *sim["region_b"])},
                                                  reverse=True)),
                   year=year, source=["Source, broad sectors: " + plots.SOURCE_NAMA.removeprefix("Source: "),
                                      "NACE divisions: " + plots.SOURCE_SBS.removeprefix("Source: ")])
    display(Image(save(fig, "profile-similarity")))
    lines = []
    for classification, group in sim.groupby("classification", sort=False):
        pairs = "; ".join(f"{r.region_a} and {r.region_b} {r.cosine_log_lq:+.2f}" for r in group.itertuples())
        lines.append(f"- {classification}: cosine of log LQ {pairs}")
    city = sim[(sim["region_a"] == P.nuts3) | (sim["region_b"] == P.nuts3)] if P.nuts3 else sim.iloc[0:0]
    lead = (f"The city ({P.nuts3}) against its regions: " + "; ".join(
        f"{r.region_b if r.region_a == P.nuts3 else r.region_a} {r.cosine_log_lq:+.2f}" for r in city.itertuples())
        + " (1 = specialised in the same direction, 0 = unrelated). " if len(city) else "")
    display(Markdown(lead + "By classification:\n\n" + "\n".join(lines) + f"\n\nThe plain cosine ranges only "
                     f"{sim['cosine_lq'].min():.2f}-{sim['cosine_lq'].max():.2f}: it is high for any two LQ profiles. "
                     "A parent region that is most of its country (its LQ against the country near 1 everywhere) "
                     "gives a log cosine that is mostly noise."))
for note in similarity.notes:
    display(Markdown(f"**Not computed:** {note}."))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Caveats: levels, years, what the data cannot see

# %% slideshow={"slide_type": "subslide"}
notes = list(dict.fromkeys(n for a in results.values() for n in a.notes if not n.startswith("Employment ")))
notes += [f"NUTS{lvl} not computed: {why}." for lvl, why in skipped.items()]
if P.ris3_level == 1:
    notes.append(f"The strategy is owned at NUTS1 ({where(P.ris3_owner)}); the industry detail stops at NUTS2 "
                 f"({where(P.nuts2)}) and the city ({P.code}) has "
                 + ("broad sectors only." if 3 in results else "no figures of its own."))
if choice.period and choice.period[0].isdigit():
    start, end = (int(y) for y in choice.period.split("-"))
    notes.append(f"Years: employment {year}, strategy period {choice.period}. " + (
        f"The data end {start - year} years before the period starts: the strategy is read against the economy as "
        "it was then, the latest the statistics show, not as it is." if year < start else f"{year} lies inside the period: the data show the economy the strategy "
        "started from." if year <= end else "The data postdate the strategy period."))
elif choice.kind == "strengths only":
    notes.append(f"Years: employment {year}; the strength rows come from sources of periods "
                 f"{', '.join(sorted(set(main.priorities['period'])))} (n.d. = undated): see section 1.")
if main is not None and (main.match["status"] == measures.NOT_MEASURABLE).any():
    codes = sorted(set(main.match.loc[main.match["status"] == measures.NOT_MEASURABLE, "industry"]))
    notes.append(f"Not measurable in the business statistics: {', '.join(codes)} (their sections are outside "
                 "the business statistics; at NUTS3 the broad sectors of the regional accounts include them).")
notes += V.caveats  # what is particular to this place (data/caveats.csv)
display(Markdown("\n".join(f"- {n}" for n in dict.fromkeys(notes))))

# %% [markdown] slideshow={"slide_type": "fragment"}
# The same numbers for all the case places side by side are in notebook `05`; the one-page cluster card
# (`s3lib card`) repeats the NUTS2 coverage and fit, or says plainly that the list was not found.
