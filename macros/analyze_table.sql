{#- Post-hook of every model and seed (dbt_project.yml): fresh statistics for the models that read the
    table next. PostgreSQL does not gather them when a table is created, and without them its
    planner guesses a few rows; DuckDB keeps its own, so elsewhere this renders to nothing. -#}
{% macro analyze_table() -%}
    {{ return(adapter.dispatch('analyze_table', 'weibao')()) }}
{%- endmacro %}

{% macro default__analyze_table() -%}{%- endmacro %}

{% macro postgres__analyze_table() -%}
    {%- if config.get('materialized') in ('table', 'seed', 'incremental') -%}analyze {{ this }}{%- endif -%}
{%- endmacro %}
