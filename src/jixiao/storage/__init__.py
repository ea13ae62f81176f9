"""Storage: the portfolio database. SQLAlchemy is imported only here; callers get domain objects."""

from jixiao.storage import editor as editor  # its tables join the schema's metadata
from jixiao.storage import review_scores as review_scores  # its table joins the schema's metadata
from jixiao.storage import rounds as rounds  # its tables join the schema's metadata
from jixiao.storage import upload_batches as upload_batches  # its tables join the schema's metadata
