"""Analyses of a place that combine the study with other tables: RIS3 alignment, the city lens,
broad sectors, competences.

Each function takes the study or the place view it works on (never a bare place and year), so
that every setting of the study (level, year, scheme, sample rule, estimated cells) carries
through; :class:`s3lib.study.view.PlaceView` offers them as methods (``view.alignment()``,
``view.lens()``, ...). Nothing here imports :mod:`s3lib.study`: the analyses sit below it.
"""
