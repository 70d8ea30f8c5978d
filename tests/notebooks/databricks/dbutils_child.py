# Databricks notebook source
dbutils.widgets.text("n", "1")

# COMMAND ----------

n = int(dbutils.widgets.get("n"))
total = spark.range(n).selectExpr("sum(id) AS s").first()["s"]

# COMMAND ----------

dbutils.notebook.exit(str(total))
