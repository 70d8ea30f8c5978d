# Databricks notebook source
# MAGIC %md
# MAGIC # Orders by region
# MAGIC Widgets, `%run`, `%sql` parameters, `dbutils.fs`, `%fs`, `%sh`, secrets and a child notebook.

# COMMAND ----------

dbutils.widgets.text("region", "emea", "Region")
dbutils.widgets.dropdown("min_qty", "2", ["1", "2", "3"])

# COMMAND ----------

# MAGIC %run ./dbutils_setup $prefix="orders"

# COMMAND ----------

print(setup_done, table_prefix)

# COMMAND ----------

# MAGIC %sql
# MAGIC SELECT region, count(*) AS n
# MAGIC FROM orders_v
# MAGIC WHERE region = :region AND qty >= CAST(:min_qty AS INT)
# MAGIC GROUP BY region

# COMMAND ----------

# MAGIC %sql
# MAGIC SELECT '${region}' AS legacy_region

# COMMAND ----------

# MAGIC %fs mkdirs dbfs:/reports

# COMMAND ----------

dbutils.fs.put("dbfs:/reports/summary.csv", "region,n\nemea,2\n", True)
print(dbutils.fs.head("dbfs:/reports/summary.csv"))

# COMMAND ----------

# MAGIC %fs ls dbfs:/reports

# COMMAND ----------

summary = spark.read.csv("dbfs:/reports/summary.csv", header=True)
summary.write.mode("overwrite").parquet("dbfs:/reports/summary.parquet")
display(spark.read.parquet("dbfs:/reports/summary.parquet"))

# COMMAND ----------

# MAGIC %sh
# MAGIC echo "shell says hi"
# MAGIC ls "$LAKEHOUSE_HOME/dbfs/reports"

# COMMAND ----------

token = dbutils.secrets.get("demo", "token")
print(f"the token is {token}")
token

# COMMAND ----------

result = dbutils.notebook.run("./dbutils_child", 600, {"n": "4"})
print("child returned", result)

# COMMAND ----------

dbutils.notebook.exit(f"done:{result}")

# COMMAND ----------

print("after exit")
