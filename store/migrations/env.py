"""Alembic's entry point: runs the migrations on the engine it is given."""

from alembic import context
from sqlmodel import SQLModel

import store.models  # noqa: F401  (registers the tables)
from store.db import make_engine
from store.search import include_in_schema_comparison

config = context.config
target_metadata = SQLModel.metadata


def run_migrations() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            # The full-text index has no model; autogenerate must not drop it.
            include_name=include_in_schema_comparison,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
