# Databricks notebook source
setup_done = True
table_prefix = dbutils.widgets.get("prefix")

# COMMAND ----------

# MAGIC %sql
# MAGIC CREATE OR REPLACE TEMP VIEW orders_v AS
# MAGIC SELECT * FROM VALUES ('emea', 3), ('emea', 5), ('apac', 2), ('emea', 1) AS t(region, qty)
