with

targets as (select * from {{ ref('stg_reference__targets') }}),

final as (

    select
        indicator_code,
        org_unit_code,
        year,
        comparator,
        target_value,
        target_value_high,
        source_doc,
        source_clause,
        is_demo,
        note
    from targets

)

select * from final
