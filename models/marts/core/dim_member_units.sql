with

member_units as (select * from {{ ref('member_units') }}),
agencies as (select * from {{ ref('agencies') }}),

final as (

    select
        member_units.member_unit_id,
        cast(member_units.jurisdiction_code as varchar(12)) as jurisdiction_code,
        member_units.agency_code,
        member_units.name_zh,
        agencies.name_en as agency_name_en,
        member_units.duties_zh,
        member_units.source_doc,
        member_units.source_clause
    from member_units
    left join agencies on member_units.agency_code = agencies.agency_code

)

select * from final
