"""s3lib.study: one EU activity space for the whole suite, recomputed here from its parts."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from s3lib import data, study
from s3lib.measures import opportunities
from s3lib.measures.complexity import eci_pci
from s3lib.measures.relatedness import density, proximity
from s3lib.measures.specialisation import location_quotient, presence
from s3lib.study import Study, spaces


@pytest.fixture(scope="module")
def eu():
    return Study(year=2014)


def test_lq_against_all_regions_and_sample_rule(eu):
    x = data.eu_matrix(2, 2014)
    pd.testing.assert_frame_equal(eu.observed, x)
    pd.testing.assert_frame_equal(eu.counts, x.fillna(spaces.sbs_estimates(2, 2014)))  # confidential cells estimated
    assert (eu.estimated == (x.isna() & eu.counts.notna())).all().all()
    pd.testing.assert_frame_equal(eu.lq, location_quotient(eu.counts))
    coverage = x.notna().mean(axis=1)  # the sample rule looks at the published cells
    expected = set(coverage.index[coverage >= study.MIN_COVERAGE]) | set(study.case_regions())
    assert set(eu.sample) == expected
    assert {"DE71", "FRI1", "ES21", "ITC1", "RO32", "PT11"} <= set(eu.sample)


def test_relatedness_and_complexity_from_the_sample(eu):
    m = presence(location_quotient(data.eu_matrix(2, 2014).fillna(spaces.sbs_estimates(2, 2014))))
    phi = proximity(m.loc[eu.sample])
    pd.testing.assert_frame_equal(eu.proximity, phi)
    pd.testing.assert_frame_equal(eu.density, density(m, phi))
    assert eu.eci.loc[eu.sample].notna().all() and eu.eci.drop(eu.sample).isna().all()
    # the sign follows GDP per head; the values are the Stata-standardised eigenvector either way
    traded = eu.traded.reindex(m.columns).fillna(False).astype(bool)
    plain, _ = eci_pci(m.loc[eu.sample, traded.to_numpy()])  # complexity on the traded divisions
    assert np.allclose(np.abs(plain), np.abs(eu.eci.loc[eu.sample]))
    gdp = np.log(data.gdp(unit="PPS_EU27_2020_HAB", level=2, year=2014).set_index("region")["value"])
    both = pd.concat([eu.eci, gdp], axis=1, join="inner").dropna()
    assert both.corr().iloc[0, 1] > 0.3


def test_new_paths_are_the_opportunity_frame_on_the_chosen_axis(eu):
    """The new paths of a region are placed by the Balland et al. frame (density recomputed) on the benefit
    axis the validity gate chose, split at the sample's medians."""
    axis = eu.benefit
    paths = eu.candidates("PT11").table
    medians = opportunities.sample_medians(eu.presence.loc[eu.sample, eu.traded[eu.traded].index],
                                           eu.density.loc[eu.sample, eu.traded[eu.traded].index], axis.activity)
    assert medians == eu.medians
    direct = opportunities.candidates(eu.presence, eu.proximity, axis.activity.reindex(paths.index), "PT11",
                                      medians=medians).table
    pd.testing.assert_series_equal(paths["quadrant"], direct["quadrant"].reindex(paths.index), check_names=False)
    np.testing.assert_allclose(paths["density"], direct["density"].reindex(paths.index))
    np.testing.assert_allclose(paths["score"], direct["score"].reindex(paths.index))
    assert (eu.presence.loc["PT11", paths.index] == 0).all() and (paths["status"] == "new path").all()


def test_cached_per_year_and_level(eu):
    assert Study(year=2014) is eu and Study("sbs", 2, 2014, "uscmp") is eu
    assert Study(year=2014, scheme="colocation")._base is eu._base  # the scheme-free part is shared
    nuts1 = Study(year=2014, level=1)
    assert nuts1.level == 1 and "DE7" in nuts1.sample and "NUTS1" in nuts1.describe()
