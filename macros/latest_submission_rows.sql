{#- Rows of a submission type that belong to the latest accepted submission for their key
    (type, agency, jurisdiction, period). Earlier and rejected submissions stay on disk and
    in the manifest, but never reach the marts. -#}
{% macro latest_submission_rows(table_name) %}
    select
        submitted.*,
        manifest.agency_code,
        manifest.jurisdiction_code,
        manifest.received_at,
        manifest.is_demo
    from {{ source('submissions', table_name) }} as submitted
    inner join {{ ref('stg_submissions__manifest') }} as manifest
        on submitted.submission_id = manifest.submission_id
    where manifest.is_latest
{% endmacro %}
