# Databricks notebook source
# MAGIC %md
# MAGIC Written by an older Databricks: blank MAGIC lines carry a space,
# MAGIC 
# MAGIC and the file has no final newline.

# COMMAND ----------

greeting = dbutils.widgets.get("greeting") if "dbutils" in dir() else "hello"