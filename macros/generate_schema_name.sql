{#- Marts land in the target schema (main) so BI tools see plain names; other layers get
    their own schema (staging, intermediate, reference) instead of dbt's main_staging. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
