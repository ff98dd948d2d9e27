with

org_units as (select * from {{ ref('stg_reference__org_units') }}),
committees as (select * from {{ ref('stg_reference__committees') }}),
policy_documents as (select * from {{ ref('policy_documents') }}),

final as (

    select
        org_units.org_unit_code,
        org_units.org_unit_name,
        org_units.level,
        org_units.level_rank,
        org_units.parent_code,
        org_units.province_code,
        org_units.city_code,
        org_units.county_code,
        org_units.township_code,
        org_units.org_unit_code in (
            select cast(jurisdiction_code as varchar(12)) from policy_documents
        ) as is_document_jurisdiction,
        org_units.division_kind,
        org_units.is_government,
        committees.org_unit_code is not null as is_committee,
        committees.committee_order,
        org_units.vintage
    from org_units
    left join committees on committees.org_unit_code = org_units.org_unit_code

)

select * from final
