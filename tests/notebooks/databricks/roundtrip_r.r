# Databricks notebook source
# MAGIC %md
# MAGIC An R notebook

# COMMAND ----------

x <- c(1, 2, 3)
print(mean(x))

# COMMAND ----------

# MAGIC %sql
# MAGIC SELECT 2 AS two

# COMMAND ----------

# MAGIC %python
# MAGIC print("python in an R notebook")
