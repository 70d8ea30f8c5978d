# Databricks notebook source
# MAGIC %md
# MAGIC # Round trip: every MAGIC kind
# MAGIC
# MAGIC Each command below must come back byte for byte.

# COMMAND ----------

# DBTITLE 1,Plain Python with a title
orders = spark.range(10).withColumnRenamed("id", "qty")
orders.createOrReplaceTempView("rt_orders")

# COMMAND ----------

# MAGIC %sql
# MAGIC SELECT count(*) AS n
# MAGIC FROM rt_orders
# MAGIC WHERE qty > 2

# COMMAND ----------

# DBTITLE 0,A hidden title
# MAGIC %scala
# MAGIC val n = spark.table("rt_orders").count()
# MAGIC println(n)

# COMMAND ----------

# MAGIC %r
# MAGIC x <- c(1, 2, 3)
# MAGIC print(sum(x))

# COMMAND ----------

# MAGIC %python
# MAGIC print("an explicit %python command")

# COMMAND ----------

# MAGIC %sh
# MAGIC echo "shell says hi"
# MAGIC ls /

# COMMAND ----------

# MAGIC %fs ls /tmp

# COMMAND ----------

# MAGIC %pip install --quiet tabulate

# COMMAND ----------

# MAGIC %run ./roundtrip_child $greeting="hello"

# COMMAND ----------

# MAGIC %md-sandbox
# MAGIC <div style="color: red">sandboxed HTML</div>

# COMMAND ----------

# MAGIC %md ## A heading on the magic line
# MAGIC and more text

# COMMAND ----------

# A comment that mentions # MAGIC but is plain code
value = 42
# MAGIC is only a prefix when every line has it


# COMMAND ----------



# COMMAND ----------

def last():
    return "trailing newline kept"
