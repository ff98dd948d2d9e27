with

indicators as (select * from {{ ref('indicators') }}),

final as (

    select
        indicator_code,
        name_zh,
        name_en,
        protection_domain,
        protection_domain_zh,
        unit_zh,
        unit_en,
        value_kind,
        direction,
        numerator_zh,
        numerator_en,
        denominator_zh,
        denominator_en,
        definition_zh,
        definition_en,
        responsible_units,
        responsible_units_zh,
        base_level,
        submission_type,
        gap_template_zh,
        gap_template_en,
        cast(counts_children as boolean) as counts_children,
        source_doc,
        source_clause,
        cast(sort_order as integer) as sort_order
    from indicators

)

select * from final
