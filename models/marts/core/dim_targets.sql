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
        baseline_year,
        source_doc,
        source_clause,
        is_demo,
        basis,
        derivation_note,
        derivation_note_en,
        note
    from targets

)

select * from final
