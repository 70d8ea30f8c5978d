// Databricks notebook source
val ids = spark.range(5).toDF("id")
ids.createOrReplaceTempView("scala_ids")

// COMMAND ----------

// MAGIC %sql
// MAGIC SELECT count(*) AS n FROM scala_ids

// COMMAND ----------

// MAGIC %python
// MAGIC print("python sees", spark.table("scala_ids").count(), "rows")
