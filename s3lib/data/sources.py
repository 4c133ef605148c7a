"""Source lines of the bundled datasets, as every figure, card and page prints them.

One place for the wording, so a figure, the activity space it was drawn from and the card that
repeats it name the dataset, the level and the known gaps alike.
"""
from __future__ import annotations

__all__ = ["GAPS_SBS", "SOURCE_BA", "SOURCE_GISCO", "SOURCE_NAMA", "SOURCE_SBS", "SOURCE_USCMP"]

GAPS_SBS = ("no agriculture (A), finance (K) or public/personal services (O-U); confidential cells estimated from "
            "NUTS1/national totals where possible (s3lib), else missing")
SOURCE_SBS = f"Source: Eurostat sbs_r_nuts06_r2, persons employed. Gaps: {GAPS_SBS}."
SOURCE_NAMA = "Source: Eurostat nama_10r_3empers (employment by A*10 sector; NUTS3 where the country publishes it)."
SOURCE_GISCO = "Source of boundaries: GISCO NUTS 2021, 1:20M; (c) EuroGeographics for the administrative boundaries."
SOURCE_USCMP = "Clusters: US Cluster Mapping (Delgado, Porter & Stern 2016) carried to NACE Rev.2 by s3lib (derived)."
SOURCE_BA = ("Source: Statistik der Bundesagentur für Arbeit: employees subject to social insurance at place of work, "
             "KldB 2010; occupations, not industries; Germany only. Suppressed small cells missing, not zero.")
