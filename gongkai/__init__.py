"""`import gongkai` for analysts: read the newest published warehouse night.

    import gongkai
    with gongkai.connect() as con:          # $GONGKAI_WAREHOUSE or warehouse/gongkai.duckdb
        con.sql("SELECT * FROM out_county_rankings").show()
"""
from pipeline.warehouse.read import PublishedWarehouse, connect

__all__ = ["PublishedWarehouse", "connect"]
