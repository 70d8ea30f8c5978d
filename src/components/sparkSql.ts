import { sql, SQLDialect } from '@codemirror/lang-sql';

/**
 * Spark SQL for CodeMirror: JupyterLab's SQL parser with Spark's words
 * (and Delta Lake's), backquoted identifiers, strings in single or double
 * quotes with backslash escapes, and `:name` parameters as `%sql` binds
 * them. Loaded only when a notebook first shows a `%sql` cell.
 */
export const SparkSQL = SQLDialect.define({
  keywords:
    'add after all alter always analyze and anti any archive array as asc at authorization ' +
    'between both bucket buckets by cache cascade case cast catalog catalogs change check ' +
    'clear clone cluster clustered codegen collate collection column columns comment commit ' +
    'compact compactions compute concatenate constraint convert cost create cross cube current ' +
    'current_date current_time current_timestamp current_user data database databases day days ' +
    'dbproperties deallocate declare deep default defined delete delimited desc describe detail ' +
    'directories directory distinct distribute div drop dry else end escape escaped except ' +
    'exchange exclude execute exists explain export extended external extract false fetch ' +
    'fields fileformat first following for foreign format formatted from full function ' +
    'functions generated global grant group grouping having history hour hours identifier ' +
    'identity if ignore ilike immediate import in include index indexes inner inpath ' +
    'inputformat insert intersect interval into is items join keys last lateral lazy leading ' +
    'left like limit lines list load local location lock locks logical macro map matched merge ' +
    'minute minutes month months msck namespace namespaces natural no not null nulls of offset ' +
    'on only optimize option options or order out outer outputformat over overlaps overlay ' +
    'overwrite partition partitioned partitions percent pivot placing position preceding ' +
    'primary principals properties purge qualify query range recordreader recordwriter recover ' +
    'reduce references refresh rename repair repeatable replace reset respect restore restrict ' +
    'retain revoke right rlike role roles rollback rollup row rows run schema schemas second ' +
    'seconds select semi separated serde serdeproperties session_user set sets shallow show ' +
    'skewed some sort sorted source start statistics stored stratify struct substr substring ' +
    'sync system_time system_version table tables tablesample target tblproperties temporary ' +
    'terminated then time timestamp to touch trailing transaction transactions transform trim ' +
    'true truncate try_cast type unarchive unbounded uncache union unique unknown unlock ' +
    'unpivot unset update use user using vacuum values var variable varying version view views ' +
    'week weeks when where window with within year years zone zorder',
  types:
    'bigint binary boolean byte char date dec decimal double float int integer long numeric ' +
    'real short smallint string timestamp_ltz timestamp_ntz tinyint varchar variant void',
  builtin:
    'abs acos aggregate approx_count_distinct array_agg array_contains array_distinct ' +
    'array_join array_max array_min array_position array_remove array_sort arrays_zip avg ' +
    'base64 bit_length ceil ceiling coalesce collect_list collect_set concat concat_ws corr ' +
    'count count_if covar_pop cume_dist date_add date_diff date_format date_sub date_trunc ' +
    'datediff dayofmonth dayofweek dayofyear decode dense_rank element_at encode exp explode ' +
    'explode_outer filter first_value flatten floor from_json from_unixtime get_json_object ' +
    'greatest hash hex ifnull initcap inline instr isnan isnotnull isnull json_tuple lag ' +
    'last_day last_value lead least length ln locate log lower lpad ltrim make_date map_keys ' +
    'map_values max md5 mean median min mod monotonically_increasing_id named_struct ' +
    'next_day now ntile nullif nvl nvl2 percent_rank percentile percentile_approx posexplode ' +
    'pow power quarter rand randn rank regexp_extract regexp_replace repeat reverse round ' +
    'row_number rpad rtrim sha1 sha2 size slice sort_array split sqrt stddev sum to_date ' +
    'to_json to_timestamp to_unix_timestamp transform_keys transform_values try_divide ' +
    'unbase64 unhex unix_timestamp upper uuid var_pop variance weekofyear xxhash64',
  backslashEscapes: true,
  doubleQuotedStrings: true,
  identifierQuotes: '`',
  operatorChars: '*+-%<>!=&|^~/',
  specialVar: ':?'
});

/**
 * The CodeMirror language support for Spark SQL.
 */
export function sparkSql() {
  return sql({ dialect: SparkSQL, upperCaseKeywords: true });
}
