{#- Spark (dbt-spark) differences, in one place. Contracts, seeds and models write portable
    `varchar`; Spark 4 wants a length or `string`, so the casts dbt writes for contracts and the
    seed tables map it. Other engines are untouched. -#}
{% macro weibao_spark_type(type) -%}
    {{- return('string' if (type | string).strip().lower() in ('varchar', 'text') else type) -}}
{%- endmacro %}

{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ weibao_spark_type(type) }})
{%- endmacro %}

{#- A row number in the order the rows were read (the committees file lists the committees in
    the order they are shown). Spark requires an ordered window; one Parquet file keeps its
    order through monotonically_increasing_id. -#}
{% macro row_number_in_file_order() -%}
    {{ return(adapter.dispatch('row_number_in_file_order', 'weibao')()) }}
{%- endmacro %}

{% macro default__row_number_in_file_order() -%}row_number() over (){%- endmacro %}

{% macro spark__row_number_in_file_order() -%}row_number() over (order by monotonically_increasing_id()){%- endmacro %}

{#- dbt-spark's seed table, with `varchar` column types mapped as above. -#}
{% macro spark__create_csv_table(model, agate_table) %}
  {%- set column_override = model['config'].get('column_types', {}) -%}
  {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}
  {% set sql %}
    create table {{ this.render() }} (
        {%- for col_name in agate_table.column_names -%}
            {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
            {%- set type = weibao_spark_type(column_override.get(col_name, inferred_type)) -%}
            {{ adapter.quote_seed_column(col_name | string, quote_seed_column) }} {{ type }} {%- if not loop.last -%}, {%- endif -%}
        {%- endfor -%}
    )
    {{ file_format_clause() }}
    {{ comment_clause() }}
  {% endset %}
  {% call statement('_') -%}
    {{ sql }}
  {%- endcall %}
  {{ return(sql) }}
{% endmacro %}

{#- dbt-spark's seed loader in the session method writes an empty cell as the string 'None'
    (dbt-adapters issue 487) and does not escape quotes in bound values (people's court broke
    the statement). Cells are written as escaped literals, empty ones as a typed null. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
  {%- set batch_size = get_batch_size() -%}
  {%- set column_override = model['config'].get('column_types', {}) -%}
  {%- set types = [] -%}
  {%- for col_name in agate_table.column_names -%}
    {%- do types.append(weibao_spark_type(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)))) -%}
  {%- endfor -%}
  {%- set statements = [] -%}
  {%- for chunk in agate_table.rows | batch(batch_size) -%}
      {%- set tuples = [] -%}
      {%- for row in chunk -%}
          {%- set cells = [] -%}
          {%- for value in row -%}
              {%- if value is none -%}
                  {%- do cells.append('cast(null as ' ~ types[loop.index0] ~ ')') -%}
              {%- else -%}
                  {%- set text = (value | string).replace('\\', '\\\\').replace("'", "\\'") -%}
                  {%- do cells.append("cast('" ~ text ~ "' as " ~ types[loop.index0] ~ ')') -%}
              {%- endif -%}
          {%- endfor -%}
          {%- do tuples.append('(' ~ cells | join(', ') ~ ')') -%}
      {%- endfor -%}
      {%- set sql = 'insert into ' ~ this.render() ~ ' values ' ~ tuples | join(', ') -%}
      {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
      {%- if loop.index0 == 0 -%}
          {%- do statements.append(sql) -%}
      {%- endif -%}
  {%- endfor -%}
  {{ return(statements[0]) }}
{% endmacro %}

{#- dbt-spark's listagg ignores the order (collect_list, with a warning), so the list of
    responsible units came out in another order than on DuckDB and PostgreSQL. Spark 4 has
    listagg … within group. -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if limit_num -%}{{ exceptions.raise_compiler_error("listagg limit_num is not used in weibao") }}{%- endif -%}
    listagg({{ measure }}, {{ delimiter_text }}){%- if order_by_clause %} within group ({{ order_by_clause }}){%- endif -%}
{%- endmacro %}
