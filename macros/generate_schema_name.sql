{#- Marts land in the target schema so BI tools see plain names; other layers get their own
    schema. On DuckDB (one file per build) those are plain: staging, intermediate, reference.
    On a server the target schema is a fresh build schema (weibao_build_<id>), and every layer
    is named after it (weibao_build_<id>_staging …) so a build never touches what is published
    and publishing renames the whole family at once (weibao/engines/postgres.py). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ return(adapter.dispatch('layer_schema_name', 'weibao')(custom_schema_name)) }}
{%- endmacro %}

{% macro default__layer_schema_name(custom_schema_name) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ target.schema }}_{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}

{% macro duckdb__layer_schema_name(custom_schema_name) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
