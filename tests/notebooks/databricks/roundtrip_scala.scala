// Databricks notebook source
// MAGIC %md
// MAGIC ### A Scala notebook

// COMMAND ----------

val xs = Seq(1, 2, 3)
println(xs.sum)

// COMMAND ----------

// MAGIC %sql
// MAGIC SELECT 1 AS one

// COMMAND ----------

// MAGIC %python
// MAGIC print("python in a Scala notebook")
