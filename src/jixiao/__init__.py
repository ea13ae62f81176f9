"""jixiao（绩效）: performance self-evaluation of public budget projects.

Author, score and review 预算项目支出绩效自评 documents. The domain rules live in
``jixiao.core``; everything else (authoring files, schemes on disk, the CLI) stands around it.
"""

__version__ = "0.1.0"
