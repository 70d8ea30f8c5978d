-- Databricks notebook source
-- MAGIC %md
-- MAGIC ## A SQL notebook

-- COMMAND ----------

CREATE OR REPLACE TEMP VIEW rt_numbers AS
SELECT id FROM range(5)

-- COMMAND ----------

-- DBTITLE 1,Count
SELECT count(*) FROM rt_numbers

-- COMMAND ----------

-- MAGIC %python
-- MAGIC df = spark.table("rt_numbers")
-- MAGIC print(df.count())

-- COMMAND ----------

-- MAGIC %sql
-- MAGIC SELECT 'an explicit %sql command' AS note

-- COMMAND ----------

-- MAGIC %scala
-- MAGIC println("scala in a SQL notebook")
