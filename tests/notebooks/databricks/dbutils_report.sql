-- Databricks notebook source
-- MAGIC %md
-- MAGIC # Sales by region (a SQL notebook)

-- COMMAND ----------

CREATE OR REPLACE TEMP VIEW sales AS
SELECT * FROM VALUES ('emea', 10), ('apac', 20), ('emea', 5) AS t(region, amount)

-- COMMAND ----------

CREATE WIDGET DROPDOWN region DEFAULT "emea" CHOICES SELECT DISTINCT region FROM sales ORDER BY region

-- COMMAND ----------

SELECT region, sum(amount) AS total FROM sales WHERE region = :region GROUP BY region

-- COMMAND ----------

-- MAGIC %python
-- MAGIC print(dbutils.widgets.getAll())
