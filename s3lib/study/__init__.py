"""The study floor: activity spaces, cluster schemes, the :class:`Study` and the view of a place.

``from s3lib.study import Study`` is the entry point of the library::

    from s3lib.study import Study
    study = Study(space="sbs", level=2, year=2014, scheme="uscmp")
    view = study.at("Frankfurt am Main")

Modules: :mod:`~s3lib.study.spaces` (region x activity counts), :mod:`~s3lib.study.schemes`
(activities -> clusters), :mod:`~s3lib.study.core` (:class:`Study`), :mod:`~s3lib.study.changes`
(:class:`~s3lib.study.changes.Changes`), :mod:`~s3lib.study.years` (the default year of a place),
:mod:`~s3lib.study.advice`, :mod:`~s3lib.study.benefit`, :mod:`~s3lib.study.paths`, :mod:`~s3lib.study.integrity`
(the gated advice: benefit axis, new paths, breaks) and
:mod:`~s3lib.study.view` (:class:`~s3lib.study.view.PlaceView`).
"""
from s3lib.study.core import MIN_COVERAGE, Study, case_regions, clear_cache
from s3lib.study.years import default_year, place_year

__all__ = ["MIN_COVERAGE", "Study", "case_regions", "clear_cache", "default_year", "place_year"]
