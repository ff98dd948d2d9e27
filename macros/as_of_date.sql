{#- Reporting "today": var as_of_date (YYYY-MM-DD), else env WEIBAO_AS_OF_DATE, else the
    current date. Pinning it makes date-dependent statuses reproducible: unit tests, and the
    engine-equality test that builds the same data on DuckDB and PostgreSQL. -#}
{% macro as_of_date() -%}
    {%- set pinned = var('as_of_date', none) or env_var('WEIBAO_AS_OF_DATE', '') -%}
    {%- if pinned -%}cast('{{ pinned }}' as date){%- else -%}current_date{%- endif -%}
{%- endmacro %}
