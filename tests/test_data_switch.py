"""Switching ``S3LIB_DATA_DIR`` to another snapshot changes every public result after
``clear_cache()``; nothing is recomputed while the snapshot stays the same.

The modified copy of the bundled snapshot changes three things a reader would notice:
Darmstadt's (DE71) chemicals employment is ten times larger, the US CMP scheme loses its
Tobacco cluster, and Hessen's first RIS3 priority gets a new English name.
"""
from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from s3lib import data, study
from s3lib.config import DATA_DIR
from s3lib.data import _store
from s3lib.outputs import cards
from s3lib.study import Study, schemes

CHEM = "Downstream Chemical Products"


def _rehash(folder, names):
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for e in manifest["files"]:
        if e["file"] in names:
            e["sha256"] = _store.sha256(folder / e["file"])
            e["bytes"] = (folder / e["file"]).stat().st_size
    path.write_text(json.dumps(manifest, indent=1), encoding="utf-8")


@pytest.fixture(scope="module")
def modified(tmp_path_factory):
    folder = tmp_path_factory.mktemp("snapshot") / "data"
    shutil.copytree(DATA_DIR, folder)
    emp = pd.read_parquet(folder / "employment.parquet")
    hit = (emp["region"] == "DE71") & (emp["nace"] == "C20") & (emp["indicator"] == "persons") & (emp["year"] == 2014)
    assert hit.sum() == 1
    emp.loc[hit, "value"] *= 10
    emp.to_parquet(folder / "employment.parquet")
    scheme = pd.read_parquet(folder / "cluster_scheme_uscmp.parquet")
    scheme[scheme["cluster"] != "Tobacco"].to_parquet(folder / "cluster_scheme_uscmp.parquet")
    pri = pd.read_csv(folder / "ris3_priorities.csv", dtype=str, keep_default_na=False)
    first = pri.index[pri["owner_code"] == "DE7"][0]
    pri.loc[first, "priority_en"] = "Switched priority"
    pri.to_csv(folder / "ris3_priorities.csv", index=False)
    _rehash(folder, {"employment.parquet", "cluster_scheme_uscmp.parquet", "ris3_priorities.csv"})
    return folder


def _results():
    s = Study("sbs", 2, 2014, "uscmp")
    view = s.at("frankfurt")
    card = cards.card_data(view)
    portfolio = view.portfolio.set_index("cluster")
    return {
        "c20": float(s.counts.loc["DE71", "C20"]),
        "clusters": len(schemes.uscmp().clusters),
        "chem": float(portfolio.loc[CHEM, "employment"]),
        "priority": view.alignment().priorities["priority_en"].tolist()[0],
        "fit_n": card.fit.n_priorities,
        "sha": _store.manifest_sha(),
    }


def test_every_public_result_follows_the_data_folder(modified, monkeypatch):
    data.clear_cache()
    before = _results()
    monkeypatch.setenv("S3LIB_DATA_DIR", str(modified))
    data.clear_cache()
    after = _results()
    assert after["sha"] != before["sha"]
    assert after["c20"] == pytest.approx(10 * before["c20"])                       # the space
    assert (before["clusters"], after["clusters"]) == (51, 50)                       # the scheme
    assert after["chem"] > before["chem"] + 8 * before["c20"] * 0.01                 # clusters, card
    assert before["priority"] != "Switched priority" == after["priority"]           # alignment
    monkeypatch.delenv("S3LIB_DATA_DIR")
    data.clear_cache()
    assert _results() == before


def test_nothing_is_recomputed_while_the_snapshot_is_unchanged(monkeypatch):
    data.clear_cache()
    calls = []
    real = data.eu_matrix

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(data, "eu_matrix", counting)
    first = Study("sbs", 2, 2014, "uscmp")
    assert first.at("frankfurt").summary.region == "DE71"
    cards.card_data(first.at("DE71"))  # new paths read the years before, the RIS3 fit its own period
    first.at("frankfurt").alignment()
    n = len(calls)
    assert n >= 1
    again = Study("sbs", 2, 2014, "uscmp")
    assert again is first
    assert again.at("Frankfurt am Main").summary.region == "DE71"
    cards.card_data(again.at("DE71"))
    again.at("frankfurt").alignment()
    assert len(calls) == n
    study.clear_cache()
    assert Study("sbs", 2, 2014, "uscmp").at("frankfurt").summary.region == "DE71"
    assert len(calls) > n


def test_a_snapshot_rebuilt_while_a_process_runs_gets_new_studies(modified, monkeypatch):
    """The manifest's sha256 is read again when the file changes: no stale study after a rebuild, even
    without clear_cache()."""
    monkeypatch.setenv("S3LIB_DATA_DIR", str(modified))
    data.clear_cache()
    old = Study("sbs", 2, 2014, "uscmp")
    c20 = float(old.counts.loc["DE71", "C20"])
    emp = pd.read_parquet(modified / "employment.parquet")
    hit = (emp["region"] == "DE71") & (emp["nace"] == "C20") & (emp["indicator"] == "persons") & (emp["year"] == 2014)
    emp.loc[hit, "value"] /= 10
    emp.to_parquet(modified / "employment.parquet")
    _rehash(modified, {"employment.parquet"})  # what a rebuild does: new files, a new manifest
    new = Study("sbs", 2, 2014, "uscmp")
    assert new is not old
    assert float(new.counts.loc["DE71", "C20"]) == pytest.approx(c20 / 10)
    emp.loc[hit, "value"] *= 10  # put the modified copy back for the other tests
    emp.to_parquet(modified / "employment.parquet")
    _rehash(modified, {"employment.parquet"})
    data.clear_cache()
