{#-
    On DuckDB, store a mart in the order the dashboard looks it up: DuckDB keeps a table's
    insertion order, and its row-group zone maps (min/max per column) then skip every row group
    but the few that hold the unit asked for. Unsorted, a lookup of one unit in the five-year
    national fct_indicator_values (36M rows) read the whole table: about 1 s a query
    (benchmarks/README.md). Other engines are not sorted (Spark would sort the whole table for
    nothing a reader uses; PostgreSQL reads through its planner).
-#}
{% macro lookup_order(columns) -%}
    {{ return(adapter.dispatch('lookup_order', 'weibao')(columns)) }}
{%- endmacro %}

{% macro default__lookup_order(columns) -%}{%- endmacro %}

{% macro duckdb__lookup_order(columns) -%}
order by {{ columns | join(', ') }}
{%- endmacro %}
