"""Storage: the portfolio database. SQLAlchemy is imported only here; callers get domain objects."""
