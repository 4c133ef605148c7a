"""Pure measures: labelled matrices and tables in, labelled matrices and tables out.

No module here imports :mod:`s3lib.data`, reads a file or keeps a cache (a test checks the
imports). Each function states its formula, its reference and its missing-cell rule.

* :mod:`~s3lib.measures.specialisation`: shares, location quotients, presence, Krugman, Hachman,
  Herfindahl, entropy, growth, transitions, coverage and the coverage sample rule;
* :mod:`~s3lib.measures.variety`: related and unrelated variety (Frenken et al. 2007);
* :mod:`~s3lib.measures.relatedness`: co-location proximity, co-occurrence normalisations,
  relatedness density, the industry-space backbone;
* :mod:`~s3lib.measures.complexity`: ECI/PCI (Hidalgo & Hausmann 2009), COI, COG;
* :mod:`~s3lib.measures.opportunities`: the smart-specialisation frame (Balland et al. 2019) and
  the principle of relatedness;
* :mod:`~s3lib.measures.clusters`: cluster schemes, cluster employment, LQ, Cluster Observatory
  stars, the US CMP strong rule, co-location clusters;
* :mod:`~s3lib.measures.links`: related-cluster networks, bridging clusters, cooperation candidates;
* :mod:`~s3lib.measures.alignment`: RIS3 priorities against a place's specialisations.

Shared private helpers live in :mod:`s3lib.measures._util`.
"""
